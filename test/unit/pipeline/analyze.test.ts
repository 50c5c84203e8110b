/**
 * A failed store write after analysis must not change the engine: the retry gives the
 * same decision as a run without faults (issue 11, item 1). Real engine, a real SQLite
 * file (a trigger aborts the write mid-transaction), real Redis (a decorated store that
 * refuses one write, as a dropped connection would).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import Database from 'better-sqlite3';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createEngine } from '../../../src/analysis/engine.js';
import { loadStory } from '../../../src/config/story.js';
import { loadStream } from '../../../src/cli/eval.js';
import { analyzeArticle } from '../../../src/pipeline/analyze-article.js';
import { createSqliteStore } from '../../../src/store/sqlite/sqlite-store.js';
import { DB_NAME } from '../../../src/store/sqlite/database.js';
import { createRedisStore } from '../../../src/store/redis/redis-store.js';
import type { StateStore } from '../../../src/store/ports.js';
import { EVAL_SYNTHETIC } from '../../helpers/paths.js';
import { testRedis } from '../../helpers/redis.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

const { story, corpus } = loadStory('minerals-deal');
const { articles } = loadStream(EVAL_SYNTHETIC);
const ordered = [...articles].sort((a, b) => a.publishedAt.localeCompare(b.publishedAt));

/** What a run without faults decides, article by article. */
function reference() {
  const engine = createEngine(story, corpus);
  return ordered.map((a) => {
    const { closest: _c, id: _i, ...d } = engine.classify(a);
    return d;
  });
}

async function runWithFaults(store: StateStore, breakWrite: () => void, heal: () => void) {
  const engine = createEngine(story, corpus);
  const deps = { engine, store, targets: ['console'], now: () => new Date('2025-06-01T00:00:00Z') };
  const decisions = [];
  let failures = 0;
  for (const a of ordered) {
    breakWrite();
    await analyzeArticle(deps, a, 'f1', { silent: false }).catch(() => failures++);
    heal();
    const r = await analyzeArticle(deps, a, 'f1', { silent: false });
    expect(r.skipped).toBe(false);
    decisions.push(r.decision!);
  }
  return { decisions, failures };
}

describe('analyzeArticle after a failed store write', () => {
  it('SQLite store (every first write aborted inside its transaction): every retry decides as the fault-free run, and no development loses its alert', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sw-analyze-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const store = createSqliteStore({ dir, warn: () => {} });
    cleanups.push(() => store.close());
    // A second connection arms a trigger that aborts the article's insert: the transaction
    // has already written the seen id by then, so a partial write would show.
    const db = new Database(path.join(dir, DB_NAME));
    cleanups.push(() => db.close());
    db.exec(`CREATE TABLE fault (armed INTEGER);
      CREATE TRIGGER fault_articles BEFORE INSERT ON articles WHEN EXISTS (SELECT 1 FROM fault)
      BEGIN SELECT RAISE(ABORT, 'injected: the disk refused the write'); END;`);
    const { decisions, failures } = await runWithFaults(
      store,
      () => db.exec('INSERT INTO fault VALUES (1)'),
      () => db.exec('DELETE FROM fault'),
    );
    expect(failures).toBe(ordered.length);
    const ref = reference();
    expect(decisions.map((d) => [d.novel, d.developmentId, d.duplicateOf])).toEqual(ref.map((d) => [d.novel, d.developmentId, d.duplicateOf]));
    // No article is ever judged a copy of itself.
    decisions.forEach((d, i) => expect(d.duplicateOf).not.toBe(ordered[i]!.id));
    const alerts = (await store.pendingDeliveries()).filter((p) => p.record.alert.kind !== 'follow-up');
    expect(alerts.length).toBe(ref.filter((d) => d.novel).length);
    expect(alerts.length).toBeGreaterThan(0);
  });

  it('Redis store (one refused write per article): the retry decides as the fault-free run', async () => {
    const { redis, prefix, cleanup } = await testRedis();
    cleanups.push(cleanup);
    const real = createRedisStore({ redis, prefix });
    let refuse = false;
    const store: StateStore = {
      ...real,
      async recordArticle(entry, alert) {
        if (refuse) throw new Error('Connection is closed.');
        return real.recordArticle(entry, alert);
      },
    };
    const { decisions, failures } = await runWithFaults(store, () => (refuse = true), () => (refuse = false));
    expect(failures).toBe(ordered.length);
    const ref = reference();
    expect(decisions.map((d) => [d.novel, d.developmentId, d.duplicateOf])).toEqual(ref.map((d) => [d.novel, d.developmentId, d.duplicateOf]));
    expect((await real.recentAlerts(100)).filter((r) => r.alert.kind !== 'follow-up').length).toBe(ref.filter((d) => d.novel).length);
  });
});
