/**
 * 20 hostile feeds or pages of each class that once stalled the whole process (issue 22
 * items 7 and 8), through the real poll path: fetch over HTTP, parse, enrich (robots.txt,
 * page fetch, extraction). The event loop's worst lag is measured per class while they run,
 * with an ordinary feed and page in every round to show they lose nothing.
 *
 * HOSTILE_COUNT=1 runs one of each (how the figures on the old main-thread code were taken).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { DEFAULT_FETCH_OPTIONS, fetchFeed, fetchPage, type PageRequest } from '../../src/feeds/fetcher.js';
import { parseFeed } from '../../src/feeds/parser.js';
import { createEnricher, DEFAULT_ENRICH_SETTINGS } from '../../src/feeds/enrich/enricher.js';
import { createRobotsCache } from '../../src/feeds/enrich/robots.js';
import { enrichArticles } from '../../src/pipeline/enrich-articles.js';
import { pollFeed, type PollDeps } from '../../src/pipeline/poll-feed.js';
import { createSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { createLogger } from '../../src/log.js';
import { serve } from '../helpers/http.js';
import { listen } from '../helpers/news-sites.js';
import { ROOT } from '../helpers/paths.js';
import { worstLoopLag } from '../helpers/loop-lag.js';
import { printTable, rows } from './report.js';

afterAll(() => printTable());

const COUNT = Number(process.env.HOSTILE_COUNT ?? 20);
const LIMIT_MS = 500;
const ORDINARY_PAGE = readFileSync(path.join(ROOT, 'test/fixtures/pages/h04.html'), 'utf8');
const nested = (depth: number) => '<div>'.repeat(depth) + 'x' + '</div>'.repeat(depth);

interface HostileClass { key: string; label: string; description?: string; page?: string }
const CLASSES: HostileClass[] = [
  { key: 'lt', label: "item of 120,000 '<'", description: '&lt;'.repeat(120_000) },
  { key: 'open', label: 'item of unterminated comments and tags', description: `<![CDATA[${'<!--'.repeat(10_000)}${'<a '.repeat(20_000)}]]>` },
  { key: 'deep', label: 'page of 1,500 nested divs', page: `<html><body>${nested(1500)}</body></html>` },
  { key: 'slow', label: 'page nested 250 deep x20', page: `<html><body>${nested(250).repeat(20)}</body></html>` },
];

const rss = (key: string, title: string, link: string, description: string) => `<?xml version="1.0"?><rss version="2.0"><channel><title>${key}</title>
<item><title>${title}</title><link>${link}</link><guid>${key}</guid><description>${description}</description></item></channel></rss>`;

describe('reliability: hostile feeds and pages', () => {
  it(`${COUNT} of each class that once froze the process: the event loop's worst lag stays under ${LIMIT_MS} ms`, async () => {
    let base = '';
    const s = await serve((req, res) => {
      const [, kind, cls, i] = (req.url ?? '').split('/');
      const c = CLASSES.find((x) => x.key === cls);
      if (kind === 'feed' && cls === 'ok') return res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(rss(`ok${i}`, 'Council passes budget', `${other.url}/page/ok/${i}`, 'Short.'));
      if (kind === 'feed' && c) {
        const link = `${sites.get(c.key)?.url ?? base}/page/${c.key}/${i}`;
        return res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(rss(`${c.key}${i}`, 'Council passes budget', link, c.description ?? 'Short.'));
      }
      if (kind === 'page') return res.writeHead(200, { 'content-type': 'text/html' }).end(c?.page ?? ORDINARY_PAGE);
      res.writeHead(404).end();
    });
    base = s.url;
    // Another site, whose ordinary article must still be read in full whatever the hostile one does.
    const other = await listen((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(ORDINARY_PAGE));
    // Each class of hostile page from a site of its own (a site that serves them is set aside).
    const sites = new Map<string, Awaited<ReturnType<typeof listen>>>();
    for (const [n, c] of CLASSES.entries()) {
      if (c.page) sites.set(c.key, await listen((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(c.page), `127.0.0.${3 + n}`));
    }
    const dir = mkdtempSync(path.join(tmpdir(), 'sw-rel-hostile-'));
    const logged = new PassThrough();
    let log = '';
    logged.on('data', (c) => (log += c));
    const store = createSqliteStore({ dir, warn: () => {} });
    try {
      const fetchOpts = { ...DEFAULT_FETCH_OPTIONS, policy: { allow: ['127.0.0.0/8'] } };
      const page = (url: string, req: PageRequest, lim: { timeoutMs: number; maxBytes: number }) => fetchPage(url, { ...fetchOpts, totalTimeoutMs: lim.timeoutMs, maxBytes: lim.maxBytes }, req);
      const settings = { ...DEFAULT_ENRICH_SETTINGS, pageBudgetMs: 4000 };
      const enricher = createEnricher({ fetch: page, robots: createRobotsCache({ fetchText: async (u) => (await page(u, {}, { timeoutMs: 2000, maxBytes: 65536 })).body, userAgent: fetchOpts.userAgent }), settings });
      const logger = createLogger({ out: logged, level: 'debug' });
      const deps: PollDeps = {
        store, log: logger, now: () => new Date(), intervalMs: 60_000,
        fetch: (url, prev) => fetchFeed(url, prev, { ...fetchOpts, totalTimeoutMs: 5000 }),
        parse: (xml, url, identity) => parseFeed(xml, url, undefined, identity),
        enrich: (feed, articles) => enrichArticles({ enricher, log: logger }, feed, articles),
      };
      const lags: Record<string, number> = {};
      let lost = 0;
      for (const c of CLASSES) {
        // Every round: COUNT hostile feeds and one ordinary feed, polled 8 at a time like the runner.
        const feeds = [...Array.from({ length: COUNT }, (_, i) => ({ id: `${c.key}${i}`, url: `${base}/feed/${c.key}/${i}` })), { id: `ok-${c.key}`, url: `${base}/feed/ok/${c.key}` }];
        for (const f of feeds) await store.markPrimed(f.url);
        const { result, worstLagMs } = await worstLoopLag(async () => {
          const outcomes: Awaited<ReturnType<typeof pollFeed>>[] = [];
          let next = 0;
          await Promise.all(Array.from({ length: 8 }, async () => {
            while (next < feeds.length) outcomes.push(await pollFeed(deps, feeds[next++]!));
          }));
          return outcomes;
        });
        lags[c.key] = worstLagMs;
        console.log(`hostile class "${c.label}" x${COUNT}: worst event-loop lag ${worstLagMs} ms`);
        // Every item arrives, hostile or not, and the ordinary page still gives its full text.
        lost += feeds.length - result.filter((o) => o.status === 'new' && o.articles.length === 1).length;
        const ordinary = result.find((o) => o.feedId === `ok-${c.key}`)?.articles[0];
        if (!ordinary || ordinary.content.length < 150) lost++;
      }
      const warned = (log.match(/WARN .*not read: page (refused before parsing|extraction stopped)/g) ?? []).length;
      const shunned = (log.match(/are not read until/g) ?? []).length;
      const waited = (log.match(/no worker was free/g) ?? []).length;
      expect(lost).toBe(0);
      // Each hostile page is warned about, set aside with its site after the first ones, or
      // waited its budget out behind them: none is read, and nothing but them waits.
      expect(log).toMatch(/WARN .*\/page\/deep\/\d+ not read: page refused before parsing: its elements nest more than 256 deep/);
      expect(log).toMatch(/WARN .*\/page\/slow\/\d+ not read: page extraction stopped: still running after \d+ ms (.*)?of its \d+ ms budget/);
      expect(warned + shunned + waited).toBe(2 * COUNT);
      expect(Math.max(...Object.values(lags))).toBeLessThan(LIMIT_MS);
      rows.push({
        scenario: 'hostile feeds and pages',
        inputs: COUNT * CLASSES.length,
        faults: `${CLASSES.map((c) => `${COUNT} ${c.label}`).join(', ')}; ${warned} pages refused or stopped with a warning, ${shunned} more set aside with their site, ${waited} waited out behind them`,
        load: `worst event-loop lag ${CLASSES.map((c) => `${c.key} ${lags[c.key]} ms`).join(', ')} (limit ${LIMIT_MS})`,
        lost,
        duplicates: 0,
      });
    } finally {
      await store.close();
      await s.close();
      await other.close();
      for (const site of sites.values()) await site.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
