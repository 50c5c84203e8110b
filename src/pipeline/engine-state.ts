/**
 * Start-up without replay: the engine loads its last snapshot and learns only what the
 * store recorded after it. A snapshot from another engine (new analysis code, an edited
 * story or corpus) is not loaded: the engine is rebuilt from the retained window, with
 * progress lines, and a new snapshot saved. Snapshots are saved by the running app from
 * time to time and on close, so a crash costs the articles since the last one, re-learned
 * from the log in the next start-up.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import type { Engine } from '../analysis/engine.js';
import type { Logger } from '../log.js';
import type { StateStore } from '../store/ports.js';
import { catchUp } from './catch-up.js';

export interface EngineStateDeps {
  engine: Engine;
  store: StateStore;
  log: Logger;
  retentionDays?: number | undefined;
  now?: () => Date;
}

export interface EngineStart {
  /** Where the engine's knowledge came from. */
  from: 'snapshot' | 'rebuilt' | 'log';
  /** Articles read from the log after the snapshot (all retained ones when rebuilt). */
  read: number;
  learned: number;
  cursor: number;
}

const PROGRESS_EVERY = 50_000;

export function snapshotKey(engine: Engine): string {
  return `engine:${engine.story.id}`;
}

let codeHash: string | undefined;

/** The analysis code itself: a snapshot written by other code may mean other things. */
function analysisCodeHash(): string {
  if (codeHash) return codeHash;
  const dir = new URL('../analysis/', import.meta.url);
  const h = createHash('sha256');
  for (const f of readdirSync(dir).filter((n) => /\.(js|ts)$/.test(n) && !n.endsWith('.d.ts')).sort()) h.update(f).update(readFileSync(new URL(f, dir)));
  codeHash = h.digest('hex').slice(0, 12);
  return codeHash;
}

/** What a snapshot must say it is to be loaded by this engine: its fingerprint and code. */
export function snapshotVersion(engine: Engine): string {
  return `${engine.fingerprint}/${analysisCodeHash()}`;
}

export async function startEngine(deps: EngineStateDeps): Promise<EngineStart & { save: () => Promise<boolean> }> {
  const { engine, store, log } = deps;
  const key = snapshotKey(engine);
  const snap = await store.loadSnapshot?.(key);
  let cursor = 0;
  let from: EngineStart['from'] = 'log';
  const version = snapshotVersion(engine);
  if (snap && snap.version === version && engine.restore(snap.data)) {
    cursor = snap.cursor;
    from = 'snapshot';
  } else if (snap) {
    from = 'rebuilt';
    const total = (await store.knowledgeCount?.(0)) ?? 0;
    log.info(`engine snapshot of ${snap.takenAt} was written by another engine version or story (${snap.version}; this is ${version}): ` +
      `rebuilding the engine from the ${total} retained article(s)`);
  }
  let lastReport = 0;
  const progress = from === 'rebuilt' ? (read: number) => {
    if (read - lastReport < PROGRESS_EVERY) return;
    lastReport = read;
    log.info(`rebuilding the engine: ${read} article(s) read`);
  } : undefined;
  const r = await catchUp(engine, store, cursor, undefined, { retentionDays: deps.retentionDays, progress });
  let saved = { cursor: from === 'snapshot' ? cursor : -1 };
  const save = async (): Promise<boolean> => {
    if (!store.saveSnapshot || !store.knowledgeEnd) return false;
    // Taken before the cursor is read, and nothing runs in between: the cursor is exactly
    // what the engine had learned (articles are learned as they are recorded).
    const data = engine.snapshot();
    const at = await store.knowledgeEnd();
    if (at === saved.cursor) return false;
    await store.saveSnapshot(key, { version, cursor: at, takenAt: (deps.now?.() ?? new Date()).toISOString(), data });
    saved = { cursor: at };
    return true;
  };
  if (from === 'rebuilt') log.info(`engine rebuilt from ${r.read} retained article(s)`);
  // A rebuild or a first start over an existing log is not repeated next time.
  if (from !== 'snapshot' && r.read > 0) await save();
  return { from, read: r.read, learned: r.learned, cursor: r.cursor, save };
}
