/**
 * For `/storywatch track` tests: seed pages and feed items made from the minerals-deal
 * corpus, served from a loopback server (with an RSS feed whose items the test sets), and
 * slash commands signed as Slack signs them.
 */
import { createHmac } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { renderRss } from '../../src/demo/fixture-server.js';
import type { Article } from '../../src/domain/article.js';
import { ROOT } from './paths.js';

const CORPUS = path.join(ROOT, 'config/stories/minerals-deal/corpus');
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
export const corpusLines = (file: string) => readFileSync(path.join(CORPUS, file), 'utf8').trim().split('\n');

function page(file: string, head: string): string {
  const [title, ...body] = corpusLines(file);
  const paras = body.filter((l) => l.trim()).map((l) => `<p>${esc(l)}</p>`).join('\n');
  return `<!doctype html><html><head><meta charset="utf-8"><title>${esc(title!)}</title>${head}</head><body>
<nav><a href="/">Home</a></nav><article><h1>${esc(title!)}</h1>${paras}</article><footer>© Test News</footer></body></html>`;
}

const PAGES: Record<string, string> = {
  '/a/talks.html': page('002_ddbc3d59855bad15.txt', '<meta property="article:published_time" content="2025-02-22T09:30:00Z">'),
  '/a/progress.html': page('001_d9269066bc7773b7.txt', '<script type="application/ld+json">{"@type":"NewsArticle","datePublished":"2025-04-17T08:00:00Z"}</script>'),
  '/a/undated.html': page('000_e79a6c505ac0c8fc.txt', ''),
};

/** The feed item that is old news (already in the feed) and the one that arrives later. */
export const OLD_ITEM = '003_3bb3f304dac755de.txt';
export const NEW_ITEM = '004_f51fb45d44db9aaa.txt';

/** A deployment's folder that tracks nippon-us-steel: stories/ (new ones are written beside it) and config.yaml. */
export function trackDeployment(name: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), `sw-${name}-`));
  mkdirSync(path.join(dir, 'stories'));
  cpSync(path.join(ROOT, 'config/stories/nippon-us-steel'), path.join(dir, 'stories/nippon-us-steel'), { recursive: true });
  writeFileSync(path.join(dir, 'config.yaml'), '# the deployment\nstories:\n  - nippon-us-steel\nfeeds: []\n');
  return dir;
}

export interface PageServer {
  base: string;
  feedUrl: string;
  /** What /feed.xml serves. */
  items: Article[];
  /** Seed page requests held until this settles (undefined: answered at once). */
  hold: Promise<void> | undefined;
  seedRequests: string[];
  item(file: string, key: string, publishedAt: string): Article;
  close(): Promise<void>;
}

export async function pageServer(): Promise<PageServer> {
  const s: PageServer = {
    base: '', feedUrl: '', items: [], hold: undefined, seedRequests: [],
    item(file, key, publishedAt) {
      const [title, ...body] = corpusLines(file);
      return { id: key, title: title!, url: `${s.base}/n/${key}.html`, source: 'Loopback News', publishedAt, content: body.join(' ').trim() };
    },
    close: () => new Promise((r) => server.close(() => r())),
  };
  const server = http.createServer((req, res) => {
    const url = req.url ?? '';
    if (url === '/feed.xml') return res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(renderRss('Loopback News', s.base, s.items));
    const body = PAGES[url];
    if (!body) return res.writeHead(404).end();
    s.seedRequests.push(url);
    void (s.hold ?? Promise.resolve()).then(() => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(body));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  s.base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  s.feedUrl = `${s.base}/feed.xml`;
  return s;
}

let n = 0;
/** POSTs a signed slash command to Bolt's HTTP receiver; `reply` finds what came back on response_url. */
export async function signedSlash(o: { port: number; secret: string; fakeUrl: string; calls: Array<{ path: string; body: unknown }> }, text: string, user: string, channel = 'C1') {
  const at = o.calls.length;
  const respond = `/respond/track-${++n}`;
  const body = new URLSearchParams({ token: 'legacy', team_id: 'T1', channel_id: channel, user_id: user, command: '/storywatch', text, response_url: `${o.fakeUrl}${respond}`, trigger_id: `trigger-track-${n}` }).toString();
  const ts = String(Math.floor(Date.now() / 1000));
  const sig = `v0=${createHmac('sha256', o.secret).update(`v0:${ts}:${body}`).digest('hex')}`;
  const res = await fetch(`http://127.0.0.1:${o.port}/slack/events`, { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': ts, 'x-slack-signature': sig } });
  return { status: res.status, ack: await res.text(), reply: () => o.calls.slice(at).find((c) => c.path === respond)?.body as { text: string; response_type: string } | undefined };
}
