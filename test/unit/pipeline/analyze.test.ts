/**
 * A failed store write after analysis must not change the engine: the retry gives the
 * same decision as a run without faults (issue 11, item 1). Real engine, real files
 * (articles.jsonl turned into a directory: EISDIR), real Redis (a decorated store that
 * refuses one write, as a dropped connection would).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createEngine } from '../../../src/analysis/engine.js';
import { loadStory } from '../../../src/config/story.js';
import { loadStream } from '../../../src/cli/eval.js';
import { analyzeArticle } from '../../../src/pipeline/analyze-article.js';
import { createSqliteStore } from '../../../src/store/sqlite/sqlite-store.js';
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
  it('file store (EISDIR on every first write): every retry decides as the fault-free run, and no development loses its alert', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sw-analyze-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const store = createSqliteStore({ dir, warn: () => {} });
    cleanups.push(() => store.close());
    const file = path.join(dir, 'articles.jsonl');
    // Once the file exists it is moved aside while broken, so each write really fails.
    const aside = path.join(dir, 'articles.aside');
    const { decisions, failures } = await runWithFaults(
      store,
      () => {
        rmSync(aside, { force: true });
        try {
          // renameSync keeps the already-written lines; the directory takes the file's place.
          renameSync(file, aside);
        } catch {
          /* not written yet */
        }
        mkdirSync(file);
      },
      () => {
        rmSync(file, { recursive: true, force: true });
        try {
          renameSync(aside, file);
        } catch {
          /* nothing was written yet */
        }
      },
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
