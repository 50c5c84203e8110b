import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_FETCH_OPTIONS, fetchPage, type PageRequest } from '../../../../src/feeds/fetcher.js';
import { createEnricher, DEFAULT_ENRICH_SETTINGS } from '../../../../src/feeds/enrich/enricher.js';
import { createExtractPool, type Extractor } from '../../../../src/feeds/enrich/extract-pool.js';
import { createRobotsCache } from '../../../../src/feeds/enrich/robots.js';
import { maxNestingDepth, prescanHtml } from '../../../../src/feeds/enrich/prescan.js';
import type { Article } from '../../../../src/domain/article.js';
import { worstLoopLag } from '../../../helpers/loop-lag.js';
import { fixturePages, listen, startPublisher, type Site } from '../../../helpers/news-sites.js';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../../../helpers/paths.js';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (closers.length) await closers.pop()!();
});
const track = <T extends Site>(s: T) => (closers.push(s.close), s);
const pool = (...args: Parameters<typeof createExtractPool>): Extractor => {
  const p = createExtractPool(...args);
  closers.push(() => p.close());
  return p;
};

const opts = { ...DEFAULT_FETCH_OPTIONS, policy: { allow: ['127.0.0.2', '127.0.0.3'] } };
const fetch = (url: string, req: PageRequest, lim: { timeoutMs: number; maxBytes: number }) => fetchPage(url, { ...opts, totalTimeoutMs: lim.timeoutMs, maxBytes: lim.maxBytes }, req);
const robotsText = async (url: string) => (await fetch(url, {}, { timeoutMs: 2000, maxBytes: 65536 })).body;
const enricher = (extractor?: Extractor) => createEnricher({
  fetch, robots: createRobotsCache({ fetchText: robotsText, userAgent: opts.userAgent }), settings: DEFAULT_ENRICH_SETTINGS, ...(extractor ? { extractor } : {}),
});
const article = (id: string, url: string): Article => ({ id, url, title: 'Council passes budget', source: 'Wire', publishedAt: '2025-05-12T09:00:00Z', content: '' });

/** The page: 1,500 nested <div>s, 17 KB; Readability took ~28 s on it on the main thread. */
const nestedDivs = (depth: number) => `<html><body>${'<div>'.repeat(depth)}x${'</div>'.repeat(depth)}</body></html>`;
const h04Text = fixturePages().find((p) => p.id === 'h04')!.paragraphs.join('\n');
const html = (body: string) => (_req: unknown, res: import('node:http').ServerResponse) => res.writeHead(200, { 'content-type': 'text/html' }).end(body);

