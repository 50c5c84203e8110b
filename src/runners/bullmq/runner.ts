/**
 * BullMQ runner (REDIS_URL set): queues poll -> analyze -> deliver, the same pipeline
 * functions as the in-process runner. Run the same command on as many processes or
 * machines as needed; they share the work through Redis.
 */
import { DelayedError, Queue, UnrecoverableError, Worker, type ConnectionOptions, type Processor, type WorkerOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import { createLeader, type Leader } from './leader.js';
import { watchFirstPoll } from './first-poll.js';
import { JOB_OPTIONS, QUEUE, type AnalyzeJob, type DeliverJob, type PollJob } from './names.js';
import { deliverProcessor, enqueueDeliveries, pollProcessor, sweepPending, type ProcessorDeps } from './processors.js';
import { jobState, orderedAnalyzeProcessor } from './analyze-ordered.js';
import { createTurns } from './turns.js';
import { shardLock, upsertShardSchedulers } from './poll-shards.js';
import { FOLLOW_UP_MERGE_MS } from '../../pipeline/deliver-alert.js';

export interface BullmqRunnerDeps extends Omit<ProcessorDeps, 'queues'> {
  connection: ConnectionOptions;
  /** Shared Redis connection (leader election). */
  redis: Redis;
  /** BullMQ key prefix; every process of one deployment uses the same. */
  prefix: string;
  workerId: string;
  intervalMs: number;
  /** How often the leader re-queues pending deliveries. */
  sweepMs?: number;
  /** Jobs at once per process; analyze jobs overlap their reading with others' decisions. */
  concurrency?: { poll?: number; analyze?: number; deliver?: number };
  /** Posts the scheduled digests that are due; run by the leader every round. */
  digests?: () => Promise<unknown>;
}

export interface BullmqRunner {
  start(): Promise<void>;
  /** Stops intake, lets running jobs finish, closes workers and queues. */
  stop(): Promise<void>;
  queues: { poll: Queue<PollJob>; analyze: Queue<AnalyzeJob>; deliver: Queue<DeliverJob> };
  readonly leader: Leader;
  /** Whether this process's last poll or analyze job could record its results (for /readyz). */
  recording(): { ok: boolean; error?: string | undefined };
}

export function createBullmqRunner(deps: BullmqRunnerDeps): BullmqRunner {
  const base = { connection: deps.connection, prefix: deps.prefix };
  const queues = {
    poll: new Queue<PollJob>(QUEUE.poll, { ...base, defaultJobOptions: JOB_OPTIONS }),
    analyze: new Queue<AnalyzeJob>(QUEUE.analyze, { ...base, defaultJobOptions: JOB_OPTIONS }),
    deliver: new Queue<DeliverJob>(QUEUE.deliver, { ...base, defaultJobOptions: JOB_OPTIONS }),
  };
  for (const q of Object.values(queues)) q.on('error', (e) => deps.log.warn(`queue ${q.name}: ${e.message}`));
  const turns = createTurns({ redis: deps.redis, prefix: deps.prefix, jobState: jobState(queues.analyze) });
  const pdeps: ProcessorDeps = { ...deps, queues, turns, lockShard: shardLock(deps.redis, deps.prefix) };
  const analyze = orderedAnalyzeProcessor({
    lanes: deps.lanes, turns, redis: deps.redis, prefix: deps.prefix, log: deps.log, queues,
    onAlert: (lane, alertId, targets, followUp) => enqueueDeliveries({ store: lane.store, queues }, alertId, targets, followUp ? deps.mergeWindowMs ?? FOLLOW_UP_MERGE_MS : 0, lane.id === deps.lanes.primary.id ? undefined : lane.id),
  });
  const workers: Worker[] = [];
  let stopFirstPoll: (() => void) | undefined;
  const leader = createLeader({
    redis: deps.redis,
    key: `${deps.prefix}:storywatch:leader`,
    id: deps.workerId,
    ttlMs: 15_000,
    everyMs: deps.sweepMs ?? 30_000,
    log: deps.log,
    duty: async () => {
      // Every round: channels add and remove feeds while running (a shard's job reads its feeds
      // when it runs; the schedulers change only when the shard count does).
      const feeds = (await deps.feeds()).length;
      await upsertShardSchedulers(queues.poll, { redis: deps.redis, planKey: `${deps.prefix}:storywatch:poll-plan`, feeds, intervalMs: deps.intervalMs, log: deps.log });
      const swept = await sweepPending(pdeps);
      if (swept) deps.log.info(`leader re-queued ${swept} pending deliveries`);
      // Claimed per period in Redis: a new leader after a failover never posts one twice.
      await deps.digests?.().catch((err: Error) => deps.log.warn(`digest round failed: ${err.message}; tried again next round`));
      deps.log.debug(`leader round done: ${feeds} feed(s) scheduled, ${swept} delivery(ies) re-queued, digests checked`);
    },
  });

  let lastCycle: { ok: boolean; error?: string | undefined } = { ok: true };
  /**
   * A poll or analyze job throws only when it could not record its results (a feed's own
   * failure is a result). Judged in the job itself, not on BullMQ's events: when Redis
   * refuses writes, the job cannot even be moved to "failed".
   */
  const recording = <T>(processor: Processor<T>): Processor<T> => async (job, token) => {
    try {
      const out: unknown = await processor(job, token);
      lastCycle = { ok: true };
      return out;
    } catch (err) {
      // A job that gave its slot back (DelayedError) recorded nothing wrong.
      if (!(err instanceof UnrecoverableError) && !(err instanceof DelayedError)) lastCycle = { ok: false, error: (err as Error).message };
      throw err;
    }
  };
  const worker = <T>(name: string, processor: Processor<T>, concurrency: number, extra: Partial<WorkerOptions> = {}) => {
    const w = new Worker<T>(name, processor, { ...base, concurrency, ...extra });
    w.on('failed', (job, err) => deps.log.warn(`${name} job ${job?.id ?? '?'} failed (attempt ${job?.attemptsMade ?? '?'}): ${err.message}`));
    w.on('error', (err) => deps.log.warn(`${name} worker: ${err.message}`));
    workers.push(w as unknown as Worker);
  };

  return {
    queues,
    leader,
    recording: () => lastCycle,
    async start() {
      // Deployments from before per-story turns serialised analysis with a global limit of 1.
      await queues.analyze.removeGlobalConcurrency();
      worker<PollJob>(QUEUE.poll, recording(pollProcessor(pdeps)), deps.concurrency?.poll ?? 8);
      // A job whose worker dies may head its story's order: free it within seconds.
      // Most analyze jobs wait for their story's turn, already prepared: a deeper pipeline
      // lets the process holding the step decide more heads in a row (4 held it to half).
      worker<AnalyzeJob>(QUEUE.analyze, recording(analyze), deps.concurrency?.analyze ?? 16, { lockDuration: 10_000, stalledInterval: 5_000 });
      // A killed worker's delivery is picked up again within seconds (the post itself is
      // idempotent: recorded intent, platform lookup), not after BullMQ's default 30 + 30 s.
      worker<DeliverJob>(QUEUE.deliver, deliverProcessor(pdeps), deps.concurrency?.deliver ?? 4, { lockDuration: 10_000, stalledInterval: 5_000 });
      leader.start();
      stopFirstPoll = watchFirstPoll({ feeds: deps.feeds, store: deps.store, log: deps.log });
    },
    async stop() {
      stopFirstPoll?.();
      await leader.stop();
      // Jobs waiting for a turn held elsewhere stop waiting (and are retried), so closing the
      // workers does not wait on them.
      await turns.close();
      await Promise.all(workers.map((w) => w.close()));
      await Promise.all(Object.values(queues).map((q) => q.close()));
    },
  };
}

