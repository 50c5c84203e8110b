/**
 * `ask "What happened between 29 April and 2 May 2025?"` (issue 22, item 12): the range
 * is the question's days in 2025 (the year the second date gives), answered from the
 * articles dated in it, asked in December 2026 with later developments in the store.
 * Real SQLite store, the real command handler.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { answerQuestion } from '../../../src/chat/commands/ask.js';
import { parsePeriod } from '../../../src/chat/commands/question.js';
import { createSqliteStore } from '../../../src/store/sqlite/sqlite-store.js';
import type { StateStore } from '../../../src/store/ports.js';

const dirs: string[] = [];
afterEach(() => {
  while (dirs.length) rmSync(dirs.pop()!, { recursive: true, force: true });
});

const now = () => new Date('2026-12-06T12:00:00Z');

async function record(store: StateStore, id: string, at: string, title: string) {
  await store.recordArticle({
    article: { id, title, url: `https://news.example/${id}`, source: 'Kyiv Wire', publishedAt: at, content: `${title}. Officials gave no further details.` },
    // Read lately (the store keeps what it read in its retention window), published then.
    feedId: 'f', processedAt: '2026-12-05T10:00:00Z',
    decision: { relevant: true, novel: true, developmentId: `dev-${id}`, duplicateOf: null, relevance: 1, novelty: 1, summary: title, facts: [], reasons: [] },
  });
}

describe('ask: a range of days', () => {
  it('answers "between 29 April and 2 May 2025" from the articles in that range, not 2026 ones', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sw-ask-range-'));
    dirs.push(dir);
    const store = createSqliteStore({ dir, warn: () => {} });
    const inRange = ['29', '29', '30', '30', '30', '01', '01', '02', '02'];
    const titles = ['Cabinet backs the fund', 'Envoys meet in Washington', 'Treasury signs the accord', 'Rada committee reviews text', 'Opposition demands debate',
      'Fund board named', 'Investors welcome the deal', 'Parliament schedules vote', 'Prime minister defends terms'];
    for (const [i, d] of inRange.entries()) await record(store, `r${i}`, `2025-${d === '29' || d === '30' ? '04' : '05'}-${d}T10:00:00Z`, titles[i]!);
    await record(store, 'before', '2025-04-20T10:00:00Z', 'Talks resume in Kyiv');
    await record(store, 'after', '2025-05-08T10:00:00Z', 'Parliament ratifies the deal');
    await record(store, 'late', '2026-11-30T10:00:00Z', 'Fund makes first investment');
    expect(parsePeriod('What happened between 29 April and 2 May 2025?', now())?.period.label).toBe('29 April 2025 to 2 May 2025');
    const a = await answerQuestion({ store, corpus: [], now }, 'What happened between 29 April and 2 May 2025?');
    expect(a.split("\n")[0]).toMatch(/^9 developments dated 29 April 2025 to 2 May 2025; the latest: /);
    for (const t of titles.slice(2)) expect(a).toContain(t);
    expect(a).toContain("… and 1 earlier");
    expect(a).not.toMatch(/Nothing in the coverage|Fund makes first investment|Talks resume|ratifies the deal/);
  });
});
