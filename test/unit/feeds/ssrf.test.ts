import { describe, expect, it } from 'vitest';
import { checkUrl, refusalReason } from '../../../src/feeds/ssrf.js';

describe('SSRF guard', () => {
  it.each([
    '127.0.0.1', '127.1.2.3', '10.0.0.5', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.169.254',
    '100.64.0.1', '0.0.0.0', '224.0.0.1', '255.255.255.255', '::1', '::', 'fe80::1', 'fc00::1', 'fd12:3456::1',
    'ff02::1', '::ffff:127.0.0.1', '::ffff:7f00:1', '::ffff:10.0.0.1', '64:ff9b::a9fe:a9fe',
  ])('refuses %s', (ip) => {
    expect(refusalReason(ip)).toMatch(/loopback, private, link-local, shared or reserved/);
  });

  it.each(['8.8.8.8', '93.184.216.34', '2606:4700:4700::1111', '172.32.0.1', '100.128.0.1'])('allows public %s', (ip) => {
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
    expect(() => checkUrl('http://169.254.169.254/latest/meta-data', { allow: [] })).toThrow(/refused 169\.254/);
    expect(() => checkUrl('not a url', { allow: [] })).toThrow(/not a valid URL/);
    expect(checkUrl('https://example.com/rss', { allow: [] }).hostname).toBe('example.com');
  });
});
