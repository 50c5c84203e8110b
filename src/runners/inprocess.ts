/**
 * In-process runner (embedded default): timers drive the same pipeline functions the
 * BullMQ runner uses. Each tick polls every due feed, analyses the new articles of all
 * feeds in publication order, saves feed state, then delivers pending alerts.
 */
import type { FeedConfig } from '../config/app-config.js';
import type { Logger } from '../log.js';
import type { Metrics } from '../observability/metrics.js';
import { analyzeArticle, type AnalyzeDeps } from '../pipeline/analyze-article.js';
import { deliverPending, postNotice, type DeliverDeps } from '../pipeline/deliver-alert.js';
import { pollFeed, type PollDeps, type PollOutcome } from '../pipeline/poll-feed.js';

export interface RunnerDeps {
  /** Read every tick: channels may add and remove feeds while running. */
  feeds: () => Promise<FeedConfig[]>;
  poll: PollDeps;
  analyze: AnalyzeDeps;
  deliver: DeliverDeps;
  log: Logger;
  /** Milliseconds between ticks (feeds not yet due are skipped inside a tick). */
  tickMs: number;
  /** How many feeds are fetched at once. */
  concurrency?: number;
  /** Targets told about a feed (paused, back); default: the alert targets. */
  feedAudience?: (feedId: string) => Promise<string[]>;
  metrics?: Metrics;
}

export interface TickReport {
  polled: number;
  failed: number;
  articles: number;
  relevant: number;
  alerts: number;
  followUps: number;
  delivered: number;
}

export interface Runner {
  tick(): Promise<TickReport>;
  start(): void;
  /** Stops scheduling, waits for the tick in progress to finish. */
  stop(): Promise<void>;
}

export function createInProcessRunner(deps: RunnerDeps): Runner {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<TickReport> | undefined;
  let stopped = false;

  const tick = async (): Promise<TickReport> => {
    const outcomes = await mapLimit(await deps.feeds(), deps.concurrency ?? 4, (f) => pollFeed(deps.poll, f));
    const report: TickReport = { polled: 0, failed: 0, articles: 0, relevant: 0, alerts: 0, followUps: 0, delivered: 0 };
    const batch = outcomes.flatMap((o) => o.articles.map((article) => ({ article, outcome: o })));
    // The engine judges in time order: an earlier report must be known before its copies.
    batch.sort((a, b) => (a.article.publishedAt || '').localeCompare(b.article.publishedAt || ''));
    for (const { article, outcome } of batch) {
      const r = await analyzeArticle(deps.analyze, article, outcome.feedId, { silent: outcome.backlog });
      if (r.skipped) continue;
      report.articles++;
      if (r.decision?.relevant) report.relevant++;
      if (r.alert?.alert.kind === 'follow-up') report.followUps++;
      else if (r.alert) report.alerts++;
    }
    for (const o of outcomes) {
      deps.metrics?.polled(o.status);
      if (o.status !== 'not-due') report.polled++;
      if (o.status === 'failed') report.failed++;
      if (o.nextState) await deps.poll.store.putFeedState(o.nextState);
      if (o.notice) await postNotice(deps.deliver, deps.feedAudience ? await deps.feedAudience(o.feedId) : deps.analyze.targets, o.notice);
      logBacklog(deps.log, o);
    }
    report.delivered = (await deliverPending(deps.deliver)).delivered;
    return report;
  };

  const loop = () => {
    if (stopped) return;
    running = tick().catch((err: Error) => {
      deps.log.error(`tick failed: ${err.message}; next tick continues`, { stack: err.stack?.split('\n')[1]?.trim() });
      return { polled: 0, failed: 0, articles: 0, relevant: 0, alerts: 0, followUps: 0, delivered: 0 };
    });
    void running.then((r) => {
      if (r.polled) deps.log.info('poll finished', { ...r });
      if (!stopped) timer = setTimeout(loop, deps.tickMs);
    });
  };

  return {
    tick,
    start: loop,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}

function logBacklog(log: Logger, o: PollOutcome): void {
  if (o.backlog && o.articles.length) {
    log.info(`feed ${o.feedId}: first poll, ${o.articles.length} existing item(s) learned without alerts`);
  }
}

async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
