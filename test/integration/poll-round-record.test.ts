/**
 * How a poll round records its feeds (src/runners/bullmq/poll-round.ts), on real Redis with a
 * real BullMQ queue and turns: a story's full job goes as soon as it is full, the rest when the
 * round closes, and only then are the feeds' states saved; a round whose jobs cannot be queued
 * saves no state of the feeds that had items, so the next round fetches them again.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { PassThrough } from 'node:stream';
import { Queue } from 'bullmq';
import { createEngine } from '../../src/analysis/engine.js';
import { generateStream } from '../../src/bench/generate.js';
import { loadStory } from '../../src/config/story.js';
import { createLogger } from '../../src/log.js';
import { createLanes } from '../../src/pipeline/stories.js';
import { analyzeItems, ANALYZE_BATCH, type AnalyzeJob } from '../../src/runners/bullmq/names.js';
import { openRound, type Polled } from '../../src/runners/bullmq/poll-round.js';
import type { ProcessorDeps } from '../../src/runners/bullmq/processors.js';
import { createTurns } from '../../src/runners/bullmq/turns.js';
import { jobState } from '../../src/runners/bullmq/analyze-ordered.js';
import { createRedisStore } from '../../src/store/redis/redis-store.js';
import type { Article } from '../../src/domain/article.js';
import { testRedis, TEST_REDIS_URL } from '../helpers/redis.js';

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

const STORY = 'minerals-deal';

async function setup(failAdds = false) {
  const { redis, prefix: keyPrefix, cleanup } = await testRedis();
  cleanups.push(cleanup);
  const prefix = keyPrefix.slice(0, -1);
  const { story, corpus } = loadStory(STORY);
  const store = createRedisStore({ redis, prefix: `${prefix}:${STORY}:` });
  const engine = createEngine(story, corpus);
  const lanes = createLanes([{ id: STORY, engine, corpus, store, analyze: { engine, store, targets: ['console'], now: () => new Date() } }]);
  const connection = { host: new URL(TEST_REDIS_URL).hostname, port: Number(new URL(TEST_REDIS_URL).port || 6379) };
  const queue = new Queue<AnalyzeJob>('analyze', { connection, prefix });
  cleanups.push(() => queue.close());
  const turns = createTurns({ redis, prefix, jobState: jobState(queue) });
  cleanups.push(() => turns.close());
  // Redis refusing the round's jobs (as under maxmemory): the queue's own addBulk, failing.
  const analyze = failAdds ? Object.assign(Object.create(queue) as Queue<AnalyzeJob>, { addBulk: async () => { throw new Error('OOM command not allowed (test)'); } }) : queue;
  const deps = { lanes, store, queues: { analyze }, turns, log: createLogger({ out: new PassThrough() }), analyze: { targets: [] } } as unknown as ProcessorDeps;
  const polled = (feedId: string, articles: Article[]): Polled => ({
    feed: { id: feedId, url: `https://example.test/${feedId}.xml` }, status: 'new', lanes: lanes.all, only: lanes.primary, news: new Set(),
    outcome: { feedId, status: 'new', articles, backlog: false, nextState: { feedId, url: `https://example.test/${feedId}.xml`, primed: true, consecutiveFailures: 0, etag: `"${feedId}"` } },
  });
  const jobs = async () => (await queue.getJobs(['wait', 'prioritized', 'delayed'])).map((j) => analyzeItems(j.data).map((it) => `${it.feedId ?? j.data.feedId}:${it.article.id}`));
  return { deps, store, polled, jobs };
}

const stream = (n: number) => generateStream(n, 13);

describe('a poll round records its feeds', () => {
  it('queues a story\'s full job at once, the rest at the close, and saves the feeds\' states only then', async () => {
    const { deps, store, polled, jobs } = await setup();
    const articles = stream(ANALYZE_BATCH + 8);
    const round = openRound(deps);
    await round.add(polled('feed-a', articles.slice(0, ANALYZE_BATCH + 5)));
    expect((await jobs()).map((j) => j.length)).toEqual([ANALYZE_BATCH]);
    await round.add(polled('feed-b', articles.slice(ANALYZE_BATCH + 5)));
    expect(await store.getFeedState('feed-a')).toBeUndefined();
    expect(await round.close()).toEqual(new Map());
    const queued = await jobs();
    expect(queued.map((j) => j.length).sort((x, y) => x - y)).toEqual([8, ANALYZE_BATCH]);
    // The closing job holds both feeds' items, each under its own feed.
    const last = queued.find((j) => j.length === 8)!;
    expect(new Set(last.map((x) => x.split(':')[0]))).toEqual(new Set(['feed-a', 'feed-b']));
    expect((await store.getFeedState('feed-a'))?.etag).toBe('"feed-a"');
    expect((await store.getFeedState('feed-b'))?.etag).toBe('"feed-b"');
  });

  it('saves no state of a feed whose items could not be queued, and says which feeds and why', async () => {
    const { deps, store, polled } = await setup(true);
    const round = openRound(deps);
    await round.add(polled('feed-a', stream(3)));
    await round.add(polled('feed-quiet', []));
    const failed = await round.close();
    expect([...failed.keys()]).toEqual(['feed-a']);
    expect(failed.get('feed-a')?.message).toMatch(/OOM command not allowed/);
    expect(await store.getFeedState('feed-a')).toBeUndefined();
    // A feed with nothing new is recorded as usual.
    expect((await store.getFeedState('feed-quiet'))?.etag).toBe('"feed-quiet"');
  });
});
