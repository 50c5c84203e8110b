/**
 * catchUp: teach the engine what the store recorded after `cursor`, so an engine in
 * any process judges against everything any process has seen. Ids in `learnedHere`
 * were judged by this engine already: they are skipped (and dropped from the set).
 */
import type { Engine } from '../analysis/engine.js';
import type { StateStore } from '../store/ports.js';

export async function catchUp(engine: Engine, store: StateStore, cursor: number, learnedHere?: Set<string>): Promise<{ cursor: number; learned: number }> {
  const { entries, cursor: next } = await store.knowledgeSince(cursor);
  let learned = 0;
  for (const e of entries) {
    if (learnedHere?.delete(e.article.id) || !e.decision.relevant) continue;
    engine.remember(e.article, e.decision.developmentId, e.decision.novel);
    learned++;
  }
  return { cursor: next, learned };
}
