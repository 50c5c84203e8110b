/**
 * Batched polling for the BullMQ runner. A job per feed cost Redis about as much CPU as
 * the whole poll of a 304 (a scheduler's delayed job moved to wait, to active, to
 * completed, and the next one made): at a million feeds that alone would fill a Redis
 * core. Instead the feeds are spread over shards, those of one story together (see
 * storyShards), one Job Scheduler per shard; a shard's job polls each of its feeds. The
 * set of schedulers depends only on the shard count and the interval, so the leader
 * rewrites it only when one of them changes.
 */
import type { Job, Queue } from 'bullmq';
import type { FeedConfig } from '../../config/app-config.js';
import type { Logger } from '../../log.js';
import type { PollJob } from './names.js';

/** Feeds per shard at most; a shard's job polls them `INNER_CONCURRENCY` at a time. */
export const POLL_BATCH = 64;
const INNER_CONCURRENCY = 8;
/** The feed list is read again at most this often per process (it is rebuilt on each read). */
const FEEDS_TTL_MS = 2_000;

/** FNV-1a: stable across processes and versions, so every worker agrees on a feed's shard. */
export function hashId(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** A power of two, so adding a few feeds rarely changes the plan (shards hold batch/2 to batch feeds). */
export function shardCount(feeds: number, batch = POLL_BATCH): number {
  const need = Math.max(1, Math.ceil(feeds / batch));
  return 2 ** Math.ceil(Math.log2(need));
}

export const shardSchedulerId = (shard: number, shards: number) => `poll-${shard}-of-${shards}`;

/**
 * Feeds of the same stories share shards: each story set (feeds without one follow the
 * default story) takes a run of shards in proportion to its feeds, and a feed's hash picks
 * one within its run. A round then finds several items of one story, queued as one analyze
 * job (see poll-round.ts), where hashing ids alone spread them over as many jobs as stories.
 * Every process reading the same list agrees; a feed added or removed moves few others.
 */
export function storyShards(list: FeedConfig[], shards: number): FeedConfig[][] {
  const out: FeedConfig[][] = Array.from({ length: shards }, () => []);
  const groups = new Map<string, FeedConfig[]>();
  for (const f of list) {
    const key = [...(f.stories ?? [])].sort().join('\n');
    const group = groups.get(key) ?? [];
    groups.set(key, group);
    group.push(f);
  }
  let before = 0;
  for (const key of [...groups.keys()].sort()) {
    const group = groups.get(key)!;
    const start = Math.floor((shards * before) / list.length);
    const span = Math.max(1, Math.floor((shards * (before + group.length)) / list.length) - start);
    for (const f of group) out[(start + (hashId(f.id) % span)) % shards]!.push(f);
    before += group.length;
  }
  return out;
}

/** The feeds of each shard, from a feed list read at most every FEEDS_TTL_MS. */
export function shardedFeeds(feeds: () => Promise<FeedConfig[]>, now = () => Date.now()) {
  let cached: { at: number; plans: Map<number, FeedConfig[][]>; byId: Map<string, FeedConfig> } | undefined;
  let loading: Promise<NonNullable<typeof cached>> | undefined;
  const load = async () => {
    if (cached && now() - cached.at < FEEDS_TTL_MS) return cached;
    loading ??= feeds().then((list) => {
      const byId = new Map(list.map((f) => [f.id, f]));
      cached = { at: now(), plans: new Map(), byId };
      return cached;
    }).finally(() => (loading = undefined));
    return loading;
  };
  return {
    async shard(shard: number, shards: number): Promise<FeedConfig[]> {
      const c = await load();
      // The feeds of every shard at once, per shard count: storyShards places each feed in its group.
      let plan = c.plans.get(shards);
      if (!plan) c.plans.set(shards, (plan = storyShards([...c.byId.values()], shards)));
      return plan[shard] ?? [];
    },
    async feed(id: string): Promise<FeedConfig | undefined> {
      return (await load()).byId.get(id);
    },
  };
}

/**
 * Polls a shard's feeds (`fetch`, `INNER_CONCURRENCY` at a time), then records them together
 * (`record`: the feeds it could not record, by id). A feed's own failure is its result, but a
 * feed whose results could not be recorded fails the job once the others are done (its retry
 * finds the rest not due). Every feed is judged due against the job's start, so one slow feed
 * in a batch does not push the others past the next job.
 */
export async function pollShard<P extends { feed: FeedConfig; status: string }>(
  feeds: FeedConfig[], fetch: (feed: FeedConfig, startedAt: Date) => Promise<P>, record: (polled: P[]) => Promise<Map<string, Error>>,
): Promise<string> {
  const startedAt = new Date();
  const polled: P[] = [];
  const errors: string[] = [];
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(INNER_CONCURRENCY, feeds.length) }, async () => {
    while (next < feeds.length) {
      const feed = feeds[next++]!;
      try {
        polled.push(await fetch(feed, startedAt));
      } catch (err) {
        errors.push(`${feed.id}: ${(err as Error).message}`);
      }
    }
  }));
  const failed = polled.length ? await record(polled) : new Map<string, Error>();
  for (const [id, err] of failed) errors.push(`${id}: ${err.message}`);
  if (errors.length) throw new Error(`${errors.length} of ${feeds.length} feeds could not record their poll (${errors.slice(0, 3).join('; ')})`);
  const counts: Record<string, number> = {};
  for (const { status } of polled) counts[status] = (counts[status] ?? 0) + 1;
  return `${feeds.length} feeds: ${JSON.stringify(counts)}`;
}

