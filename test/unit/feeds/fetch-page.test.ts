import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_FETCH_OPTIONS, fetchPage, type FetchOptions } from '../../../src/feeds/fetcher.js';
import { serve } from '../../helpers/http.js';

const opts: FetchOptions = { ...DEFAULT_FETCH_OPTIONS, policy: { allow: ['127.0.0.1'] }, totalTimeoutMs: 2000, connectTimeoutMs: 1000, maxBytes: 64 * 1024 };
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (closers.length) await closers.pop()!();
});

describe('fetchPage', () => {
  it('takes the charset from <meta> when the header has none, and from the header over <meta>', async () => {
    // "Київ" in windows-1251.
    const kyiv = Buffer.from([0xca, 0xe8, 0xbf, 0xe2]);
    const page = (meta: string) => Buffer.concat([Buffer.from(`<html><head>${meta}</head><body><p>`), kyiv, Buffer.from('</p></body></html>')]);
    const s = await serve((req, res) => {
      if (req.url === '/meta') return res.writeHead(200, { 'content-type': 'text/html' }).end(page('<meta charset="windows-1251">'));
      if (req.url === '/equiv') return res.writeHead(200, { 'content-type': 'text/html' }).end(page('<meta http-equiv="Content-Type" content="text/html; charset=windows-1251">'));
      res.writeHead(200, { 'content-type': 'text/html; charset=windows-1251' }).end(page('<meta charset="utf-8">'));
    });
    closers.push(s.close);
    for (const p of ['/meta', '/equiv', '/header']) expect((await fetchPage(`${s.url}${p}`, opts, { htmlOnly: true })).body, p).toContain('<p>Київ</p>');
  });

  it('refuses a page that is not HTML before reading its body, by header or (without one) by its first bytes', async () => {
    const s = await serve((req, res) => {
      if (req.url === '/pdf') {
        res.writeHead(200, { 'content-type': 'application/pdf' });
        // Never ends: only a refusal on the headers answers before the deadline with this message.
        return void res.write('%PDF-1.7\n');
      }
      res.removeHeader('content-type');
      res.writeHead(200).end('{"not":"html"}');
    });
    closers.push(s.close);
    await expect(fetchPage(`${s.url}/pdf`, opts, { htmlOnly: true })).rejects.toThrow(/not an HTML page \(application\/pdf\)/);
    await expect(fetchPage(`${s.url}/json`, opts, { htmlOnly: true })).rejects.toThrow(/not an HTML page \(no content type/);
  });

  it('POSTs a form body, and a 303 after it continues as a GET', async () => {
    const seen: string[] = [];
    const s = await serve((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        seen.push(`${req.method} ${req.url} ${req.headers['content-type'] ?? '-'} ${body}`);
        if (req.url === '/post') return res.writeHead(303, { location: '/done' }).end();
        res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      });
    });
    closers.push(s.close);
    const r = await fetchPage(`${s.url}/post`, opts, { form: 'f.req=%5B1%5D' });
    expect(r).toMatchObject({ status: 200, body: 'ok', finalUrl: `${s.url}/done` });
    expect(seen).toEqual([`POST /post application/x-www-form-urlencoded;charset=UTF-8 f.req=%5B1%5D`, 'GET /done - ']);
  });
});
