import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createEngine } from '../../src/analysis/engine.js';
import { loadStory } from '../../src/config/story.js';
import { loadStream } from '../../src/cli/eval.js';
import { startFixtureServer } from '../../src/demo/fixture-server.js';
import { DEFAULT_FETCH_OPTIONS, fetchFeed } from '../../src/feeds/fetcher.js';
import { parseFeed } from '../../src/feeds/parser.js';
import { createLogger } from '../../src/log.js';
import { createInProcessRunner } from '../../src/runners/inprocess.js';
import { openStoreDatabase } from '../../src/store/sqlite/open.js';
import { createSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { BatchLost } from '../../src/store/ports.js';
import { EVAL_SYNTHETIC } from '../helpers/paths.js';
import { capture } from '../helpers/capture.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

/**
 * The embedded runner over the synthetic stream, revealed a few items a tick (so each
 * tick's articles are one batch of several). `lose` makes SQLite roll back the batch of
 * the tick it names, as it does on a full disk or an I/O error at commit.
 */
async function run(lose?: number) {
  const { articles } = loadStream(EVAL_SYNTHETIC);
  const server = await startFixtureServer(articles, { initiallyVisible: 1 });
  cleanups.push(() => server.close());
  const dir = mkdtempSync(path.join(tmpdir(), 'sw-batch-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const logs = capture();
  const log = createLogger({ out: logs.stream });
  const { db } = openStoreDatabase({ dir, warn: () => {} });
  const store = createSqliteStore({ dir, warn: () => {}, db });
  cleanups.push(() => store.close());
  let tick = 0;
  const real = store.inBatch!;
  store.inBatch = (work) => real(async () => {
    const out = await work();
    if (tick === lose) db.exec('ROLLBACK');
    return out;
  });
  const { story, corpus } = loadStory('minerals-deal');
  const engine = createEngine(story, corpus);
  const fetchOptions = { ...DEFAULT_FETCH_OPTIONS, policy: { allow: ['127.0.0.1'] } };
  const feeds = Object.entries(server.feedUrls).map(([id, url]) => ({ id, url, fullText: 'never' as const }));
  const runner = createInProcessRunner({
    feeds: async () => feeds, log, tickMs: 60_000,
    poll: { store, log, now: () => new Date(), intervalMs: 0, parse: (xml, url, id) => parseFeed(xml, url, undefined, id), fetch: (url, prev) => fetchFeed(url, prev, fetchOptions) },
    analyze: { engine, store, targets: ['console'], now: () => new Date() },
    deliver: { store, adapters: [], log },
  });
  cleanups.push(() => runner.stop());
  const headlines: string[] = [];
  const lost: Array<{ tick: number; knownBefore: number; knownAfter: number; recorded: number }> = [];
  await runner.tick();
  while (server.visible < server.total) {
    tick++;
    server.reveal(3);
    const knownBefore = engine.knownArticles;
    try {
      await runner.tick();
    } catch (err) {
      expect(err).toBeInstanceOf(BatchLost);
      lost.push({ tick, knownBefore, knownAfter: engine.knownArticles, recorded: (await store.knowledgeSince(0)).entries.length });
    }
  }
  // Whatever a lost tick left is fetched and judged again on the ticks after it.
  for (let i = 0; i < 3; i++) await runner.tick();
  for (const a of await store.recentAlerts(100)) headlines.unshift(`${a.alert.kind ?? 'development'}: ${a.alert.headline}`);
  return { headlines, lost, logs: logs.text(), known: engine.knownArticles };
}

describe('analysis batches: a lost commit forgets its batch', () => {
  it('a batch SQLite rolls back leaves the engine as before it, and the stream ends with the same alerts as without the loss', async () => {
    const clean = await run();
    const faulty = await run(2);
    expect(clean.headlines.length).toBeGreaterThan(2);
    expect(faulty.lost).toHaveLength(1);
    const [loss] = faulty.lost;
    // Nothing of the lost tick is in the store: the articles before it only (1 primed + 3 a tick).
    expect(loss!.recorded).toBe(4);
    // The engine learned the batch while judging it, then forgot it with the rollback.
    expect(loss!.knownAfter).toBe(loss!.knownBefore);
    expect(faulty.logs).toMatch(/rolled back by SQLite; story minerals-deal forgets the batch/);
    expect(faulty.headlines).toEqual(clean.headlines);
    expect(faulty.known).toBe(clean.known);
  });
});
