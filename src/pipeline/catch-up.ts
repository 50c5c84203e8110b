/**
 * catchUp: teach the engine what the store recorded after `cursor`, so an engine in
 * any process judges against everything any process has seen. Ids in `learnedHere`
 * were judged by this engine already: they are skipped (and dropped from the set).
 * The log is read a page at a time, so a long one never sits in memory whole.
 */
import type { Engine } from '../analysis/engine.js';
import type { Article } from '../domain/article.js';
import type { StateStore } from '../store/ports.js';
import { DAY_MS, DEFAULT_RETENTION } from '../store/retention.js';

export interface CatchUpOptions {
  retentionDays?: number | undefined;
  /** Articles read per store call. */
  pageSize?: number;
  /** Told after each page how many articles were read in all. */
  progress?: (read: number) => void;
}

export async function catchUp(engine: Engine, store: StateStore, cursor: number, learnedHere?: Set<string>, opts: CatchUpOptions = {}): Promise<{ cursor: number; learned: number; read: number }> {
  const pageSize = opts.pageSize ?? 2000;
  let learned = 0;
  let read = 0;
  for (;;) {
    const { entries, cursor: next } = await store.knowledgeSince(cursor, pageSize);
    for (const e of entries) {
      if (!learnedHere?.delete(e.article.id)) {
        // Off-topic ones too, as analyzeArticle does: a near miss teaches which names are not the story's.
        engine.remember(e.article, e.decision.relevant ? e.decision.developmentId : null, e.decision.novel);
        if (e.decision.relevant) learned++;
      }
      // After learning it, as analyzeArticle does: the article may have kept its development alive.
      retireFor(engine, e.article, e.processedAt, opts.retentionDays);
    }
    read += entries.length;
    cursor = next;
    if (entries.length) opts.progress?.(read);
    if (entries.length < pageSize) return { cursor, learned, read };
  }
}

/**
 * Retention in the engine, on the story's own clock: developments whose last report was
 * published a retention window before this article leave the candidate set. The article's
 * date is capped by when it was processed, so a feed's date in the future ages nothing;
 * and it is the publication date, so a backlog of old items being read now retires nothing.
 */
export function retireFor(engine: Engine, article: Article, processedAt: string, retentionDays = DEFAULT_RETENTION.days): void {
  const published = Date.parse(article.publishedAt);
  const processed = Date.parse(processedAt);
  if (Number.isNaN(published) || Number.isNaN(processed)) return;
  engine.retire(Math.min(published, processed) - retentionDays * DAY_MS);
}
