/**
 * Local stand-ins for the sites behind aggregator feeds: a Google News search feed with
 * headline-only items plus the two decoder endpoints answering as the real ones do (shapes
 * from the public decoders' code), a Bing News RSS search, and a publisher site serving
 * the fixture article pages. Everything listens on 127.0.0.2, so a test can allow only
 * that address and leave 127.0.0.1 to the SSRF guard.
 */
import http from 'node:http';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { ROOT } from './paths.js';

export const SITE_HOST = '127.0.0.2';

export interface FixturePage { id: string; layout: string; outlet: string; title: string; publishedAt: string; paragraphs: string[]; boilerplate: string[] }
const PAGES_DIR = path.join(ROOT, 'test/fixtures/pages');
export const fixturePages = (): FixturePage[] => JSON.parse(readFileSync(path.join(PAGES_DIR, 'pages.json'), 'utf8')) as FixturePage[];

export interface Site {
  url: string;
  port: number;
  requests: string[];
  close: () => Promise<void>;
}

export async function listen(handler: http.RequestListener, host = SITE_HOST): Promise<Site> {
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    handler(req, res);
  });
  await new Promise<void>((r) => server.listen(0, host, r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}`, port, requests,
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  };
}

const xml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const rfc822 = (iso: string) => new Date(iso).toUTCString();

/** A new-style Google News id (protobuf field 4 holding an opaque "AU_yqL…" token). */
export function googleNewsId(key: string): string {
  const token = Buffer.from(`AU_yqL${createHash('sha256').update(key).digest('base64url').slice(0, 40)}`, 'latin1');
  return Buffer.concat([Buffer.from([0x08, 0x13, 0x22, token.length]), token]).toString('base64url');
}

export interface FeedItem { key: string; title: string; outlet: string; publishedAt: string; target: string; description?: string }

export function googleNewsFeed(items: FeedItem[]): string {
  const entries = items.map((it) => {
    const link = `https://news.google.com/rss/articles/${googleNewsId(it.key)}?oc=5`;
    const desc = `<a href="${link}" target="_blank">${xml(it.title)}</a>&nbsp;&nbsp;<font color="#6f6f6f">${xml(it.outlet)}</font>`;
    return `<item><title>${xml(`${it.title} - ${it.outlet}`)}</title><link>${xml(link)}</link><guid isPermaLink="false">${googleNewsId(it.key)}</guid><pubDate>${rfc822(it.publishedAt)}</pubDate><description>${xml(desc)}</description><source url="${xml(new URL(it.target).origin)}">${xml(it.outlet)}</source></item>`;
  });
  return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"><channel><generator>NFE/5.0</generator><title>"minerals deal" - Google News</title><link>https://news.google.com/search?q=minerals+deal</link><language>en-US</language><description>Google News</description>${entries.join('')}</channel></rss>`;
}

export function bingNewsFeed(items: FeedItem[]): string {
  const entries = items.map((it) => {
    const link = `http://www.bing.com/news/apiclick.aspx?ref=FexRss&aid=&tid=${createHash('md5').update(it.key).digest('hex').slice(0, 20)}&url=${encodeURIComponent(it.target)}&c=8412295523019233391&mkt=en-us`;
    return `<item><title>${xml(it.title)}</title><link>${xml(link)}</link><description>${xml(it.description ?? '')}</description><pubDate>${rfc822(it.publishedAt)}</pubDate><News:Source>${xml(it.outlet)}</News:Source></item>`;
  });
  return `<?xml version="1.0" encoding="utf-8" ?><rss version="2.0" xmlns:News="https://www.bing.com:443/news/search?q=minerals+deal&amp;format=rss"><channel><title>minerals deal - BingNews</title><link>https://www.bing.com:443/news/search?q=minerals+deal&amp;format=rss</link><description>Search results</description>${entries.join('')}</channel></rss>`;
}

