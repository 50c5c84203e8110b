/**
 * Benchmark feed server (own process): N small RSS feeds at /feeds/f<i>.xml with
 * ETags; POST /round changes 1 in 20 feeds. Prints its port on stdout.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { etagFor, feedBody } from './feed-mix.js';

const n = Number(process.argv[2] ?? 10_000);
let round = 0;

const server = http.createServer((req, res) => {
  if (req.method === 'POST' && req.url === '/round') {
    round++;
    return res.end(String(round));
  }
  const m = /^\/feeds\/f(\d+)\.xml$/.exec(req.url ?? '');
  const i = m ? Number(m[1]) : -1;
  if (i < 0 || i >= n) return res.writeHead(404).end();
  const etag = etagFor(i, round);
  if (req.headers['if-none-match'] === etag) return res.writeHead(304, { etag }).end();
  res.writeHead(200, { 'content-type': 'application/rss+xml', etag }).end(feedBody(i, round));
});
server.keepAliveTimeout = 30_000;
server.listen(0, '127.0.0.1', () => process.stdout.write(`${(server.address() as AddressInfo).port}\n`));
