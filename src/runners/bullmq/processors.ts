/**
 * BullMQ job handlers: thin wrappers that call the same pipeline functions as the
 * in-process runner. Permanent failures throw UnrecoverableError (no retries); anything
 * else is retried with exponential backoff.
 */
import { UnrecoverableError, type Job, type Queue } from 'bullmq';
import type { Engine } from '../../analysis/engine.js';
import { AuthDeliveryError, type ChatAdapter } from '../../chat/ports.js';
import type { FeedConfig } from '../../config/app-config.js';
import type { Logger } from '../../log.js';
import type { HostLimiter } from '../../feeds/politeness.js';
import type { Metrics } from '../../observability/metrics.js';
import { analyzeArticle, type AnalyzeDeps } from '../../pipeline/analyze-article.js';
import { catchUp } from '../../pipeline/catch-up.js';
import { FOLLOW_UP_MERGE_MS, postBatch, postNotice } from '../../pipeline/deliver-alert.js';
import { pollFeed, type PollDeps } from '../../pipeline/poll-feed.js';
import type { AlertRecord, StateStore } from '../../store/ports.js';
import type { Gate } from '../../pipeline/channel-policy.js';
import { burstHeader } from '../../pipeline/burst.js';
import { analyzeJobId, deliverJobId, JOB_OPTIONS, type AnalyzeJob, type DeliverJob, type PollJob } from './names.js';

export interface ProcessorDeps {
  /** Configured feeds plus channels' feeds, read when needed. */
  feeds: () => Promise<FeedConfig[]>;
  poll: PollDeps;
  analyze: AnalyzeDeps;
  store: StateStore;
  engine: Engine;
  adapters: ChatAdapter[];
  queues: { analyze: Queue<AnalyzeJob>; deliver: Queue<DeliverJob> };
  log: Logger;
  /** Per-channel pacing within this process. */
  pace?: HostLimiter;
  /** How long follow-up deliveries wait to be merged. */
  mergeWindowMs?: number;
  /** Targets told about a feed (paused, back); default: the alert targets. */
  feedAudience?: (feedId: string) => Promise<string[]>;
  metrics?: Metrics;
  /** The channel's own settings (paused, muted, notify), asked before each post. */
  gate?: Gate;
}

export function pollProcessor(deps: ProcessorDeps) {
  return async (job: Job<PollJob>): Promise<string> => {
    const feed = (await deps.feeds()).find((f) => f.id === job.data.feedId);
    if (!feed) throw new UnrecoverableError(`feed "${job.data.feedId}" is no longer configured (its scheduler is removed on the leader's next round)`);
    const outcome = await pollFeed(deps.poll, feed);
    deps.metrics?.polled(outcome.status);
    if (outcome.articles.length) {
      const ordered = [...outcome.articles].sort((a, b) => (a.publishedAt || '').localeCompare(b.publishedAt || ''));
      await deps.queues.analyze.addBulk(ordered.map((article) => ({
        name: 'analyze',
        data: { feedId: feed.id, article, backlog: outcome.backlog },
        opts: { ...JOB_OPTIONS, jobId: analyzeJobId(feed.id, article.id) },
      })));
    }
    // Saved only once the articles are queued: a crash before this re-fetches them. The
    // queued backlog carries its own flag, so the feed counts as primed from here.
    if (outcome.status === 'new') await deps.store.markPrimed(feed.url);
    if (outcome.nextState) await deps.store.putFeedState(outcome.nextState);
    if (outcome.notice) await postNotice(deps, deps.feedAudience ? await deps.feedAudience(feed.id) : deps.analyze.targets, outcome.notice);
    return `${outcome.status}: ${outcome.articles.length} new`;
  };
}

/**
 * Analysis runs one job at a time across all workers (global concurrency 1), so each
 * article is judged against everything before it. Before judging, this process's
 * engine learns what other processes recorded since it last looked.
 */
export function analyzeProcessor(deps: ProcessorDeps) {
  let cursor = 0;
  const learnedHere = new Set<string>();
  const catchUpEngine = async () => {
    cursor = (await catchUp(deps.engine, deps.store, cursor, learnedHere, { retentionDays: deps.analyze.retentionDays })).cursor;
  };
  return async (job: Job<AnalyzeJob>): Promise<string> => {
    const { article, feedId, backlog } = job.data;
    if (!article?.id || typeof article.content !== 'string') throw new UnrecoverableError('analyze job without a valid article');
    await catchUpEngine();
    // Recorded by an earlier attempt: its deliveries, if any, are queued by the leader's sweep.
    if (await deps.store.hasSeen(article.id)) return 'already analysed';
    const r = await analyzeArticle(deps.analyze, article, feedId, { silent: backlog });
    // Learned here only once the store committed it; a failed write leaves the engine as it was.
    if (!r.skipped) learnedHere.add(article.id);
    if (r.alert) await enqueueDeliveries(deps, r.alert.alert.id, r.alert.targets, r.alert.alert.kind === 'follow-up' ? deps.mergeWindowMs ?? FOLLOW_UP_MERGE_MS : 0);
    const result = r.skipped ? 'already analysed' : r.alert ? `alert ${r.alert.alert.id}` : r.decision?.relevant ? 'relevant, not new' : 'off-topic';
    deps.log.debug(`analysed article ${article.id}: ${result}`, { feed: feedId });
    return result;
  };
}

