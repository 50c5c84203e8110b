/**
 * Benchmark feed server (own process): N small RSS feeds at /feeds/f<i>.xml with
 * ETags; POST /round changes 1 in 20 feeds. Prints its port on stdout.
 * GET /stats: requests served by status since start. POST /mode/fresh: every request gets
 * a 200 (validators ignored) with a feed of no items, so a poll parses but finds nothing
 * new; POST /mode/normal goes back.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { etagFor, feedBody } from './feed-mix.js';

const n = Number(process.argv[2] ?? 10_000);
let round = 0;
let fresh = false;
const stats: Record<string, number> = { requests: 0 };

const server = http.createServer((req, res) => {
  if (req.method === 'POST' && req.url === '/round') {
    round++;
    return res.end(String(round));
  }
  if (req.method === 'POST' && req.url?.startsWith('/mode/')) {
    fresh = req.url === '/mode/fresh';
    return res.end(fresh ? 'fresh' : 'normal');
  }
  if (req.url === '/stats') return res.end(JSON.stringify(stats));
  const m = /^\/feeds\/f(\d+)\.xml$/.exec(req.url ?? '');
  const i = m ? Number(m[1]) : -1;
  if (i < 0 || i >= n) return res.writeHead(404).end();
  stats.requests!++;
  const etag = etagFor(i, round);
  if (fresh) {
    stats['200'] = (stats['200'] ?? 0) + 1;
    return res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(`<?xml version="1.0"?><rss version="2.0"><channel><title>f${i}</title><link>https://bench.example/${i}</link></channel></rss>`);
  }
  if (req.headers['if-none-match'] === etag) {
    stats['304'] = (stats['304'] ?? 0) + 1;
    return res.writeHead(304, { etag }).end();
  }
  stats['200'] = (stats['200'] ?? 0) + 1;
  res.writeHead(200, { 'content-type': 'application/rss+xml', etag }).end(feedBody(i, round));
});
server.keepAliveTimeout = 30_000;
server.listen(0, '127.0.0.1', () => process.stdout.write(`${(server.address() as AddressInfo).port}\n`));
