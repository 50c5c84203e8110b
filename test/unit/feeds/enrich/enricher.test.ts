import { afterEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_FETCH_OPTIONS, fetchPage, type PageRequest } from '../../../../src/feeds/fetcher.js';
import { createEnricher, DEFAULT_ENRICH_SETTINGS, type EnrichSettings } from '../../../../src/feeds/enrich/enricher.js';
import { createRobotsCache } from '../../../../src/feeds/enrich/robots.js';
import { decodeGoogleNewsLink, parseBatchexecute } from '../../../../src/feeds/enrich/google-news.js';
import type { Article } from '../../../../src/domain/article.js';
import { ROOT } from '../../../helpers/paths.js';
import { googleNewsId, listen, startGoogleNews, startPublisher, type Site } from '../../../helpers/news-sites.js';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (closers.length) await closers.pop()!();
});
const track = <T extends Site>(s: T) => (closers.push(s.close), s);

const opts = { ...DEFAULT_FETCH_OPTIONS, policy: { allow: ['127.0.0.2'] } };
const fetch = (url: string, req: PageRequest, lim: { timeoutMs: number; maxBytes: number }) => fetchPage(url, { ...opts, totalTimeoutMs: lim.timeoutMs, maxBytes: lim.maxBytes }, req);
const robotsText = async (url: string) => (await fetch(url, {}, { timeoutMs: 2000, maxBytes: 65536 })).body;
function enricher(settings: Partial<EnrichSettings> = {}) {
  return createEnricher({ fetch, robots: createRobotsCache({ fetchText: robotsText, userAgent: opts.userAgent }), settings: { ...DEFAULT_ENRICH_SETTINGS, ...settings } });
}
const article = (id: string, url: string, content = ''): Article => ({ id, url, title: 'Zelensky signs law', source: 'Kyiv Wire', publishedAt: '2025-05-12T09:00:00Z', content });
const h04 = (JSON.parse(readFileSync(path.join(ROOT, 'test/fixtures/pages/pages.json'), 'utf8')) as Array<{ id: string; paragraphs: string[] }>).find((p) => p.id === 'h04')!;