/** Idempotent: deterministic job ids, and only pairs still pending. */
export async function enqueueDeliveries(deps: Pick<ProcessorDeps, 'store' | 'queues'>, alertId: string, targets: string[], delay = 0): Promise<number> {
  const pending: DeliverJob[] = [];
  for (const target of targets) if (await deps.store.isPending(alertId, target)) pending.push({ alertId, target });
  if (pending.length) {
    // Follow-ups wait out the merge window, so a burst of copies becomes one post.
    await deps.queues.deliver.addBulk(pending.map((d) => ({ name: 'deliver', data: d, opts: { ...JOB_OPTIONS, delay, jobId: deliverJobId(d.target, d.alertId) } })));
  }
  return pending.length;
}

/**
 * The leader's sweep after crashes, restarts and retry storms: every pending delivery
 * gets a job. A job that used up its attempts stays in the failed set, where a re-add
 * with the same id would be ignored, so it is retried instead.
 */
export async function sweepPending(deps: Pick<ProcessorDeps, 'store' | 'queues'>): Promise<number> {
  const pending = await deps.store.pendingDeliveries();
  const fresh = [];
  for (const { record, target } of pending) {
    const jobId = deliverJobId(target, record.alert.id);
    const job = await deps.queues.deliver.getJob(jobId);
    if (!job) fresh.push({ name: 'deliver', data: { alertId: record.alert.id, target }, opts: { ...JOB_OPTIONS, jobId } });
    else if (await job.isFailed()) await job.retry();
  }
  if (fresh.length) await deps.queues.deliver.addBulk(fresh);
  return pending.length;
}

export function deliverProcessor(deps: ProcessorDeps) {
  return async (job: Job<DeliverJob>): Promise<string> => {
    const { alertId, target } = job.data;
    if (!(await deps.store.isPending(alertId, target))) return 'already delivered';
    const record = await deps.store.getAlert(alertId);
    if (!record) throw new UnrecoverableError(`alert ${alertId} is not in the store`);
    const adapter = deps.adapters.find((a) => a.handles(target));
    if (!adapter) throw new UnrecoverableError(`no chat adapter serves target "${target}"`);
    // Follow-ups of one development are posted together: one job at a time may take them.
    // New developments of one target are posted one worker at a time, so a burst of them
    // goes out together, newest first under one header (see deliverClaimed).
    const claim = record.alert.kind === 'follow-up' ? `deliver:${target}:${record.alert.developmentId}` : `deliver:${target}:developments`;
    const release = await deps.store.tryLock(claim, 60_000);
    if (!release) throw new Error(`another worker is delivering ${claim}; retrying after it`);
    try {
      return await deliverClaimed(deps, record, target, adapter);
    } finally {
      await release();
    }
  };
}

async function deliverClaimed(deps: ProcessorDeps, record: AlertRecord, target: string, adapter: ChatAdapter): Promise<string> {
  const alertId = record.alert.id;
  // Checked again under the claim: the holder before us may have posted it.
  if (!(await deps.store.isPending(alertId, target))) return 'already delivered';
  if (record.alert.kind !== 'follow-up') return deliverDevelopments(deps, record, target, adapter);
  // A follow-up takes every follow-up of its development still pending for this target.
  const batch = (await deps.store.pendingDeliveries()).filter((p) => p.target === target && p.record.alert.kind === 'follow-up' && p.record.alert.developmentId === record.alert.developmentId).map((p) => p.record);
  const outcome = await postBatch(deps, adapter, target, batch);
  // A refused token fails the job at once, but the pair stays pending: the leader's sweep
  // retries it, and the adapter refuses without calling the platform until it is fixed.
  if (!outcome.ok) throw outcome.permanent || outcome.error instanceof AuthDeliveryError ? new UnrecoverableError(outcome.error.message) : outcome.error;
  return `delivered ${batch.length} to ${target}`;
}

/**
 * A new development takes every new development still pending for its target: more than
 * one is a burst, posted newest first under one header; their own jobs then find them
 * delivered. Stops at the first failure; the rest stay pending for their jobs or the sweep.
 */
async function deliverDevelopments(deps: ProcessorDeps, record: AlertRecord, target: string, adapter: ChatAdapter): Promise<string> {
  const pending = (await deps.store.pendingDeliveries()).filter((p) => p.target === target && p.record.alert.kind !== 'follow-up').map((p) => [p.record]);
  const queue = pending.length ? pending : [[record]];
  const header = await burstHeader(deps, adapter, target, queue);
  if (header === 'failed') throw new Error(`the burst header to ${target} could not be posted; retrying`);
  let delivered = 0;
  for (const batch of header.queue) {
    const outcome = await postBatch(deps, adapter, target, batch);
    if (!outcome.ok) {
      if (outcome.permanent || outcome.error instanceof AuthDeliveryError) {
        if (batch[0]!.alert.id === record.alert.id) throw new UnrecoverableError(outcome.error.message);
        continue;
      }
      throw outcome.error;
    }
    delivered++;
  }
  return `delivered ${delivered} to ${target}`;
}
