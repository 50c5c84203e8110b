/**
 * Batched polling (src/runners/bullmq/poll-shards.ts): every feed in exactly one shard,
 * feeds of one story together, a stable plan as feeds come and go, a failed record failing the round only after the
 * others are polled, and one round of a shard at a time across processes (real Redis).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Queue } from 'bullmq';
import { hashId, pollShard, shardCount, shardedFeeds, shardLock, storyShards, upsertShardSchedulers } from '../../src/runners/bullmq/poll-shards.js';
import { redisOptions } from '../../src/runners/bullmq/connection.js';
import { createLogger } from '../../src/log.js';
import { PassThrough } from 'node:stream';
import { TEST_REDIS_URL, testRedis } from '../helpers/redis.js';

const feeds = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `feed-${i}`, url: `https://x.example/${i}.xml` }));
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

describe('poll shards', () => {
  it('puts every feed in exactly one shard, about batch/2 to batch feeds each, the same in every process', async () => {
    expect([1, 64, 65, 128, 129, 1000, 100_000].map((n) => shardCount(n))).toEqual([1, 1, 2, 2, 4, 16, 2048]);
    expect(hashId('feed-1')).toBe(hashId('feed-1'));
    const list = feeds(1000);
    const sharded = shardedFeeds(async () => list);
    const shards = shardCount(list.length);
    const seen = new Map<string, number>();
    for (let s = 0; s < shards; s++) for (const f of await sharded.shard(s, shards)) seen.set(f.id, (seen.get(f.id) ?? 0) + 1);
    expect(seen.size).toBe(1000);
    expect([...seen.values()].every((v) => v === 1)).toBe(true);
    const sizes = await Promise.all(Array.from({ length: shards }, async (_, s) => (await sharded.shard(s, shards)).length));
    expect(Math.max(...sizes)).toBeLessThan(64 * 1.5);
    expect(await sharded.feed('feed-7')).toEqual(list[7]);
    expect(await sharded.feed('gone')).toBeUndefined();
  });

  it('keeps feeds of the same stories in the same shards, and moves few when a feed comes or goes', () => {
    const ofStories = (n: number, k: number) => feeds(n).map((f, i) => ({ ...f, stories: [`story-${i % k}`] }));
    const where = (plan: Array<Array<{ id: string }>>) => new Map(plan.flatMap((fs, s) => fs.map((f) => [f.id, s] as const)));
    // 16 stories over 4 shards: about four stories a shard, where hashing ids put all 16 in each.
    const small = storyShards(ofStories(200, 16), 4);
    expect(small.flat()).toHaveLength(200);
    expect(Math.max(...small.map((fs) => new Set(fs.map((f) => f.stories![0])).size))).toBeLessThanOrEqual(5);
    const list = ofStories(100_000, 100);
    const plan = storyShards(list, shardCount(list.length));
    const before = where(plan);
    expect(before.size).toBe(100_000);
    expect(Math.max(...plan.map((fs) => new Set(fs.map((f) => f.stories![0])).size))).toBe(1);
    expect(Math.max(...plan.map((fs) => fs.length))).toBeLessThan(64 * 1.5);
    const less = list.filter((f) => f.id !== 'feed-7');
    const after = where(storyShards(less, shardCount(less.length)));
    const moved = less.filter((f) => after.get(f.id) !== before.get(f.id)).length;
    expect(moved).toBeLessThan(list.length * 0.05);
  });

  it('reads the feed list at most every two seconds (it is rebuilt on each read)', async () => {
    let reads = 0;
    let now = 0;
    const sharded = shardedFeeds(async () => (reads++, feeds(10)), () => now);
    await Promise.all([sharded.shard(0, 1), sharded.shard(0, 1), sharded.feed('feed-1')]);
    expect(reads).toBe(1);
    now = 2500;
    await sharded.shard(0, 1);
    expect(reads).toBe(2);
  });

  it('polls every feed of a round even when one cannot record, records the rest together, then fails the round for a retry', async () => {
    const polled: string[] = [];
    const recorded: string[][] = [];
    const round = pollShard(feeds(20), async (f) => {
      polled.push(f.id);
      if (f.id === 'feed-3') throw new Error('Redis refused the read');
      return { feed: f, status: 'not-modified' };
    }, async (done) => {
      recorded.push(done.map((p) => p.feed.id));
      return new Map([['feed-5', new Error('Redis refused the write')]]);
    });
    await expect(round).rejects.toThrow(/2 of 20 feeds could not record their poll \(feed-3: Redis refused the read; feed-5: Redis refused the write\)/);
    expect(polled).toHaveLength(20);
    // One record of the round, after every fetch: the feed that failed to fetch is not in it.
    expect(recorded).toHaveLength(1);
    expect(recorded[0]!.sort()).toEqual(feeds(20).map((f) => f.id).filter((id) => id !== 'feed-3').sort());
    const ok = await pollShard(feeds(3), async (f) => ({ feed: f, status: 'new' }), async () => new Map());
    expect(ok).toBe('3 feeds: {"new":3}');
  });

  it('lets one round of a shard run at a time, and frees the shard when the round ends', async () => {
    const { redis, prefix, cleanup } = await testRedis();
    cleanups.push(cleanup);
    const lockA = shardLock(redis, prefix);
    const lockB = shardLock(redis, prefix);
    const release = await lockA('3-of-8');
    expect(release).toBeTypeOf('function');
    expect(await lockB('3-of-8')).toBeUndefined();
    const other = await lockB('4-of-8');
    expect(other).toBeTypeOf('function');
    await release!();
    await other!();
    const again = await lockB('3-of-8');
    expect(again).toBeTypeOf('function');
    await again!();
  });

  it('keeps one scheduler per shard, rewrites them only when the plan changes, and makes lost ones again', async () => {
    const { redis, prefix, cleanup } = await testRedis();
    cleanups.push(cleanup);
    const queue = new Queue('poll', { connection: redisOptions(TEST_REDIS_URL), prefix: prefix.slice(0, -1) });
    cleanups.push(() => queue.close());
    const opts = { redis, planKey: `${prefix}plan`, intervalMs: 60_000, log: createLogger({ out: new PassThrough() }) };
    const ids = async () => (await queue.getJobSchedulers(0, -1)).map((s) => s.key ?? s.id).sort();
    // An older version's scheduler per feed is replaced.
    await queue.upsertJobScheduler('feed-old', { every: 60_000 }, { name: 'poll', data: { feedId: 'old' } });
    await upsertShardSchedulers(queue, { ...opts, feeds: 200 });
    expect(await ids()).toEqual(['poll-0-of-4', 'poll-1-of-4', 'poll-2-of-4', 'poll-3-of-4']);
    const plan = await redis.get(`${prefix}plan`);
    await upsertShardSchedulers(queue, { ...opts, feeds: 201 });
    expect(await redis.get(`${prefix}plan`)).toBe(plan);
    await queue.removeJobScheduler('poll-2-of-4');
    await upsertShardSchedulers(queue, { ...opts, feeds: 200 });
    expect(await ids()).toHaveLength(4);
    await upsertShardSchedulers(queue, { ...opts, feeds: 20 });
    expect(await ids()).toEqual(['poll-0-of-1']);
  });
});
