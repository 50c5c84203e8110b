/** Queue names, deterministic job ids and shared job options for the BullMQ runner. */
import type { JobsOptions } from 'bullmq';
import { createHash } from 'node:crypto';

export const QUEUE = { poll: 'poll', analyze: 'analyze', deliver: 'deliver' } as const;

/** BullMQ custom ids may not contain ':' (nor be integers): keep a safe alphabet. */
export function safeId(s: string): string {
  return s.replace(/[^A-Za-z0-9_.-]/g, '_');
}

/** The default story's jobs keep the ids they had when a deployment tracked one story. */
export const analyzeJobId = (feedId: string, articleId: string, story?: string) => `${story ? `s.${safeId(story)}.` : ''}${safeId(feedId)}-${safeId(articleId)}`;
// A 32-bit hash of the target let two channels share a job id (one of them silently skipped).
export const deliverJobId = (target: string, alertId: string) => `${createHash('sha256').update(target).digest('hex').slice(0, 32)}-${safeId(alertId)}`;

/** Retries with exponential backoff; finished jobs are pruned so Redis does not grow. */
export const JOB_OPTIONS: JobsOptions = {
  attempts: 5,
  // Jitter: jobs that failed together (a platform's outage) do not all retry in the same instant.
  backoff: { type: 'exponential', delay: 1000, jitter: 0.5 },
  removeOnComplete: { age: 3600, count: 5000 },
  removeOnFail: { age: 7 * 24 * 3600, count: 5000 },
};

/** A shard of the feeds (see poll-shards.ts); `feedId`: one feed, as older versions queued. */
export interface PollJob {
  shard?: number;
  shards?: number;
  feedId?: string;
}

type Article = import('../../domain/article.js').Article;

/** One article of an analyze job. */
export interface AnalyzeItem {
  /** Article text, title and link only: no credentials ever travel in job data. */
  article: Article;
  /** Learned silently: the feed's first poll, or a story that just started following it. */
  backlog: boolean;
  /** The feed it came from, when the job holds a poll round's items of several feeds (else the job's `feedId`). */
  feedId?: string | undefined;
}

/**
 * A poll round's new items for one story, oldest first, decided in that order in one turn
 * (`items`); or one article (`article`, `backlog`), as every job of older versions and of one new item.
 */
export interface AnalyzeJob {
  /** The feed of its items (of the first, when they come from several). */
  feedId: string;
  article?: Article | undefined;
  backlog?: boolean | undefined;
  items?: AnalyzeItem[] | undefined;
  /** The story that judges them (absent: the default story, as jobs queued before stories were). */
  story?: string | undefined;
}

/** The job's articles, in the order they are to be decided. */
export function analyzeItems(data: AnalyzeJob): AnalyzeItem[] {
  if (Array.isArray(data.items)) return data.items;
  return data.article ? [{ article: data.article, backlog: data.backlog === true }] : [];
}

/**
 * Articles per analyze job at most: a job's articles cost Redis one job's bookkeeping (BullMQ's
 * add, take and finish scripts, some fifty commands) instead of one each, and hold the story's
 * turn for as many decisions.
 */
export const ANALYZE_BATCH = 25;

/** The feed an item of the job came from. */
export const itemFeed = (data: AnalyzeJob, item: AnalyzeItem): string => item.feedId ?? data.feedId;

/**
 * A poll round's new items for one story as analyze jobs: one job of up to ANALYZE_BATCH
 * items (`feedId`: the feed of items that name none). A single item keeps the id older
 * versions gave it; a batch is named by all its items, so a second poll that finds the same
 * items before they are decided queues no second job.
 */
export function analyzeJobs(feedId: string, items: AnalyzeItem[], story?: string): Array<{ name: 'analyze'; data: AnalyzeJob; jobId: string }> {
  const out: Array<{ name: 'analyze'; data: AnalyzeJob; jobId: string }> = [];
  const feedOf = (it: AnalyzeItem) => it.feedId ?? feedId;
  for (let i = 0; i < items.length; i += ANALYZE_BATCH) {
    const part = items.slice(i, i + ANALYZE_BATCH);
    const first = feedOf(part[0]!);
    const base = { feedId: first, ...(story ? { story } : {}) };
    if (part.length === 1) {
      out.push({ name: 'analyze', data: { ...base, article: part[0]!.article, backlog: part[0]!.backlog }, jobId: analyzeJobId(first, part[0]!.article.id, story) });
      continue;
    }
    const oneFeed = part.every((it) => feedOf(it) === first);
    // One feed's batch is named as before; a round's names each item's feed as well.
    const names = part.map((it) => (oneFeed ? it.article.id : `${feedOf(it)}\n${it.article.id}`));
    const digest = createHash('sha256').update(names.join('\n')).digest('hex').slice(0, 24);
    const own = oneFeed ? part.map(({ feedId: _f, ...it }) => it) : part.map((it) => ({ ...it, feedId: feedOf(it) }));
    out.push({ name: 'analyze', data: { ...base, items: own }, jobId: analyzeJobId(oneFeed ? first : 'round', `batch-${digest}`, story) });
  }
  return out;
}

export interface DeliverJob {
  alertId: string;
  target: string;
  /** The story whose store holds the alert (absent: the default story). */
  story?: string | undefined;
}
