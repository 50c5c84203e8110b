import type { StateStore } from '../../src/store/ports.js';

/** A small story's recorded coverage: three developments over three months, two outlets. */
export const COVERAGE = [
  { id: 'c1', dev: 'dev-sign', novel: true, at: '2025-05-01T09:00:00Z', source: 'Kyiv Wire', title: 'Kyiv and Washington sign minerals deal',
    content: 'The United States and Ukraine signed the minerals agreement on April 30, 2025 in Washington.\nTreasury Secretary Scott Bessent called it a historic partnership.' },
  { id: 'c2', dev: 'dev-sign', novel: false, at: '2025-05-01T15:00:00Z', source: 'Daily Ledger', title: 'US and Ukraine ink resources pact',
    content: 'Washington and Kyiv have signed a deal on Ukraine\'s mineral resources.\nThe agreement sets up a joint reconstruction fund.' },
  { id: 'c3', dev: 'dev-ratify', novel: true, at: '2025-05-08T18:00:00Z', source: 'Kyiv Wire', title: 'Parliament ratifies the minerals deal',
    content: 'On May 8 the Verkhovna Rada ratified the minerals agreement with the United States.\n338 MPs supported the bill, the speaker said.' },
  { id: 'c4', dev: 'dev-board', novel: true, at: '2025-09-01T12:00:00Z', source: 'Daily Ledger', title: 'Kyiv names its members of the fund board',
    content: 'Ukraine has chosen its members of the reconstruction fund\'s board of managers.\nUkraine will be represented by Minister Oleksiy Sobolev and his deputy Yehor Perelyhin.\nThe fund received $75 million from the DFC.' },
];

/** Records the coverage in a store as the pipeline would (relevant, each with its development). */
export async function recordCoverage(store: StateStore, items = COVERAGE): Promise<void> {
  for (const c of items) {
    await store.recordArticle({
      feedId: 'wire', processedAt: c.at,
      article: { id: c.id, title: c.title, url: `https://news.example/${c.id}`, source: c.source, publishedAt: c.at, content: c.content },
      decision: { relevant: true, novel: c.novel, developmentId: c.dev, duplicateOf: null, relevance: 1, novelty: c.novel ? 1 : 0, summary: '', facts: [], reasons: [] },
    });
  }
}
