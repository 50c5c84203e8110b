/**
 * `ask` on a real file store: a one-line answer of the kind the question wants, quotes
 * with outlet, date and link, honesty when nothing matches, an index topped up as
 * articles are recorded, and an event loop that keeps running while a large log loads.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { answerQuestion, NOTHING } from '../../../src/chat/commands/ask.js';
import { askIndex } from '../../../src/chat/commands/ask-index.js';
import { createSqliteStore } from '../../../src/store/sqlite/sqlite-store.js';
import { COVERAGE, recordCoverage } from '../../helpers/coverage.js';

const dirs: string[] = [];
afterEach(() => {
  while (dirs.length) rmSync(dirs.pop()!, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'sw-ask-'));
  dirs.push(dir);
  return dir;
}

const now = () => new Date('2025-12-01T12:00:00Z');

async function coverageStore() {
  const store = createSqliteStore({ dir: tempDir(), warn: () => {} });
  await recordCoverage(store);
  return store;
}

describe('ask', () => {
  it('when: starts with the date the best report gives, then quotes with outlet, date and link', async () => {
    const store = await coverageStore();
    const a = await answerQuestion({ store, corpus: [], now }, 'When did parliament ratify the deal?');
    expect(a.split('\n')[0]).toBe('*8 May 2025* — Parliament ratifies the minerals deal');
    expect(a).toContain('> On May 8 the Verkhovna Rada ratified the minerals agreement with the United States.\n— Kyiv Wire, 8 May 2025 https://news.example/c3');
  });

  it('how many / how much / who: the count, the amount, the names', async () => {
    const store = await coverageStore();
    expect((await answerQuestion({ store, corpus: [], now }, 'How many MPs supported ratification?')).split('\n')[0]).toMatch(/^\*338 MPs\* — Parliament ratifies the minerals deal/);
    expect((await answerQuestion({ store, corpus: [], now }, 'How much did the DFC put into the fund?')).split('\n')[0]).toMatch(/^\*\$75 million\* — Kyiv names its members of the fund board/);
    const who = await answerQuestion({ store, corpus: [], now, story: { id: 's', name: 'S', description: '', minRelevance: 0.5, groups: [{ name: 'ukraine', required: true, terms: ['Ukraine', 'Kyiv'] }] } }, 'Who are Ukraine\'s members on the fund board?');
    expect(who.split('\n')[0]).toMatch(/^\*[^*]*Oleksiy Sobolev, Yehor Perelyhin\*/);
  });

  it('what happened in a period: its developments, newest first, one line each', async () => {
    const store = await coverageStore();
    const a = await answerQuestion({ store, corpus: [], now }, 'What happened between 1 and 10 May 2025?');
    expect(a.split('\n')).toEqual([
      '2 developments dated 1 May 2025 to 10 May 2025; the latest: *Parliament ratifies the minerals deal* (8 May 2025).',
      '• 8 May 2025 — Parliament ratifies the minerals deal (1 report, 1 source) https://news.example/c3',
      // The signing's opener is dated 30 April by its lede (outside the period); its 1 May copy is not.
      '• 1 May 2025 — US and Ukraine ink resources pact (1 report, 1 source) https://news.example/c2',
    ]);
    expect(a).not.toContain('fund board');
    const relative = await answerQuestion({ store, corpus: [], now: () => new Date('2025-09-03T12:00:00Z') }, 'what happened last week?');
    expect(relative).toMatch(/^1 development dated last week; the latest: \*Kyiv names its members of the fund board\* \(1 September 2025\)/);
  });

  it('says so when nothing answers, and offers latest', async () => {
    const store = await coverageStore();
    expect(await answerQuestion({ store, corpus: [], now }, 'What did the bitcoin exchange decide about zebras?')).toBe(NOTHING);
    expect(await answerQuestion({ store, corpus: [], now }, 'What happened in March 2024?')).toMatch(/^Nothing in the coverage is dated March 2024\.\n.*\n?See `\/storywatch latest`/);
  });

  it('keeps its index: an article recorded after a call is found by the next, with nothing re-read', async () => {
    const store = createSqliteStore({ dir: tempDir(), warn: () => {} });
    await recordCoverage(store, COVERAGE.slice(0, 2));
    expect(await answerQuestion({ store, corpus: [], now }, 'How many MPs supported the bill?')).toBe(NOTHING);
    const before = await askIndex(store, []);
    expect(before.size).toBe(2);
    await recordCoverage(store, COVERAGE.slice(2));
    expect(await answerQuestion({ store, corpus: [], now }, 'How many MPs supported the bill?')).toMatch(/^\*338 MPs\*/);
    const after = await askIndex(store, []);
    expect(after).toBe(before);
    expect(after.size).toBe(COVERAGE.length);
  });

  it('lets the event loop run while it loads a large log', async () => {
    const dir = tempDir();
    const n = 3000;
    const lines = Array.from({ length: n }, (_, i) => JSON.stringify({
      entry: {
        feedId: 'wire', processedAt: '2025-05-01T00:00:00Z',
        article: { id: `a${i}`, title: `Report ${i}`, url: `https://wire.example/${i}`, source: 'Wire', publishedAt: '2025-05-01T00:00:00Z', content: `Officials discussed the minerals fund on day ${i}. ${i === n - 1 ? 'The quokkarite clause was added.' : ''} Talks went on.` },
        decision: { relevant: true, novel: false, developmentId: `d${i}`, duplicateOf: null, relevance: 1, novelty: 0, summary: '', facts: [], reasons: [] },
      },
    }));
    writeFileSync(path.join(dir, 'articles.jsonl'), `${lines.join('\n')}\n`);
    const store = createSqliteStore({ dir, warn: () => {} });
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 0);
    try {
      expect(await answerQuestion({ store, corpus: [], now }, 'what about the quokkarite clause?')).toContain('> The quokkarite clause was added.\n— Wire, 1 May 2025 https://wire.example/2999');
      expect(ticks).toBeGreaterThan(0);
    } finally {
      clearInterval(ticker);
    }
  });
});