describe('hostile pages never hold the event loop (issue 22 item 7)', () => {
  it('a page of 1,500 nested <div>s is refused before parsing, with the reason, and the loop stays responsive', async () => {
    const pub = track(await startPublisher({ '/deep.html': html(nestedDivs(1500)) }));
    const e = enricher();
    const { result, worstLagMs } = await worstLoopLag(() => e.enrich(article('d', `${pub.url}/deep.html`), 'auto'));
    expect(result).toMatchObject({ fullText: false, refused: true });
    expect(result.outcome).toMatch(/refused before parsing: its elements nest more than 256 deep/);
    expect(worstLagMs).toBeLessThan(500);
    // The next page is read as ever.
    expect(await e.enrich(article('n', `${pub.url}/news/h04.html`), 'auto')).toMatchObject({ fullText: true });
  });

  it('a page the pre-scan lets through but that parses past its budget costs its worker only; the next page gets a fresh one', async () => {
    const p = pool({ size: 1, prescan: { maxChars: 3_000_000, maxDepth: 100_000 } });
    const page = readFileSync(path.join(ROOT, 'test/fixtures/pages/h04.html'), 'utf8');
    const { result, worstLagMs } = await worstLoopLag(async () => {
      const slow = p.extract(nestedDivs(1500), 200_000, 300).catch((err: Error) => err);
      // Queued behind the hostile page on the only worker: it waits, then runs on a fresh worker.
      const next = p.extract(page, 200_000, 10_000);
      return { slow: await slow, next: await next };
    });
    expect(String(result.slow)).toMatch(/page extraction stopped: still running after \d+ ms (.*)?of its 300 ms budget; its worker was terminated and replaced/);
    expect(result.next?.text).toBe(h04Text);
    expect(worstLagMs).toBeLessThan(500);
  });

  it('a site whose pages are refused twice is set aside, its next page not even fetched; other sites are read', async () => {
    const deep = html(nestedDivs(1500));
    const pub = track(await startPublisher({ '/d1.html': deep, '/d2.html': deep, '/d3.html': deep }));
    const other = track(await listen((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(readFileSync(path.join(ROOT, 'test/fixtures/pages/h04.html'))), '127.0.0.3'));
    const e = enricher();
    for (const n of [1, 2]) expect(await e.enrich(article(`d${n}`, `${pub.url}/d${n}.html`), 'auto')).toMatchObject({ refused: true });
    const third = await e.enrich(article('d3', `${pub.url}/d3.html`), 'auto');
    expect(third.outcome).toMatch(/^pages from 127\.0\.0\.2:\d+ are not read until \d\d:\d\d UTC: 2 of them in a row were too large, too deep or too slow to parse$/);
    expect(pub.requests).not.toContain('GET /d3.html');
    expect(await e.enrich(article('o', `${other.url}/news.html`), 'auto')).toMatchObject({ fullText: true, article: { content: h04Text } });
  });

  it("one site's slow pages hold one worker at a time; another site's page is read meanwhile", async () => {
    const p = pool({ size: 2, prescan: { maxChars: 3_000_000, maxDepth: 100_000 } });
    const page = readFileSync(path.join(ROOT, 'test/fixtures/pages/h04.html'), 'utf8');
    const slow = [1, 2].map(() => p.extract(nestedDivs(1500), 200_000, 1500, { group: 'slow.test' }).catch((err: Error) => err.message));
    const other = await p.extract(page, 200_000, 10_000, { group: 'other.test' });
    expect(other?.text).toBe(h04Text);
    const [first, second] = await Promise.all(slow);
    expect(first).toMatch(/still running after/);
    // The second waited for the first's whole budget: too little was left to start it.
    expect(second).toMatch(/no worker was free/);
  });

  it('a page that kills its worker (out of heap) fails alone; the next page gets a fresh worker', async () => {
    const p = pool({ size: 1, maxHeapMb: 16 });
    const page = readFileSync(path.join(ROOT, 'test/fixtures/pages/h04.html'), 'utf8');
    const huge = `<html><body>${'<div><p>word and more words here.</p></div>'.repeat(45_000)}</body></html>`;
    const { result, worstLagMs } = await worstLoopLag(async () => {
      const killed = p.extract(huge, 200_000, 15_000).then(() => 'survived', (err: Error) => err.message);
      const next = p.extract(page, 200_000, 15_000);
      return { killed: await killed, next: await next };
    });
    expect(result.killed).toMatch(/page extraction failed: .*(memory|heap).*; its worker was replaced/i);
    expect(result.next?.text).toBe(h04Text);
    expect(worstLagMs).toBeLessThan(500);
  });
});

describe('pre-scan', () => {
  it('lets every fixture news page through and measures their real depth', () => {
    for (const f of fixturePages()) {
      const page = readFileSync(path.join(ROOT, `test/fixtures/pages/${f.id}.html`), 'utf8');
      expect(prescanHtml(page)).toBeUndefined();
      expect(maxNestingDepth(page.toLowerCase())).toBeGreaterThan(2);
    }
  });

  it('counts nesting as a parser would: void, self-closed, implied-end, raw-text and comments do not nest', () => {
    expect(maxNestingDepth('<div><div><span>a</span></div></div>')).toBe(3);
    expect(maxNestingDepth('<div><img><br><input/><p>a<p>b<li>c<li>d</div>')).toBe(1);
    expect(maxNestingDepth('<div><script>"<div><div><div>"</script><!-- <div><div> --><style><div></style></div>')).toBe(1);
    expect(maxNestingDepth('<div><svg><path/><path/></svg></div>')).toBe(2);
  });

  it('refuses too large and too deep pages with the reason, in one linear pass over hostile input', async () => {
    expect(prescanHtml('a'.repeat(11), { maxChars: 10, maxDepth: 5 })).toMatch(/11 characters of HTML, over the 10/);
    expect(prescanHtml(nestedDivs(6), { maxChars: 1000, maxDepth: 5 })).toMatch(/nest more than 5 deep/);
    const hostile = ['<'.repeat(1_000_000), '<a'.repeat(500_000), '<!--'.repeat(250_000), '<script>'.repeat(120_000), '<div '.repeat(200_000)];
    const { result, worstLagMs } = await worstLoopLag(() => hostile.map((h) => prescanHtml(h)));
    expect(result).toEqual([undefined, undefined, undefined, undefined, undefined]);
    expect(worstLagMs).toBeLessThan(500);
  });
});
