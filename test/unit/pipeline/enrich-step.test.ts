import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { pollFeed, type PollDeps } from '../../../src/pipeline/poll-feed.js';
import { enrichArticles } from '../../../src/pipeline/enrich-articles.js';
import type { FetchResult } from '../../../src/feeds/fetcher.js';
import type { Enricher } from '../../../src/feeds/enrich/enricher.js';
import { parseFeed } from '../../../src/feeds/parser.js';
import { createSqliteStore } from '../../../src/store/sqlite/sqlite-store.js';
import { createLogger } from '../../../src/log.js';
import { renderRss } from '../../../src/demo/fixture-server.js';

const dirs: string[] = [];
afterEach(() => {
  while (dirs.length) rmSync(dirs.pop()!, { recursive: true, force: true });
});

const feed = { id: 'wire', url: 'https://wire.example.org/feed.xml' };
const item = (n: number) => ({ id: `a${n}`, title: `Item ${n}`, url: `https://wire.example.org/a${n}`, source: 'Wire', publishedAt: `2025-05-0${n}T10:00:00Z`, content: 'Short.' });
const ok = (n: number): FetchResult => ({ kind: 'ok', finalUrl: feed.url, status: 200, body: renderRss('Wire', 'https://wire.example.org/', Array.from({ length: n }, (_, i) => item(i + 1))), validators: {} });

/** An enricher that gives every item a full text naming its URL, and records what it saw. */
function fakeEnricher(seen: string[], fail = new Set<string>()): Enricher {
  return {
    async enrich(article) {
      seen.push(article.url);
      if (fail.has(article.url)) return { article, outcome: 'HTTP 404 from there', fullText: false };
      return { article: { ...article, content: `Full text of ${article.url}.` }, outcome: 'full-text', fullText: true };
    },
  };
}

describe('the enrichment step inside pollFeed', () => {
  it('leaves the first poll\'s backlog alone, then gives new items their full text, order and ids unchanged', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sw-enrich-step-'));
    dirs.push(dir);
    const store = createSqliteStore({ dir, warn: () => {} });
    const results = [ok(1), ok(3)];
    const seen: string[] = [];
    const log = createLogger({ out: new PassThrough() });
    const deps: PollDeps = {
      store, log, now: () => new Date('2025-05-08T12:00:00Z'), intervalMs: 0, parse: (xml, url, identity) => parseFeed(xml, url, undefined, identity),
      fetch: async () => results.shift()!,
      enrich: (f, articles) => enrichArticles({ enricher: fakeEnricher(seen, new Set(['https://wire.example.org/a2'])), log }, f, articles),
    };
    const first = await pollFeed(deps, feed);
    expect(first.backlog).toBe(true);
    expect(first.articles.map((a) => a.content)).toEqual(['Short.']);
    expect(seen).toEqual([]);
    await store.putFeedState(first.nextState!);
    await store.recordArticle({ article: first.articles[0]!, feedId: 'wire', decision: { relevant: false, novel: false, developmentId: null, duplicateOf: null, relevance: 0, novelty: 0, summary: '', facts: [], reasons: [] }, processedAt: '2025-05-08T12:00:00Z' });
    const second = await pollFeed(deps, feed);
    expect(second.articles.map((a) => [a.id, a.content])).toEqual([
      [expect.any(String), 'Full text of https://wire.example.org/a3.'],
      [expect.any(String), 'Short.'],
    ]);
    expect(new Set(second.articles.map((a) => a.id)).size).toBe(2);
    expect(seen.sort()).toEqual(['https://wire.example.org/a2', 'https://wire.example.org/a3']);
    await store.close();
  });

  it('fullText: never asks for nothing; an exhausted poll budget leaves the rest on their feed text', async () => {
    const seen: string[] = [];
    const log = createLogger({ out: new PassThrough() });
    const articles = [1, 2, 3].map(item);
    expect(await enrichArticles({ enricher: fakeEnricher(seen), log }, { ...feed, fullText: 'never' }, articles)).toEqual(articles);
    expect(seen).toEqual([]);
    let clock = 0;
    const slow: Enricher = { async enrich(a) {
      seen.push(a.url);
      clock += 1000;
      return { article: { ...a, content: 'full' }, outcome: 'full-text', fullText: true };
    } };
    const out = await enrichArticles({ enricher: slow, log, concurrency: 1, pollBudgetMs: 1500, now: () => clock }, feed, articles);
    expect(out.map((a) => a.content)).toEqual(['full', 'full', 'Short.']);
  });
});
