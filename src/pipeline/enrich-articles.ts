/**
 * enrichArticles: the step between parse and analyse. pollFeed calls it on a feed's new
 * items, so the in-process and BullMQ runners both analyse the full text. A few items are
 * enriched at a time; every item has its own budget and the poll an overall one, after
 * which the rest keep their feed text. Nothing is dropped or reordered here: the same
 * articles come back, some with the publisher's URL and full text.
 */
import type { Article } from '../domain/article.js';
import type { FeedConfig } from '../config/app-config.js';
import type { Enricher } from '../feeds/enrich/enricher.js';
import type { Logger } from '../log.js';
import { redactUrl } from '../domain/redact.js';

export interface EnrichStepDeps {
  enricher: Enricher;
  log: Logger;
  /** Items enriched at once per poll (default 4). */
  concurrency?: number;
  /** No new page is started after this long into a poll (default 60 s). */
  pollBudgetMs?: number;
  now?: () => number;
  /** Counts outcomes for /metrics. */
  count?: (fullText: boolean) => void;
}

export async function enrichArticles(deps: EnrichStepDeps, feed: FeedConfig, articles: Article[]): Promise<Article[]> {
  const mode = feed.fullText ?? 'auto';
  if (mode === 'never' || !articles.length) return articles;
  const now = deps.now ?? Date.now;
  const stopStartingAt = now() + (deps.pollBudgetMs ?? 60_000);
  const out = [...articles];
  let next = 0;
  const lane = async () => {
    while (next < articles.length) {
      const i = next++;
      const a = articles[i]!;
      if (now() >= stopStartingAt) {
        deps.log.debug(`feed ${feed.id}: ${redactUrl(a.url)} analysed on the feed text: the poll's enrichment budget is spent`);
        continue;
      }
      const r = await deps.enricher.enrich(a, mode);
      out[i] = r.article;
      deps.count?.(r.fullText);
      if (r.refused) {
        deps.log.warn(`feed ${feed.id}: page ${redactUrl(r.article.url)} not read: ${r.outcome}. The item is analysed on its feed text; nothing else is held up. If this site's pages are always like this, set fullText: never on the feed.`);
      } else if (!r.fullText && r.outcome !== 'feed text long enough') {
        deps.log.debug(`feed ${feed.id}: ${redactUrl(r.article.url)} analysed on the feed text: ${r.outcome}`);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(deps.concurrency ?? 4, articles.length) }, lane));
  return out;
}
