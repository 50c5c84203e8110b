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
import type { AnalyzeDeps } from '../../pipeline/analyze-article.js';
import { postBatch } from '../../pipeline/deliver-alert.js';
import type { PollDeps } from '../../pipeline/poll-feed.js';
import type { Lanes } from '../../pipeline/stories.js';
import type { AlertRecord, StateStore } from '../../store/ports.js';
import type { Alert } from '../../domain/alert.js';
import type { Gate } from '../../pipeline/channel-policy.js';
import { burstHeader } from '../../pipeline/burst.js';
import { deliverJobId, JOB_OPTIONS, type AnalyzeJob, type DeliverJob, type PollJob } from './names.js';
import type { Turns } from './turns.js';
import { pollShard, shardedFeeds } from './poll-shards.js';
import { fetchOne, openRound, recordRound } from './poll-round.js';
import { holdClaim } from './claim.js';

export interface ProcessorDeps {
  /** Configured feeds plus channels' feeds, read when needed. */
  feeds: () => Promise<FeedConfig[]>;
  poll: PollDeps;
  analyze: AnalyzeDeps;
  store: StateStore;
  engine: Engine;
  /** Every story tracked; each has its own engine and store. */
  lanes: Lanes;
  adapters: ChatAdapter[];
  queues: { analyze: Queue<AnalyzeJob>; deliver: Queue<DeliverJob> };
  /** The per-story order of analyze jobs. */
  turns?: Turns;
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
  /** The development's place on the story page (absent: alerts carry no page link). */
  pageLink?: (alert: Alert) => string;
  /** Claims a poll shard for one round (see shardLock); undefined when another round holds it. */
  lockShard?: (shard: string) => Promise<(() => Promise<void>) | undefined>;
}

export function pollProcessor(deps: ProcessorDeps) {
  const feeds = shardedFeeds(deps.feeds);
  return async (job: Job<PollJob>): Promise<string> => {
    const { shard, shards, feedId } = job.data;
    if (typeof shard === 'number' && typeof shards === 'number') {
      const release = deps.lockShard ? await deps.lockShard(`${shard}-of-${shards}`) : async () => {};
      if (!release) return 'skipped: the last round of this shard is still running';
      try {
        const round = openRound(deps);
        const fetch = async (feed: FeedConfig, startedAt: Date) => {
          const polled = await fetchOne(deps, feed, startedAt);
          await round.add(polled);
          return polled;
        };
        return await pollShard(await feeds.shard(shard, shards), fetch, () => round.close());
      } finally {
        await release();
      }
    }
    // A per-feed job queued by an older version before the upgrade.
    const feed = feedId === undefined ? undefined : await feeds.feed(feedId);
    if (!feed) throw new UnrecoverableError(`feed "${feedId}" is no longer configured (its scheduler is removed on the leader's next round)`);
    const polled = await fetchOne(deps, feed, new Date());
    const failed = (await recordRound(deps, [polled])).get(feed.id);
    if (failed) throw failed;
    return `${polled.status}: ${polled.outcome.articles.length} new`;
  };
}

/** Idempotent: deterministic job ids, and only pairs still pending. */
export async function enqueueDeliveries(deps: Pick<ProcessorDeps, 'store' | 'queues'>, alertId: string, targets: string[], delay = 0, story?: string): Promise<number> {
  const pending: DeliverJob[] = [];
  for (const target of targets) if (await deps.store.isPending(alertId, target)) pending.push(story ? { alertId, target, story } : { alertId, target });
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
export async function sweepPending(deps: Pick<ProcessorDeps, 'store' | 'queues'> & { lanes?: Lanes }): Promise<number> {
  let total = 0;
  for (const lane of deps.lanes?.all ?? [undefined]) {
    const store = lane?.store ?? deps.store;
    const story = lane && lane.id !== deps.lanes!.primary.id ? lane.id : undefined;
    const pending = await store.pendingDeliveries();
    const fresh = [];
    for (const { record, target } of pending) {
      const jobId = deliverJobId(target, record.alert.id);
      const job = await deps.queues.deliver.getJob(jobId);
      if (!job) fresh.push({ name: 'deliver', data: { alertId: record.alert.id, target, ...(story ? { story } : {}) }, opts: { ...JOB_OPTIONS, jobId } });
      else if (await job.isFailed()) await job.retry();
    }
    if (fresh.length) await deps.queues.deliver.addBulk(fresh);
    total += pending.length;
  }
  return total;
}

export function deliverProcessor(deps: ProcessorDeps) {
  return async (job: Job<DeliverJob>): Promise<string> => {
    const { alertId, target } = job.data;
    const lane = job.data.story ? deps.lanes.get(job.data.story) : deps.lanes.primary;
    if (!lane) throw new UnrecoverableError(`story "${job.data.story}" is not tracked by this worker`);
    const ldeps = { ...deps, store: lane.store };
    if (!(await ldeps.store.isPending(alertId, target))) return 'already delivered';
    const record = await ldeps.store.getAlert(alertId);
    if (!record) throw new UnrecoverableError(`alert ${alertId} is not in the store`);
    const adapter = deps.adapters.find((a) => a.handles(target));
    if (!adapter) throw new UnrecoverableError(`no chat adapter serves target "${target}"`);
    // Follow-ups of one development are posted together: one job at a time may take them.
    // New developments of one target are posted one worker at a time, so a burst of them
    // goes out together, newest first under one header (see deliverClaimed).
    const claim = record.alert.kind === 'follow-up' ? `deliver:${target}:${record.alert.developmentId}` : `deliver:${target}:developments`;
    const release = await holdClaim(ldeps.store, claim, deps.log);
    if (!release) throw new Error(`another worker is delivering ${claim}; retrying after it`);
    try {
      return await deliverClaimed(ldeps, record, target, adapter);
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
