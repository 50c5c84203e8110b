/**
 * run --once end to end with enrichment: aggregator feeds with headline-only or snippet
 * items, a fake Google News decoder, and a publisher site whose pages carry navigation,
 * ads and comments around the article. Alerts must carry the full text's summary, the
 * outlet and the publisher URL; broken pages must leave their items on the feed text.
 */
import Database from 'better-sqlite3';
import { DB_NAME } from '../../src/store/sqlite/database.js';
import { afterEach, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BIN, ROOT } from '../helpers/paths.js';
import { bingNewsFeed, fixturePages, googleNewsFeed, googleNewsId, listen, publisherFeed, SITE_HOST, startGoogleNews, startPublisher, type FeedItem, type Site } from '../helpers/news-sites.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});
const track = <T extends Site>(s: T) => (cleanups.push(s.close), s);

interface Run { code: number | null; err: string; timedOut: boolean }

/** `storywatch run --once` in a child process (the fake sites live in this one, so not spawnSync). */
function runOnce(dir: string, feeds: Array<{ id: string; url: string; fullText?: string }>, enrich: Record<string, unknown>): Promise<Run> {
  const config = path.join(dir, 'config.yaml');
  writeFileSync(config, JSON.stringify({
    story: 'minerals-deal', pollIntervalSeconds: 1, feeds,
    fetch: { connectTimeoutMs: 1000, totalTimeoutMs: 5000, perHostIntervalMs: 0 }, enrich,
  }));
  const env: NodeJS.ProcessEnv = {
    ...process.env, STORYWATCH_CONFIG: config, STORYWATCH_DATA_DIR: path.join(dir, 'data'), STORYWATCH_TARGETS: `jsonl:${path.join(dir, 'alerts.jsonl')}`,
    STORYWATCH_ALLOW_PRIVATE_HOSTS: SITE_HOST, STORYWATCH_LOG_LEVEL: 'debug', STORYWATCH_PER_HOST_INTERVAL_MS: '0',
  };
  delete env.REDIS_URL;
  delete env.STORYWATCH_FEEDS;
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, 'run', '--once'], { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (c) => (err += c));
    // A liveness bound, not a performance figure: a hung poll would never exit.
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, err, timedOut: signal === 'SIGKILL' });
    });
  });
}

