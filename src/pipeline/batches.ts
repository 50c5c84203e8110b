/**
 * Analysis batches: a tick's articles are recorded in one commit per story store instead of
 * one per article (StateStore.inBatch). The engine still learns each article right after its
 * own write, so each decision sees every one before it; if the batch's commit is then lost,
 * the engine forgets the whole batch by being rebuilt from what its store kept, and the
 * batch's feeds, whose state was not saved, are fetched and judged again next tick.
 */
import type { Logger } from '../log.js';
import { BatchLost, type StateStore } from '../store/ports.js';
import type { AnalyzeDeps } from './analyze-article.js';
import { catchUp } from './catch-up.js';

export interface BatchLane {
  id: string;
  store: StateStore;
  analyze: AnalyzeDeps;
}

/** Runs `work` inside a batch of every distinct store of `lanes` (nested, one per store). */
export async function inBatches<T>(lanes: BatchLane[], work: () => Promise<T>, log: Logger): Promise<T> {
  const distinct = [...new Map(lanes.filter((l) => l.store.inBatch).map((l) => [l.store, l])).values()];
  const handled = new WeakSet<object>();
  const nest = async (i: number): Promise<T> => {
    const lane = distinct[i];
    if (!lane) return work();
    try {
      return await lane.store.inBatch!(() => nest(i + 1));
    } catch (err) {
      // Lost here (not passed through from an inner store's batch): this lane forgets it.
      if (err instanceof BatchLost && !handled.has(err)) {
        handled.add(err);
        await forgetBatch(lanes.filter((l) => l.store === lane.store), err, log);
      }
      throw err;
    }
  };
  return nest(0);
}

/** Rebuilds each lane's engine from its store: what the lost batch taught it is gone with it. */
async function forgetBatch(lanes: BatchLane[], err: BatchLost, log: Logger): Promise<void> {
  for (const lane of lanes) {
    const { engine } = lane.analyze;
    log.error(`${err.message}; story ${engine.story.id} forgets the batch (its engine is rebuilt from what the store kept)`, {
      todo: 'check the disk and the data directory; the feeds of the batch are fetched and judged again next tick',
    });
    const fresh = engine.blank();
    await catchUp(fresh, lane.store, 0, undefined, { retentionDays: lane.analyze.retentionDays });
    engine.restore(fresh.snapshot());
  }
}
