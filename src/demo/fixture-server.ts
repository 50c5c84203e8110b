/**
 * A local RSS fixture server: serves one RSS 2.0 feed per source at /feeds/<source>.xml
 * from a list of articles, revealing them step by step, with ETag/304 support. Used by
 * `storywatch demo` and by the tests; it listens on loopback only.
 */
import http from 'node:http';
import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Article } from '../domain/article.js';

export interface FixtureServer {
  baseUrl: string;
  feedUrls: Record<string, string>;
  /** Makes the next n articles (in publication order) visible; returns how many are. */
  reveal(n?: number): number;
  readonly visible: number;
  readonly total: number;
  /** Requests served, by status code. */
  readonly hits: Record<number, number>;
  /** From now on /feeds/<source>.xml answers `status` (301 by default) to /moved/<source>.xml, which serves the feed. */
  move(source: string, status?: number): void;
  close(): Promise<void>;
}

function xmlEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export function renderRss(title: string, link: string, items: Article[]): string {
  const body = items
    .map((a) => `<item><title>${xmlEscape(a.title)}</title><link>${xmlEscape(a.url)}</link><guid isPermaLink="false">${xmlEscape(a.id)}</guid>${a.publishedAt ? `<pubDate>${new Date(a.publishedAt).toUTCString()}</pubDate>` : ''}<description>${xmlEscape(`<p>${a.content}</p>`)}</description></item>`)
    .join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel><title>${xmlEscape(title)}</title><link>${xmlEscape(link)}</link><description>fixture</description>\n${body}\n</channel></rss>\n`;
}

export async function startFixtureServer(articles: Article[], opts: { initiallyVisible?: number } = {}): Promise<FixtureServer> {
  const ordered = [...articles].sort((a, b) => a.publishedAt.localeCompare(b.publishedAt));
  const sources = [...new Set(ordered.map((a) => a.source))];
  let visible = Math.min(opts.initiallyVisible ?? 0, ordered.length);
  const hits: Record<number, number> = {};
  const moved = new Map<string, number>();
  const server = http.createServer((req, res) => {
    const m = /^\/(feeds|moved)\/([\w.-]+)\.xml$/.exec(req.url ?? '');
    const source = m?.[2];
    const send = (status: number, body = '', headers: Record<string, string> = {}) => {
      hits[status] = (hits[status] ?? 0) + 1;
      res.writeHead(status, headers).end(body);
    };
    if (!source || !sources.includes(source)) return send(404, 'no such feed');
    if (m![1] === 'feeds' && moved.has(source)) return send(moved.get(source)!, '', { location: `/moved/${source}.xml` });
    const items = ordered.slice(0, visible).filter((a) => a.source === source).reverse();
    const xml = renderRss(source, `http://fixture.local/${source}`, items);
    const etag = `"${createHash('sha1').update(xml).digest('hex').slice(0, 16)}"`;
    if (req.headers['if-none-match'] === etag) return send(304, '', { etag });
    send(200, xml, { 'content-type': 'application/rss+xml; charset=utf-8', etag });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;
  return {
    baseUrl,
    feedUrls: Object.fromEntries(sources.map((s) => [s, `${baseUrl}/feeds/${s}.xml`])),
    reveal(n = 1) {
      visible = Math.min(ordered.length, visible + n);
      return visible;
    },
    move(source, status = 301) {
      moved.set(source, status);
    },
    get visible() {
      return visible;
    },
    total: ordered.length,
    hits,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
