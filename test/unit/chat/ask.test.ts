/**
 * `ask` on a large real file store: bounded work per call (only the newest articles are
 * searched) and the event loop keeps running while it works.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { answerQuestion, MAX_ARTICLES } from '../../../src/chat/commands/ask.js';
import { createFileStore } from '../../../src/store/file/file-store.js';

const dirs: string[] = [];
afterEach(() => {
  while (dirs.length) rmSync(dirs.pop()!, { recursive: true, force: true });
});

function storeWith(n: number) {
  const dir = mkdtempSync(path.join(tmpdir(), 'sw-ask-'));
  dirs.push(dir);
  const lines = Array.from({ length: n }, (_, i) => JSON.stringify({
    entry: {
      feedId: 'wire', processedAt: '2025-05-01T00:00:00Z',
      article: { id: `a${i}`, title: `Report ${i}`, url: `https://wire.example/${i}`, source: 'Wire', publishedAt: '', content: `Officials discussed the minerals fund on day ${i}. ${i === 0 ? 'The zanzibarite clause was dropped.' : ''}${i === n - 1 ? 'The quokkarite clause was added.' : ''} Talks went on.` },
      decision: { relevant: true, novel: false, developmentId: null, duplicateOf: null, relevance: 1, novelty: 0, summary: '', facts: [], reasons: [] },
    },
  }));
  writeFileSync(path.join(dir, 'articles.jsonl'), `${lines.join('\n')}\n`);
  return createFileStore({ dir, warn: () => {} });
}

describe('ask', () => {
  it('searches only the newest articles, and lets the event loop run while it works', async () => {
    const n = MAX_ARTICLES * 3;
    const store = storeWith(n);
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 0);
    try {
      const newest = await answerQuestion({ store, corpus: [] }, 'what about the quokkarite clause?');
      expect(newest).toMatch(/quokkarite clause was added\.\n— Report \d+ https:\/\/wire\.example\/\d+/);
      // Other timers ran during the call: it yields instead of holding the loop.
      expect(ticks).toBeGreaterThan(0);
    } finally {
      clearInterval(ticker);
    }
    // The oldest article is beyond the bound: not searched.
    expect(await answerQuestion({ store, corpus: [] }, 'anything on zanzibarite?')).toMatch(/^Nothing storywatch knows/);
  });
});
