/**
 * Start-up without replay, on a real SQLite store: the first start over a log learns it
 * and saves a snapshot; the next loads the snapshot and reads only what came after it; a
 * snapshot written by another engine is rebuilt from the retained window with progress
 * lines. Each way, the engine then judges new articles as one that never restarted did.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { createEngine, type Engine } from '../../../src/analysis/engine.js';
import { loadStory } from '../../../src/config/story.js';
import { generateStream } from '../../../src/bench/generate.js';
import { createLogger } from '../../../src/log.js';
import { analyzeArticle } from '../../../src/pipeline/analyze-article.js';
import { snapshotVersion, startEngine } from '../../../src/pipeline/engine-state.js';
import { createSqliteStore } from '../../../src/store/sqlite/sqlite-store.js';
import type { StateStore } from '../../../src/store/ports.js';
import type { Article } from '../../../src/domain/article.js';

const dirs: string[] = [];
afterEach(() => {
  while (dirs.length) rmSync(dirs.pop()!, { recursive: true, force: true });
});

const { story, corpus } = loadStory('minerals-deal');

function logger() {
  const lines: string[] = [];
  const out = new PassThrough();
  out.on('data', (d) => lines.push(...String(d).split('\n').filter(Boolean)));
  return { log: createLogger({ out, level: 'info' }), lines };
}

async function feed(engine: Engine, store: StateStore, articles: Article[]) {
  const deps = { engine, store, targets: ['console'], now: () => new Date('2026-11-30T00:00:00Z') };
  const out = [];
  for (const a of articles) out.push((await analyzeArticle(deps, a, 'f1', { silent: false })).decision);
  return out;
}

describe('engine start-up from a snapshot', () => {
  it('learns the log once, then starts from the snapshot plus what came after; new articles are judged alike', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sw-engine-state-'));
    dirs.push(dir);
    const store = createSqliteStore({ dir, warn: () => {} });
    const stream = generateStream(700, 5);
    const live = createEngine(story, corpus);
    await feed(live, store, stream.slice(0, 400));

    const first = createEngine(story, corpus);
    const a = await startEngine({ engine: first, store, log: logger().log });
    expect(a).toMatchObject({ from: 'log', read: 400 });
    expect(first.knownDevelopments).toBe(live.knownDevelopments);

    // More is recorded after the snapshot: the next start reads only that.
    await feed(live, store, stream.slice(400, 500));
    const second = createEngine(story, corpus);
    const b = await startEngine({ engine: second, store, log: logger().log });
    expect(b).toMatchObject({ from: 'snapshot', read: 100 });
    expect(second.developments()).toEqual(live.developments());

    // The verdicts, down to which earlier copy a copy names: an engine that learned by replay
    // weighs every term and member as the live one does.
    const rest = stream.slice(500);
    const verdicts = (e: Engine) => rest.map((x) => e.analyze(x)).map(({ relevant, novel, developmentId, duplicateOf }) => ({ relevant, novel, developmentId, duplicateOf }));
    expect(verdicts(second)).toEqual(verdicts(live));
  });

  it('a snapshot from another engine is not loaded: the engine is rebuilt from the log, with progress, and saved again', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sw-engine-state-'));
    dirs.push(dir);
    const store = createSqliteStore({ dir, warn: () => {} });
    const live = createEngine(story, corpus);
    await feed(live, store, generateStream(300, 9));
    await store.saveSnapshot!(`engine:${story.id}`, { version: 'v1-old/abc', cursor: 120, takenAt: '2026-01-01T00:00:00Z', data: new Uint8Array([1, 2]) });
    const { log, lines } = logger();
    const engine = createEngine(story, corpus);
    const r = await startEngine({ engine, store, log });
    expect(r).toMatchObject({ from: 'rebuilt', read: 300 });
    expect(lines.join('\n')).toMatch(/engine snapshot of 2026-01-01T00:00:00Z was written by another engine version or story \(v1-old\/abc; this is v\d+-state-\d+\/.*\): rebuilding the engine from the 300 retained article\(s\)/);
    expect(lines.join('\n')).toMatch(/engine rebuilt from 300 retained article\(s\)/);
    expect((await store.loadSnapshot!(`engine:${story.id}`))?.version).toBe(snapshotVersion(engine));
    expect(engine.knownDevelopments).toBe(live.knownDevelopments);
  });
});
