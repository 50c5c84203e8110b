import { describe, expect, it } from 'vitest';
import { getEventListeners } from 'node:events';
import type { Socket } from 'node:net';
import { DEFAULT_FETCH_OPTIONS, fetchFeed, FetchCancelled, type FetchOptions } from '../../../src/feeds/fetcher.js';
import { testServers } from '../../helpers/http.js';

const opts: FetchOptions = { ...DEFAULT_FETCH_OPTIONS, policy: { allow: ['127.0.0.1'] }, totalTimeoutMs: 5000, connectTimeoutMs: 1000, maxBytes: 64 * 1024 };
const { serve: server } = testServers();

describe('transport (undici dispatch)', () => {
  it('keeps one connection for a run of 304s, a 200 read in full, and a dropped redirect', async () => {
    const sockets = new Set<Socket>();
    const s = await server((req, res) => {
      sockets.add(req.socket);
      if (req.url === '/moved') return res.writeHead(302, { location: '/f' }).end('x'.repeat(100));
      if (req.headers['if-none-match'] === '"v1"') return res.writeHead(304, { etag: '"v1"' }).end();
      res.writeHead(200, { etag: '"v1"', 'set-cookie': ['a=1', 'b=2'] }).end('<rss>body</rss>');
    });
    const first = await fetchFeed(`${s.url}/moved`, {}, opts);
    expect(first).toMatchObject({ kind: 'ok', body: '<rss>body</rss>', validators: { etag: '"v1"' } });
    for (let i = 0; i < 20; i++) expect((await fetchFeed(`${s.url}/f`, { etag: '"v1"' }, opts)).kind).toBe('not-modified');
    // The redirect's body was dropped with its connection; every request after it shared one.
    expect(sockets.size).toBeLessThanOrEqual(2);
  });

  it('cancels every fetch in flight on one shutdown signal, with one listener on it whatever their number', async () => {
    const s = await server(() => undefined); // never answers
    const shutdown = new AbortController();
    const fetches = Array.from({ length: 25 }, (_, i) => fetchFeed(`${s.url}/hang${i}`, {}, { ...opts, signal: shutdown.signal }));
    const settled = Promise.allSettled(fetches);
    await new Promise((r) => setTimeout(r, 100));
    expect(getEventListeners(shutdown.signal, 'abort').length).toBe(1);
    const t0 = Date.now();
    shutdown.abort();
    const out = await settled;
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(out.every((o) => o.status === 'rejected' && o.reason instanceof FetchCancelled)).toBe(true);
    // A fetch started after the signal fired is cancelled before it is sent.
    await expect(fetchFeed(`${s.url}/late`, {}, { ...opts, signal: shutdown.signal })).rejects.toBeInstanceOf(FetchCancelled);
  });

  it('reports a connection reset mid-body as a read failure, not a crash', async () => {
    const s = await server((_req, res) => {
      res.writeHead(200, { 'content-length': '1000' });
      res.write('<rss>partial');
      setTimeout(() => res.socket?.destroy(), 20);
    });
    await expect(fetchFeed(`${s.url}/reset`, {}, opts)).rejects.toThrow(/cannot read body|aborted|reset|closed/i);
  });
});
