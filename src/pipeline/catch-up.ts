/**
 * catchUp: teach the engine what the store recorded after `cursor`, so an engine in
 * any process judges against everything any process has seen.
 */
import type { Engine } from '../analysis/engine.js';
import type { StateStore } from '../store/ports.js';

export async function catchUp(engine: Engine, store: StateStore, cursor: number): Promise<{ cursor: number; learned: number }> {
  const { entries, cursor: next } = await store.knowledgeSince(cursor);
  let learned = 0;
  for (const e of entries) {
    if (!e.decision.relevant) continue;
    engine.remember(e.article, e.decision.developmentId);
    learned++;
  }
  return { cursor: next, learned };
}
