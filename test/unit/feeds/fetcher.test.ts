import { describe, expect, it } from 'vitest';
import zlib from 'node:zlib';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { DEFAULT_FETCH_OPTIONS, fetchFeed, fetchPage, type FetchOptions } from '../../../src/feeds/fetcher.js';
import { testServers } from '../../helpers/http.js';

const opts: FetchOptions = { ...DEFAULT_FETCH_OPTIONS, policy: { allow: ['127.0.0.1'] }, totalTimeoutMs: 2000, connectTimeoutMs: 1000, maxBytes: 64 * 1024 };
const { serve: server, after } = testServers();

describe('fetchFeed', () => {
  it('sends conditional headers and reports 304 as not-modified', async () => {
    const seen: Array<string | undefined> = [];
    const s = await server((req, res) => {
      seen.push(req.headers['if-none-match']);
      if (req.headers['if-none-match'] === '"v1"') return res.writeHead(304).end();
      res.writeHead(200, { etag: '"v1"', 'last-modified': 'Wed, 30 Apr 2025 10:00:00 GMT' }).end('<rss/>');
    });
    const first = await fetchFeed(`${s.url}/f`, {}, opts);
    expect(first).toMatchObject({ kind: 'ok', body: '<rss/>', validators: { etag: '"v1"', lastModified: 'Wed, 30 Apr 2025 10:00:00 GMT' } });
    const second = await fetchFeed(`${s.url}/f`, first.kind === 'ok' ? first.validators : {}, opts);
    expect(second.kind).toBe('not-modified');
    expect(seen).toEqual([undefined, '"v1"']);
  });

  it('short-circuits an identical body by its hash, and decompresses gzip and br', async () => {
    const s = await server((req, res) => {
      const body = '<rss>same</rss>';
      if (req.url === '/br') return res.writeHead(200, { 'content-encoding': 'br' }).end(zlib.brotliCompressSync(body));
      res.writeHead(200, { 'content-encoding': 'gzip' }).end(zlib.gzipSync(body));
    });
    const a = await fetchFeed(`${s.url}/gz`, {}, opts);
    expect(a).toMatchObject({ kind: 'ok', body: '<rss>same</rss>' });
    const b = await fetchFeed(`${s.url}/br`, a.kind === 'ok' ? a.validators : {}, opts);
    expect(b.kind).toBe('unchanged');
  });

  it('caps the decompressed body (a gzip bomb fails, nothing crashes)', async () => {
    const bomb = zlib.gzipSync(Buffer.alloc(10 * 1024 * 1024, 'a'));
    const s = await server((_req, res) => res.writeHead(200, { 'content-encoding': 'gzip' }).end(bomb));
    await expect(fetchFeed(`${s.url}/bomb`, {}, opts)).rejects.toThrow(/exceeds the 65536-byte cap/);
  });

  it('follows at most maxRedirects and re-checks every hop with the SSRF guard', async () => {
    const s = await server((req, res) => {
      const n = Number(req.url?.slice(1) ?? 0);
      if (req.url === '/to-metadata') return res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data' }).end();
      if (req.url === '/to-ipv6-loopback') return res.writeHead(301, { location: `http://[::1]:${s.port}/0` }).end();
      res.writeHead(302, { location: `/${n + 1}` }).end();
    });
    await expect(fetchFeed(`${s.url}/0`, {}, opts)).rejects.toThrow(/more than 5 redirects/);
    await expect(fetchFeed(`${s.url}/to-metadata`, {}, opts)).rejects.toThrow(/refused 169\.254\.169\.254/);
    await expect(fetchFeed(`${s.url}/to-ipv6-loopback`, {}, opts)).rejects.toThrow(/refused ::1/);
  });

  it('refuses a host name that resolves to loopback at connect time', async () => {
    const s = await server((_req, res) => res.end('<rss/>'));
    await expect(fetchFeed(`http://localhost:${s.port}/`, {}, { ...opts, policy: { allow: [] } })).rejects.toThrow(/refused localhost/);
  });

  it('times out a server that never answers, and marks 404 permanent and 503 transient with Retry-After', async () => {
    const s = await server((req, res) => {
      if (req.url === '/hang') return;
      if (req.url === '/gone') return res.writeHead(404).end();
      res.writeHead(503, { 'retry-after': '120' }).end();
    });
    await expect(fetchFeed(`${s.url}/hang`, {}, { ...opts, totalTimeoutMs: 300 })).rejects.toThrow(/no response within 300 ms/);
    await expect(fetchFeed(`${s.url}/gone`, {}, opts)).rejects.toMatchObject({ permanent: true, message: expect.stringMatching(/HTTP 404/) });
    await expect(fetchFeed(`${s.url}/busy`, {}, opts)).rejects.toMatchObject({ permanent: false, retryAfterMs: 120_000 });
  });

  it('the deadline covers headers that trickle in a byte at a time, on every redirect hop, and a shutdown signal', async () => {
    // A raw socket server: a status line, then one header byte every 50 ms, forever (bounded by the test).
    const timers = new Set<NodeJS.Timeout>();
    const sockets = new Set<net.Socket>();
    const trickler = net.createServer((sock) => {
      sockets.add(sock);
      sock.on('error', () => {});
      sock.once('data', (req) => {
        if (req.toString().startsWith('GET /hop ')) return sock.end(`HTTP/1.1 302 Found\r\nlocation: /slow\r\ncontent-length: 0\r\n\r\n`);
        sock.write('HTTP/1.1 200 OK\r\n');
        const t = setInterval(() => (sock.destroyed ? clearInterval(t) : sock.write('X')), 50);
        timers.add(t);
      });
    });
    await new Promise<void>((r) => trickler.listen(0, '127.0.0.1', r));
    after(() => new Promise((r) => {
      for (const t of timers) clearInterval(t);
      // Idle pooled connections would hold close() until their keep-alive ends.
      for (const s of sockets) s.destroy();
      trickler.close(() => r());
    }));
    const base = `http://127.0.0.1:${(trickler.address() as AddressInfo).port}`;
    const quick = { ...opts, totalTimeoutMs: 400 };
    await expect(fetchFeed(`${base}/slow`, {}, quick)).rejects.toThrow(/no response within 400 ms/);
    await expect(fetchFeed(`${base}/hop`, {}, quick)).rejects.toThrow(/no response within 400 ms/);
    const stop = new AbortController();
    setTimeout(() => stop.abort(), 50);
    await expect(fetchFeed(`${base}/slow`, {}, { ...opts, totalTimeoutMs: 60_000, signal: stop.signal })).rejects.toThrow(/cancelled \(shutting down\)/);
  });

  it('sends its user agent and encodings with a feed GET, a page GET, a form POST and the GET after its redirect', async () => {
    const seen: Array<{ line: string; ua?: string; enc?: string; accept?: string }> = [];
    const s = await server((req, res) => {
      seen.push({ line: `${req.method} ${req.url}`, ua: req.headers['user-agent'], enc: req.headers['accept-encoding'], accept: req.headers.accept });
      if (req.method === 'POST') return res.writeHead(302, { location: '/after' }).end();
      res.writeHead(200, { 'content-type': 'text/html' }).end('<html><body>x</body></html>');
    });
    await fetchFeed(`${s.url}/feed`, {}, opts);
    await fetchPage(`${s.url}/page`, opts);
    await fetchPage(`${s.url}/form`, opts, { form: 'a=1', accept: 'application/json' });
    expect(seen.map((x) => x.line)).toEqual(['GET /feed', 'GET /page', 'POST /form', 'GET /after']);
    for (const x of seen) expect(x).toMatchObject({ ua: opts.userAgent, enc: 'gzip, deflate, br' });
    expect(seen[0]!.accept).toMatch(/application\/rss\+xml/);
    expect(seen[1]!.accept).toMatch(/^text\/html/);
    expect(seen[3]!.accept).toBe('application/json');
  });
});