function tmp(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'sw-enrich-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const lines = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, any>) : []);
/** The analysed articles the run recorded, in order, read straight from its database. */
function entries(dir: string): Array<{ article: { url: string; title: string; source: string; content: string } }> {
  const file = path.join(dir, 'data', DB_NAME);
  if (!existsSync(file)) return [];
  const db = new Database(file, { readonly: true });
  try {
    return (db.prepare('SELECT entry FROM articles ORDER BY seq').pluck().all() as string[]).map((e) => JSON.parse(e));
  } finally {
    db.close();
  }
}
const alerts = (dir: string) => lines(path.join(dir, 'alerts.jsonl')).filter((l) => l.alert).map((l) => l.alert as { headline: string; whatIsNew: string; link: string; sources: Array<{ name: string; url: string }> });

const pages = fixturePages();
const items = (pub: Site): FeedItem[] => pages.map((p) => ({ key: p.id, title: p.title, outlet: p.outlet, publishedAt: p.publishedAt, target: `${pub.url}/news/${p.id}.html`, description: `${p.paragraphs[0]!.slice(0, 90)} …` }));

/** The two runs every feed needs: the first learns the backlog silently, the second alerts. */
async function twoRuns(dir: string, feed: { id: string; url: string }, reveal: () => void, enrich: Record<string, unknown>) {
  const first = await runOnce(dir, [feed], enrich);
  expect(first).toMatchObject({ code: 0, timedOut: false });
  expect(entries(dir)).toHaveLength(1);
  reveal();
  // The feed is due again one poll interval (1 s) after the first run polled it.
  await new Promise((r) => setTimeout(r, 1100));
  const second = await runOnce(dir, [feed], enrich);
  expect(second, second.err.slice(-2000)).toMatchObject({ code: 0, timedOut: false });
  return second;
}

function expectFullTextAlerts(dir: string, pub: Site) {
  const byUrl = new Map(pages.map((p) => [`${pub.url}/news/${p.id}.html`, p]));
  // Every item after the backlog was analysed on its page's article text, nothing else.
  const analysed = entries(dir).slice(1);
  expect(analysed).toHaveLength(pages.length - 1);
  for (const e of analysed) {
    const page = byUrl.get(e.article.url);
    expect(page, e.article.url).toBeDefined();
    expect(e.article).toMatchObject({ title: page!.title, source: page!.outlet, content: page!.paragraphs.join('\n') });
  }
  const got = alerts(dir);
  expect(got.length).toBeGreaterThanOrEqual(3);
  for (const a of got) {
    const page = byUrl.get(a.link)!;
    expect(page, a.link).toBeDefined();
    expect(a.headline).toBe(page.title);
    expect(a.sources).toEqual([{ name: page.outlet, url: a.link }]);
    // The summary quotes the article body, which the feed never carried.
    expect(page.paragraphs.some((p) => a.whatIsNew.includes(p.slice(0, 60)))).toBe(true);
    for (const b of page.boilerplate) expect(a.whatIsNew).not.toContain(b);
  }
}

describe('enrichment end to end (run --once)', () => {
  it('Google News headline-only items: links decoded by the batchexecute flow, pages fetched, alerts carry the full-text summary, outlet and publisher URL', async () => {
    const dir = tmp();
    const pub = track(await startPublisher());
    const all = items(pub);
    let visible = 1;
    const google = track(await startGoogleNews(() => new Map(all.map((i) => [googleNewsId(i.key), i.target])), () => googleNewsFeed(all.slice(0, visible))));
    await twoRuns(dir, { id: 'gnews', url: `${google.url}/rss/search?q=minerals` }, () => (visible = all.length), { googleNewsBaseUrl: google.url });
    expectFullTextAlerts(dir, pub);
    // One decode per new item; the backlog item was learned without any request.
    expect(google.decoded).toHaveLength(all.length - 1);
    expect(pub.requests.filter((r) => r === 'GET /robots.txt')).toHaveLength(1);
  });

  it('Bing News snippet items: publisher URL unwrapped without a request, pages fetched, same alerts', async () => {
    const dir = tmp();
    const pub = track(await startPublisher());
    const all = items(pub);
    let visible = 1;
    const bing = track(await listen((_req, res) => res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(bingNewsFeed(all.slice(0, visible)))));
    await twoRuns(dir, { id: 'bing', url: `${bing.url}/news/search?q=minerals&format=rss` }, () => (visible = all.length), {});
    expectFullTextAlerts(dir, pub);
    expect(bing.requests.every((r) => r.startsWith('GET /news/search'))).toBe(true);
  });

  it('a trickling page, a 5 MB page, a redirect to 127.0.0.1, a PDF and a robots-disallowed page leave their items on the feed text, and the poll ends', async () => {
    const dir = tmp();
    // A full article on 127.0.0.1: only the SSRF guard keeps the redirect from reaching it.
    const internal = track(await listen((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(readFileSync(path.join(ROOT, 'test/fixtures/pages/h04.html'))), '127.0.0.1'));
    let trickleClosed = false;
    const article = readFileSync(path.join(ROOT, 'test/fixtures/pages/h06.html'), 'utf8');
    const pub = track(await startPublisher({
      '/slow': (req, res) => {
        res.writeHead(200, { 'content-type': 'text/html' });
        const t = setInterval(() => res.write(' '), 100);
        req.socket.on('close', () => ((trickleClosed = true), clearInterval(t)));
        res.write(article.slice(0, 500));
      },
      '/huge': (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/html' });
        res.write(article.replace('</body>', ''));
        const filler = `<p>${'Filler paragraph of a very long page. '.repeat(50)}</p>\n`;
        for (let n = 0; n < (5 * 1024 * 1024) / filler.length; n++) res.write(filler);
        res.end('</body></html>');
      },
      '/redirect': (_req, res) => res.writeHead(302, { location: `${internal.url}/secret` }).end(),
      '/report': (_req, res) => res.writeHead(200, { 'content-type': 'application/pdf' }).end('%PDF-1.7 not a page'),
    }));
    const base = { outlet: 'Kyiv Wire', publishedAt: '2025-05-12T09:00:00Z' };
    const faults = ['/slow', '/huge', '/redirect', '/report', '/private/h08'];
    const feedItems: FeedItem[] = [
      { ...base, key: 'old', title: 'Backlog item on the minerals fund', target: `${pub.url}/news/h01.html`, description: 'Backlog.', publishedAt: '2025-05-01T00:00:00Z' },
      ...faults.map((f, i) => ({ ...base, key: f, title: `Minerals deal item ${i + 1}`, target: `${pub.url}${f}`, description: `Feed text of item ${i + 1} about the minerals deal.` })),
      { ...base, key: 'ok', title: pages[3]!.title, target: `${pub.url}/news/h04.html`, description: 'Short snippet.' },
    ];
    let visible = 1;
    const feed = track(await listen((_req, res) => res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(publisherFeed('Kyiv Wire', feedItems.slice(0, visible)))));
    const run = await twoRuns(dir, { id: 'wire', url: `${feed.url}/rss` }, () => (visible = feedItems.length), { pageBudgetMs: 1500 });

    const byUrl = new Map(entries(dir).map((e) => [e.article.url, e.article]));
    faults.forEach((f, i) => expect(byUrl.get(`${pub.url}${f}`)?.content, f).toBe(`Feed text of item ${i + 1} about the minerals deal.`));
    // The good page in the same poll still got its full text.
    expect(byUrl.get(`${pub.url}/news/h04.html`)?.content).toBe(pages[3]!.paragraphs.join('\n'));
    expect(internal.requests).toEqual([]);
    expect(trickleClosed).toBe(true);
    const why = (f: string) => new RegExp(`${pub.url.replace(/\./g, '\\.')}${f} analysed on the feed text: (.*)`).exec(run.err)?.[1] ?? '';
    expect(why('/slow')).toMatch(/1500 ms|time limit/);
    expect(why('/huge')).toMatch(/exceeds the 2097152-byte cap/);
    expect(why('/redirect')).toMatch(/refused 127\.0\.0\.1: 127\.0\.0\.1 is a loopback/);
    expect(why('/report')).toMatch(/not an HTML page \(application\/pdf\)/);
    expect(why('/private/h08')).toMatch(/disallowed by .*robots\.txt for storywatch/);
    expect(pub.requests).not.toContain('GET /private/h08');
  });
});