describe('enricher', () => {
  it('fetches a page once for every copy of its URL, including copies asked for at the same time', async () => {
    const pub = track(await startPublisher());
    const e = enricher();
    const url = `${pub.url}/news/h04.html`;
    const [a, b] = await Promise.all([e.enrich(article('a', url), 'auto'), e.enrich(article('b', url), 'auto')]);
    const c = await e.enrich(article('c', url), 'auto');
    for (const r of [a, b, c]) expect(r).toMatchObject({ fullText: true, article: { content: h04.paragraphs.join('\n') } });
    expect(pub.requests.filter((r) => r.includes('h04'))).toEqual(['GET /news/h04.html']);
  });

  it('honours fullText: never makes no request, auto keeps a long feed text, always fetches anyway', async () => {
    const pub = track(await startPublisher());
    const e = enricher({ shortTextChars: 50 });
    const long = 'A feed text long enough to stand on its own, well past the threshold.';
    expect(await e.enrich(article('a', `${pub.url}/news/h04.html`), 'never')).toMatchObject({ fullText: false, outcome: 'fullText: never' });
    expect(await e.enrich(article('b', `${pub.url}/news/h04.html`, long), 'auto')).toMatchObject({ fullText: false, outcome: 'feed text long enough' });
    expect(pub.requests).toEqual([]);
    expect(await e.enrich(article('c', `${pub.url}/news/h04.html`, long), 'always')).toMatchObject({ fullText: true });
  });

  it('robots.txt: read once per site; a disallowed page, or a site whose robots.txt fails with 5xx, is not fetched; a 404 allows all', async () => {
    const pub = track(await startPublisher({}, 'User-agent: storywatch\nDisallow: /news/h06\n\nUser-agent: *\nDisallow: /\n'));
    const e = enricher();
    expect(await e.enrich(article('a', `${pub.url}/news/h04.html`), 'auto')).toMatchObject({ fullText: true });
    expect(await e.enrich(article('b', `${pub.url}/news/h06.html`), 'auto')).toMatchObject({ fullText: false, outcome: expect.stringMatching(/disallowed by .*robots\.txt for storywatch/) });
    expect(pub.requests).toEqual(['GET /robots.txt', 'GET /news/h04.html']);
    const down = track(await listen((req, res) => (req.url === '/robots.txt' ? res.writeHead(503).end() : res.writeHead(200, { 'content-type': 'text/html' }).end(readFileSync(path.join(ROOT, 'test/fixtures/pages/h04.html'))))));
    expect(await e.enrich(article('c', `${down.url}/a`), 'auto')).toMatchObject({ fullText: false, outcome: expect.stringMatching(/robots\.txt .* could not be read \(HTTP 503/) });
    expect(down.requests).toEqual(['GET /robots.txt']);
    const none = track(await listen((req, res) => (req.url === '/robots.txt' ? res.writeHead(404).end() : res.writeHead(200, { 'content-type': 'text/html' }).end(readFileSync(path.join(ROOT, 'test/fixtures/pages/h04.html'))))));
    expect(await e.enrich(article('d', `${none.url}/a`), 'auto')).toMatchObject({ fullText: true });
  });

  it('never asks a reserved documentation domain (fixture feeds, the offline demo) for a page', async () => {
    const e = enricher();
    for (const url of ['https://feeds.example.org/kyivwire/h01', 'http://wire.example/a', 'https://x.test/a', 'https://example.com/']) {
      expect(await e.enrich(article('a', url, 'feed text'), 'always')).toMatchObject({ fullText: false, article: { content: 'feed text' }, outcome: expect.stringMatching(/reserved documentation domain/) });
    }
  });

  it('a page that never answers costs its budget and no more, and the item keeps its feed text', async () => {
    const hang = track(await listen((req, res) => (req.url === '/robots.txt' ? res.writeHead(404).end() : undefined)));
    const r = await enricher({ pageBudgetMs: 300 }).enrich(article('a', `${hang.url}/page`, 'feed text'), 'auto');
    expect(r).toMatchObject({ fullText: false, article: { content: 'feed text' } });
    // Whichever ends first: the item's 300 ms budget, or the page fetch's deadline, which is
    // what is left of that budget once robots.txt answered (296 ms under load): never more.
    const outcome = String(r.outcome);
    const left = /no response within (\d+) ms/.exec(outcome)?.[1];
    if (left === undefined) expect(outcome).toBe('no full text within the 300 ms budget');
    else expect(Number(left)).toBeLessThanOrEqual(300);
  });
});

describe('Google News decoding', () => {
  it('runs the page-signature + batchexecute flow against a fake answering like Google, and decodes old ids offline', async () => {
    const target = 'https://www.reuters.com/world/europe/ukraine-us-sign-minerals-deal-2025-04-30/';
    const id = googleNewsId('k1');
    const google = track(await startGoogleNews(() => new Map([[id, target]]), () => ''));
    const deps = { baseUrl: google.url, get: async (u: string) => (await fetch(u, {}, { timeoutMs: 2000, maxBytes: 1 << 20 })).body, post: async (u: string, form: string) => (await fetch(u, { form }, { timeoutMs: 2000, maxBytes: 1 << 20 })).body };
    expect(await decodeGoogleNewsLink(deps, `https://news.google.com/rss/articles/${id}?oc=5`)).toBe(target);
    expect(google.requests).toEqual([`GET /articles/${id}`, 'POST /_/DotsSplashUi/data/batchexecute']);
    const old = 'CBMiLmh0dHBzOi8vd3d3LmJiYy5jb20vbmV3cy9hcnRpY2xlcy9jampqbnhkdjE4OG_SATJodHRwczovL3d3dy5iYmMuY29tL25ld3MvYXJ0aWNsZXMvY2pqam54ZHYxODhvLmFtcA';
    expect(await decodeGoogleNewsLink(deps, `https://news.google.com/rss/articles/${old}`)).toBe('https://www.bbc.com/news/articles/cjjjnxdv188o');
    expect(google.requests).toHaveLength(2);
    // An id the fake does not know gets Google's 400: an error, not a guess.
    await expect(decodeGoogleNewsLink(deps, `https://news.google.com/rss/articles/${googleNewsId('unknown')}`)).rejects.toThrow(/HTTP 400/);
  });

  it('reads the URL out of a batchexecute answer, and refuses answers without one', () => {
    const answer = (payload: string) => `)]}'\n\n${JSON.stringify([['wrb.fr', 'Fbv4je', payload, null, null, null, 'generic'], ['di', 12]])}`;
    expect(parseBatchexecute(answer(JSON.stringify(['garturlres', 'https://kyivindependent.com/a/', 1])))).toBe('https://kyivindependent.com/a/');
    expect(() => parseBatchexecute(answer(JSON.stringify(['garturlres', 'javascript:alert(1)', 1])))).toThrow(/no http\(s\) URL/);
    expect(() => parseBatchexecute('<html>consent.google.com</html>')).toThrow(/not the expected JSON/);
  });
});
