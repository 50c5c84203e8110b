/**
 * A poll round of the BullMQ runner queues each story's new items from all its feeds as one
 * analyze job (src/runners/bullmq/poll-round.ts), and each article is still recorded under
 * the feed it came from (channels that hide a feed rely on it). Real worker process, real Redis.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startFixtureServer } from '../../src/demo/fixture-server.js';
import { generateStream } from '../../src/bench/generate.js';
import { TEST_REDIS_URL } from '../helpers/redis.js';
import { startWorker, waitFor, workerSandbox } from '../helpers/workers.js';

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

describe('BullMQ poll round', () => {
  it('six feeds with a new item each: one analyze job (two if the round straddles the change), each article under its own feed', async () => {
    const FEEDS = 6;
    const articles = generateStream(2 * FEEDS, 11).map((a, i) => ({ ...a, source: `feed${i % FEEDS}` }));
    const server = await startFixtureServer(articles, { initiallyVisible: FEEDS });
    cleanups.push(() => server.close());
    const { prefix, redis, dir, sink } = workerSandbox(cleanups, 'round');
    const w = startWorker({
      REDIS_URL: TEST_REDIS_URL, STORYWATCH_QUEUE_PREFIX: prefix, STORYWATCH_POLL_INTERVAL: '1',
      STORYWATCH_FEEDS: Object.values(server.feedUrls).join(','), STORYWATCH_ALLOW_PRIVATE_HOSTS: '127.0.0.1', STORYWATCH_PER_HOST_INTERVAL_MS: '0',
      STORYWATCH_TARGETS: `jsonl:${sink}`, STORYWATCH_LOG_LEVEL: 'debug', STORYWATCH_DATA_DIR: dir,
    });
    cleanups.push(async () => {
      w.proc.kill('SIGTERM');
      await w.exited;
    });
    const seenKey = `${prefix}:minerals-deal:seen`;
    await waitFor('the backlog learned', async () => (await redis.zcard(seenKey)) === FEEDS, 60_000);
    const since = Date.now();
    server.reveal(FEEDS);
    await waitFor('the new items analysed', async () => (await redis.zcard(seenKey)) === 2 * FEEDS, 60_000);
    const added = (await redis.xrange(`${prefix}:analyze:events`, String(since), '+')).filter(([, f]) => f[0] === 'event' && f[1] === 'added');
    expect(added.length).toBeGreaterThanOrEqual(1);
    expect(added.length).toBeLessThanOrEqual(2);
    // Each article is recorded under its own feed, whichever feed the job is named by: a
    // feed's two articles (its backlog item and its new one) under one feed id, six ids in all.
    const sourceOf = new Map(articles.map((a) => [a.title, a.source]));
    const entries = (await redis.zrange(`${prefix}:minerals-deal:log`, 0, -1)).map((l) => JSON.parse(l) as { feedId: string; article: { title: string } });
    expect(entries).toHaveLength(2 * FEEDS);
    const sourcesByFeed = new Map<string, Set<string | undefined>>();
    for (const e of entries) sourcesByFeed.set(e.feedId, (sourcesByFeed.get(e.feedId) ?? new Set()).add(sourceOf.get(e.article.title)));
    expect(sourcesByFeed.size).toBe(FEEDS);
    expect([...sourcesByFeed.values()].map((s) => s.size)).toEqual(Array(FEEDS).fill(1));
    expect(new Set([...sourcesByFeed.values()].map((s) => [...s][0])).size).toBe(FEEDS);
  }, 120_000);
});
