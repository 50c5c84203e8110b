import { describe, expect, it } from 'vitest';
import { checkUrl, refusalReason } from '../../../src/feeds/ssrf.js';

describe('SSRF guard', () => {
  it.each([
    '127.0.0.1', '127.1.2.3', '10.0.0.5', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.169.254',
    '100.64.0.1', '0.0.0.0', '224.0.0.1', '255.255.255.255', '::1', '::', 'fe80::1', 'fc00::1', 'fd12:3456::1',
    'ff02::1', '::ffff:127.0.0.1', '::ffff:7f00:1', '::ffff:10.0.0.1', '64:ff9b::a9fe:a9fe',
    // IPv4-compatible, SIIT, local-use NAT64, 6to4 and Teredo forms (issue 10, item 13)
    '::127.0.0.1', '::10.0.0.1', '::8.8.8.8', '::ffff:0:127.0.0.1', '::ffff:0:8.8.8.8', '0:0:0:0:ffff:0:7f00:1',
    '64:ff9b:1::a00:1', '64:ff9b:1:ffff::1', '2002:7f00:1::1', '2002:c0a8:101::1', '2002::', '2001::1', '2001:0:4136:e378:8000:63bf:3fff:fdd2',
    '0:0:0:0:0:ffff:7f00:0001', '64:ff9b::127.0.0.1', '64:ff9b::5',
  ])('refuses %s', (ip) => {
    expect(refusalReason(ip)).toMatch(/loopback, private, link-local, shared or reserved/);
  });

  it.each(['8.8.8.8', '93.184.216.34', '2606:4700:4700::1111', '172.32.0.1', '100.128.0.1', '2001:4860:4860::8888', '64:ff9b::808:808', '::ffff:8.8.8.8'])('allows public %s', (ip) => {
    expect(refusalReason(ip)).toBeUndefined();
  });

  it('an explicit allow-list entry (tests, local demo) lets loopback through, and only that', () => {
    expect(refusalReason('127.0.0.1', { allow: ['127.0.0.1'] })).toBeUndefined();
    expect(refusalReason('127.0.0.2', { allow: ['127.0.0.1'] })).toBeDefined();
    expect(refusalReason('10.1.2.3', { allow: ['10.0.0.0/8'] })).toBeUndefined();
  });

  it('checks scheme, credentials and literal IP hosts before any request', () => {
    expect(() => checkUrl('file:///etc/passwd', { allow: [] })).toThrow(/only http and https/);
    expect(() => checkUrl('gopher://x', { allow: [] })).toThrow(/only http and https/);
    expect(() => checkUrl('http://user:pw@example.com/', { allow: [] })).toThrow(/credentials/);
    expect(() => checkUrl('http://[::1]:8080/feed', { allow: [] })).toThrow(/refused ::1/);
    expect(() => checkUrl('http://[::ffff:0:10.0.0.1]/feed', { allow: [] })).toThrow(/refused/);
    expect(() => checkUrl('http://[2002:a00:1::1]/feed', { allow: [] })).toThrow(/refused/);
    expect(() => checkUrl('http://169.254.169.254/latest/meta-data', { allow: [] })).toThrow(/refused 169\.254/);
    expect(() => checkUrl('not a url', { allow: [] })).toThrow(/not a valid URL/);
    expect(checkUrl('https://example.com/rss', { allow: [] }).hostname).toBe('example.com');
  });
});