// Short and renewed by its holder: a killed worker's shard waits this long, not a whole round.
const LOCK_TTL_MS = 6_000;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;
const RENEW = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0`;

interface LockRedis {
  set(k: string, v: string, px: 'PX', ttl: number, nx: 'NX'): Promise<string | null>;
  eval(script: string, keys: number, ...args: string[]): Promise<unknown>;
}

/**
 * One run of a shard at a time, across processes: a round that outlasts the interval
 * (slow feeds, a busy machine) would otherwise meet the next, poll its feeds before
 * their state is saved and queue their new items twice. Held for a short time and
 * renewed while the round runs, so a worker killed mid-round frees its shard within seconds.
 */
export function shardLock(redis: LockRedis, prefix: string) {
  return async (shard: string): Promise<(() => Promise<void>) | undefined> => {
    const key = `${prefix}:storywatch:poll-lock:${shard}`;
    const token = `${process.pid}-${Math.random().toString(36).slice(2)}`;
    if ((await redis.set(key, token, 'PX', LOCK_TTL_MS, 'NX')) !== 'OK') return undefined;
    const timer = setInterval(() => void redis.eval(RENEW, 1, key, token, String(LOCK_TTL_MS)).catch(() => undefined), LOCK_TTL_MS / 3);
    timer.unref();
    return async () => {
      clearInterval(timer);
      await redis.eval(RELEASE, 1, key, token).catch(() => undefined);
    };
  };
}

const POLL_OPTS = { attempts: 3, backoff: { type: 'exponential' as const, delay: 1000 }, removeOnComplete: true, removeOnFail: 100 };

/**
 * One Job Scheduler per shard. Skipped while the plan (shard count, interval) is the one
 * recorded after the last full rewrite; schedulers of another plan, or per-feed ones left
 * by an older version, are removed.
 */
export async function upsertShardSchedulers(queue: Queue<PollJob>, opts: { redis: { get(k: string): Promise<string | null>; set(k: string, v: string): Promise<unknown>; zcard(k: string): Promise<number> }; planKey: string; feeds: number; intervalMs: number; log: Logger }): Promise<void> {
  const shards = shardCount(opts.feeds);
  const plan = `${shards}x${opts.intervalMs}`;
  // The plan alone is not enough: schedulers removed behind its back (a queue obliterated) are made again.
  const [recorded, present] = await Promise.all([opts.redis.get(opts.planKey), opts.redis.zcard(`${queue.opts.prefix ?? 'bull'}:${queue.name}:repeat`)]);
  if (recorded === plan && present === shards) return;
  const wanted = new Set<string>();
  for (let s = 0; s < shards; s++) {
    const id = shardSchedulerId(s, shards);
    wanted.add(id);
    await queue.upsertJobScheduler(id, { every: opts.intervalMs }, { name: 'poll', data: { shard: s, shards }, opts: POLL_OPTS });
  }
  for (const s of await queue.getJobSchedulers(0, -1)) {
    const key = s.key ?? s.id;
    if (key && !wanted.has(key)) await queue.removeJobScheduler(key);
  }
  await opts.redis.set(opts.planKey, plan);
  opts.log.info(`leader set ${shards} poll schedulers (about ${Math.ceil(opts.feeds / shards)} feeds each) every ${Math.round(opts.intervalMs / 1000)}s`);
}

export type PollJobOf = Job<PollJob>;
