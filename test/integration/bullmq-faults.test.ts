/**
 * Faults under the BullMQ runner: a worker killed with SIGKILL and the Redis server
 * restarted mid-run. A dedicated redis-server (own port, append-only file) is used so
 * the shared test Redis is not disturbed. Nothing may be lost or duplicated.
 */
import { afterEach, describe, expect, it } from 'vitest';
import path from 'node:path';
import { startDedicatedRedis } from '../helpers/redis-server.js';
import { startFixtureServer } from '../../src/demo/fixture-server.js';
import { generateStream } from '../../src/bench/generate.js';
import { countLines, startWorker, waitFor, type WorkerProc } from '../helpers/workers.js';

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

describe('BullMQ runner under faults', () => {
  it('a worker killed mid-job and Redis restarted mid-run: nothing lost, nothing duplicated', async () => {
    const redis = await startDedicatedRedis('faults');
    cleanups.push(() => redis.cleanup());
    const { url, probe, dir } = redis;

    const articles = generateStream(300, 11).map((a, i) => ({ ...a, source: `feed${i % 50}` }));
    const server = await startFixtureServer(articles, { initiallyVisible: 50 });
    cleanups.push(() => server.close());
    const sink = path.join(dir, 'alerts.jsonl');
    const env = {
      REDIS_URL: url, STORYWATCH_QUEUE_PREFIX: 'faults', STORYWATCH_POLL_INTERVAL: '1',
      STORYWATCH_FEEDS: Object.values(server.feedUrls).join(','), STORYWATCH_ALLOW_PRIVATE_HOSTS: '127.0.0.1', STORYWATCH_PER_HOST_INTERVAL_MS: '0', STORYWATCH_FOLLOWUP_MERGE_SECONDS: '0',
      STORYWATCH_TARGETS: `jsonl:${sink}`, STORYWATCH_LOG_LEVEL: 'debug', STORYWATCH_DATA_DIR: dir,
    };
    const workers: WorkerProc[] = [startWorker(env), startWorker(env)];
    cleanups.push(async () => {
      for (const w of workers) w.proc.kill('SIGKILL');
    });
    const seen = () => probe.zcard('faults:minerals-deal:seen');
    await waitFor('the backlog to be learned', async () => (await seen()) === 50, 60_000);

    server.reveal(100);
    await waitFor('some of the new articles to be analysed', async () => (await seen()) >= 80, 60_000);
    workers[0]!.proc.kill('SIGKILL');
    await redis.restart();
    workers.push(startWorker(env));

    server.reveal(150);
    await waitFor('all 300 articles to be analysed', async () => (await seen()) === 300, 120_000);
    const alerts = await probe.hlen('faults:minerals-deal:alerts');
    await waitFor('every alert to be delivered', async () => (await probe.scard('faults:minerals-deal:pending')) === 0, 120_000);

    const logIds = (await probe.zrange('faults:minerals-deal:log', 0, -1)).map((l) => JSON.parse(l).article.id as string);
    expect(logIds).toHaveLength(300);
    expect(new Set(logIds).size).toBe(300);
    const delivered = countLines(sink).flatMap((l) => (JSON.parse(l).alert.mergedIds ?? [JSON.parse(l).alert.id]) as string[]);
    expect(alerts).toBeGreaterThan(0);
    expect(delivered).toHaveLength(alerts);
    expect(new Set(delivered).size).toBe(alerts);
    console.log(`figures: alerts=${alerts} delivered=${delivered.length} log=${logIds.length}`);
  }, 300_000);
});
