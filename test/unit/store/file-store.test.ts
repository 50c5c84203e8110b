import { afterEach, describe, expect, it } from 'vitest';
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createFileStore } from '../../../src/store/file/file-store.js';
import type { ProcessedArticle } from '../../../src/store/ports.js';

const dirs: string[] = [];
afterEach(() => {
  while (dirs.length) rmSync(dirs.pop()!, { recursive: true, force: true });
});
function tmp() {
  const d = mkdtempSync(path.join(tmpdir(), 'sw-store-'));
  dirs.push(d);
  return d;
}

const entry = (id: string, relevant = true): ProcessedArticle => ({
  article: { id, title: `t ${id}`, url: `https://x/${id}`, source: 's', publishedAt: '2025-05-01T00:00:00Z', content: 'c' },
  feedId: 'f1',
  decision: { relevant, novel: relevant, developmentId: relevant ? `dev-${id}` : null, duplicateOf: null, relevance: 1, novelty: 1, summary: '', facts: [], reasons: [] },
  processedAt: '2025-05-01T00:00:00Z',
});

describe('file store', () => {
  it('keeps seen articles, knowledge, alerts and deliveries across a restart', async () => {
    const dir = tmp();
    const warnings: string[] = [];
    const a = createFileStore({ dir, warn: (m) => warnings.push(m) });
    const alert = { alert: { id: 'dev-1:1' } as never, targets: ['console', 'slack:C1'], createdAt: 'now' };
    await a.recordArticle(entry('1'), alert);
    await a.recordArticle(entry('2', false));
    await a.recordArticle(entry('1'), alert);
    await a.markDelivered('dev-1:1', 'console');
    await a.putFeedState({ feedId: 'f1', url: 'https://x/f', primed: true, consecutiveFailures: 0, etag: '"e"' });
    await a.close();
    const b = createFileStore({ dir, warn: (m) => warnings.push(m) });
    expect(await b.hasSeen('1')).toBe(true);
    expect(await b.hasSeen('2')).toBe(true);
    expect((await b.knowledgeSince(0)).entries.map((k) => k.article.id)).toEqual(['1', '2']);
    expect((await b.pendingDeliveries()).map((p) => p.target)).toEqual(['slack:C1']);
    expect(await b.getFeedState('f1')).toMatchObject({ primed: true, etag: '"e"' });
    expect(readFileSync(path.join(dir, 'articles.jsonl'), 'utf8').trim().split('\n')).toHaveLength(2);
    expect(warnings).toEqual([]);
  });

  it('coalesces feed-state writes and flushes them on its own shortly after', async () => {
    const dir = tmp();
    const a = createFileStore({ dir, warn: () => {} });
    for (let i = 0; i < 500; i++) await a.putFeedState({ feedId: `f${i}`, url: `https://x/${i}`, primed: false, consecutiveFailures: 0 });
    // Flushed at most once a second.
    await new Promise((r) => setTimeout(r, 1300));
    const b = createFileStore({ dir, warn: () => {} });
    expect(await b.getFeedState('f499')).toMatchObject({ url: 'https://x/499' });
  });

  it('a torn last line is cut off with a warning, and the rest loads and appends cleanly', async () => {
    const dir = tmp();
    const a = createFileStore({ dir, warn: () => {} });
    await a.recordArticle(entry('1'));
    appendFileSync(path.join(dir, 'articles.jsonl'), '{"entry":{"article":{"id":"2"');
    const warnings: string[] = [];
    const b = createFileStore({ dir, warn: (m) => warnings.push(m) });
    expect(warnings).toEqual([expect.stringMatching(/articles\.jsonl: an incomplete last record .* was removed/)]);
    expect(await b.hasSeen('1')).toBe(true);
    expect(await b.hasSeen('2')).toBe(false);
    await b.recordArticle(entry('3'));
    const c = createFileStore({ dir, warn: () => {} });
    expect(await c.hasSeen('3')).toBe(true);
  });
});
