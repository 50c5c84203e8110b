/**
 * Many stories on real Redis with real worker processes: 3 workers, 3 stories (test-only
 * story folders under test/fixtures/stories), each feed belonging to one story; one worker
 * is killed with SIGKILL in the middle of the run. Every story's articles are decided
 * once, and every story's alerts are delivered, none twice, each naming its story.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { startFixtureServer } from '../../src/demo/fixture-server.js';
import { generateStream } from '../../src/bench/generate.js';
import { TEST_REDIS_URL } from '../helpers/redis.js';
import { ROOT } from '../helpers/paths.js';
import { countLines, startWorker, waitFor, workerSandbox, type WorkerProc } from '../helpers/workers.js';

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

const STORIES = ['deal-a', 'deal-b', 'deal-c'];

describe('BullMQ runner: several stories in one deployment', () => {
  it('3 workers, 3 stories, one worker killed -9 mid-run: every story alerts completely, nothing twice', async () => {
    const feeds = 30;
    const articles = generateStream(360, 17).map((a, i) => ({ ...a, source: `feed${i % feeds}` }));
    const server = await startFixtureServer(articles, { initiallyVisible: feeds });
    cleanups.push(() => server.close());
    const { prefix, redis, dir, sink } = workerSandbox(cleanups, 'stories');
    const config = path.join(dir, 'config.yaml');
    // Feed i belongs to story i mod 3.
    writeFileSync(config, JSON.stringify({
      story: STORIES[0], stories: 'all', targets: [`jsonl:${sink}`],
      feeds: Object.values(server.feedUrls).map((url, i) => ({ id: `feed-${i}`, url, stories: [STORIES[i % 3]] })),
    }));
    const env = {
      REDIS_URL: TEST_REDIS_URL, STORYWATCH_QUEUE_PREFIX: prefix, STORYWATCH_POLL_INTERVAL: '1', STORYWATCH_CONFIG: config,
      STORYWATCH_STORIES_DIR: path.join(ROOT, 'test/fixtures/stories'), STORYWATCH_ALLOW_PRIVATE_HOSTS: '127.0.0.1',
      STORYWATCH_PER_HOST_INTERVAL_MS: '0', STORYWATCH_FOLLOWUP_MERGE_SECONDS: '0', STORYWATCH_LOG_LEVEL: 'debug', STORYWATCH_DATA_DIR: dir,
    };
    const workers: WorkerProc[] = [startWorker(env), startWorker(env), startWorker(env)];
    cleanups.push(async () => {
      for (const w of workers) w.proc.kill('SIGTERM');
      await Promise.all(workers.map((w) => w.exited));
    });
    const k = (story: string, key: string) => `${prefix}:${story}:${key}`;
    const seen = async () => Promise.all(STORIES.map((s) => redis.zcard(k(s, 'seen'))));
    await waitFor('every story to learn its feeds\' backlog', async () => (await seen()).every((n) => n === feeds / 3), 60_000);

    server.reveal(200);
    await waitFor('the run to be under way', async () => (await seen()).reduce((a, b) => a + b, 0) >= 100, 60_000);
    workers[1]!.proc.kill('SIGKILL');
    expect(await workers[1]!.exited).toBe(null);
    server.reveal(articles.length);
    await waitFor('every story to decide all its articles', async () => (await seen()).every((n) => n === articles.length / 3), 180_000);
    await waitFor('every alert to be delivered', async () => (await Promise.all(STORIES.map((s) => redis.scard(k(s, 'pending'))))).every((n) => n === 0), 120_000);

    const delivered = countLines(sink).map((l) => JSON.parse(l).alert as { id: string; storyId: string; mergedIds?: string[] });
    const figures: string[] = [];
    for (const story of STORIES) {
      const log = (await redis.zrange(k(story, 'log'), 0, -1)).map((l) => JSON.parse(l).article.id as string);
      expect(log).toHaveLength(articles.length / 3);
      expect(new Set(log).size).toBe(log.length);
      const alerts = await redis.hlen(k(story, 'alerts'));
      const mine = delivered.filter((a) => a.storyId === story).flatMap((a) => a.mergedIds ?? [a.id]);
      expect(alerts).toBeGreaterThan(0);
      expect(mine).toHaveLength(alerts);
      expect(new Set(mine).size).toBe(alerts);
      figures.push(`${story}: ${log.length} decided, ${alerts} alerts, ${mine.length} delivered`);
    }
    console.log(`figures: ${figures.join('; ')}`);
  }, 420_000);
});
