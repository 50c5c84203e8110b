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

export interface AnalyzeJob {
  feedId: string;
  /** Article text, title and link only: no credentials ever travel in job data. */
  article: import('../../domain/article.js').Article;
  /** Learned silently: the feed's first poll, or a story that just started following it. */
  backlog: boolean;
  /** The story that judges it (absent: the default story, as jobs queued before stories were). */
  story?: string | undefined;
}

export interface DeliverJob {
  alertId: string;
  target: string;
  /** The story whose store holds the alert (absent: the default story). */
  story?: string | undefined;
}