export function publisherFeed(title: string, items: FeedItem[]): string {
  const entries = items.map((it) => `<item><title>${xml(it.title)}</title><link>${xml(it.target)}</link><guid>${xml(it.target)}</guid><description>${xml(it.description ?? '')}</description><pubDate>${rfc822(it.publishedAt)}</pubDate></item>`);
  return `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>${xml(title)}</title><link>https://outlet.example/</link>${entries.join('')}</channel></rss>`;
}

/**
 * Google's side: the feed at /rss/search, the article page with the signature and
 * timestamp in <c-wiz><div jscontroller>, and batchexecute, which answers only a request
 * built the way the public decoders build it (else 400, as Google does).
 */
export async function startGoogleNews(targets: () => Map<string, string>, feed: () => string): Promise<Site & { decoded: string[] }> {
  const decoded: string[] = [];
  const sig = (id: string) => `AZ5r3e${createHash('sha1').update(id).digest('base64url').slice(0, 30)}`;
  const ts = (id: string) => String(1746000000 + (createHash('md5').update(id).digest()[0] ?? 0));
  const site = await listen((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/rss/search') return res.writeHead(200, { 'content-type': 'application/xml; charset=utf-8' }).end(feed());
    const article = /^\/articles\/([A-Za-z0-9_-]+)$/.exec(url.pathname);
    if (req.method === 'GET' && article) {
      const id = article[1]!;
      return res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(`<!doctype html><html lang="en"><head><title>Google News</title><script nonce="x">window.WIZ_global_data={};</script></head><body><c-wiz jsrenderer="ZxcVb" jsshadow jsdata="deferred-i1" data-p="%.@.]" data-node-index="0;0" jsmodel="hc6Ubd" c-wiz><div jscontroller="aLI87" jsaction="rcuQ6b:npT2md" data-n-a-sg="${sig(id)}" data-n-a-ts="${ts(id)}" data-n-a-id="${id.slice(0, 8)}" data-n-vlb=""></div></c-wiz><div>Opening the article…</div></body></html>`);
    }
    if (req.method === 'POST' && url.pathname === '/_/DotsSplashUi/data/batchexecute') {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        try {
          const freq = new URLSearchParams(body).get('f.req') ?? '';
          const [[[rpc, inner]]] = JSON.parse(freq) as [[[string, string]]];
          const args = JSON.parse(inner) as unknown[];
          const id = String(args[2]);
          const target = targets().get(id);
          if (rpc !== 'Fbv4je' || args[0] !== 'garturlreq' || String(args[3]) !== ts(id) || args[4] !== sig(id) || !target) throw new Error('bad request');
          decoded.push(id);
          const payload = JSON.stringify(['garturlres', target, 1]);
          res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(`)]}'\n\n${JSON.stringify([['wrb.fr', 'Fbv4je', payload, null, null, null, 'generic'], ['di', 12], ['af.httprm', 11, '-5734623450412117458', 17]])}`);
        } catch {
          res.writeHead(400, { 'content-type': 'text/html' }).end('<html><body>Error 400 (Bad Request)</body></html>');
        }
      });
      return;
    }
    res.writeHead(404).end();
  });
  return { ...site, decoded };
}

/** A publisher site: the fixture pages under /news/<id>.html, a robots.txt, and `extra` routes. */
export async function startPublisher(extra: Record<string, http.RequestListener> = {}, robots = 'User-agent: *\nDisallow: /private/\n'): Promise<Site> {
  return listen((req, res) => {
    const p = new URL(req.url ?? '/', 'http://x').pathname;
    if (p === '/robots.txt') return res.writeHead(200, { 'content-type': 'text/plain' }).end(robots);
    const page = /^\/news\/(h\d\d)\.html$/.exec(p);
    if (page) return res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(readFileSync(path.join(PAGES_DIR, `${page[1]}.html`)));
    const route = extra[p];
    if (route) return route(req, res);
    res.writeHead(404, { 'content-type': 'text/html' }).end('<html><body>Not found</body></html>');
  });
}
