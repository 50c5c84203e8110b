/**
 * The BullMQ runner across real processes: three `storywatch run` workers share one
 * real Redis and poll a local fixture server of 200 feeds. Every new item must be
 * analysed exactly once and every alert delivered exactly once.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startFixtureServer } from '../../src/demo/fixture-server.js';
import { generateStream } from '../../src/bench/generate.js';
import { TEST_REDIS_URL } from '../helpers/redis.js';
import { shardCount } from '../../src/runners/bullmq/poll-shards.js';
import { freePort } from '../helpers/ports.js';
import { countLines, startWorker, waitFor, workerSandbox, type WorkerProc } from '../helpers/workers.js';

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

function feedsOf(n: number, articles: number) {
  return generateStream(articles, 7).map((a, i) => ({ ...a, source: `feed${String(i % n).padStart(3, '0')}` }));
}


describe('BullMQ runner: several worker processes on one Redis', () => {
  it('3 workers, 200 feeds: every new item analysed once, every alert delivered once', async () => {
    const articles = feedsOf(200, 600);
    const server = await startFixtureServer(articles, { initiallyVisible: 200 });
    cleanups.push(() => server.close());
    const { prefix, redis, dir, sink } = workerSandbox(cleanups, 'scale');
    const env = {
      REDIS_URL: TEST_REDIS_URL, STORYWATCH_QUEUE_PREFIX: prefix, STORYWATCH_POLL_INTERVAL: '1',
      STORYWATCH_FEEDS: Object.values(server.feedUrls).join(','), STORYWATCH_ALLOW_PRIVATE_HOSTS: '127.0.0.1', STORYWATCH_PER_HOST_INTERVAL_MS: '0', STORYWATCH_FOLLOWUP_MERGE_SECONDS: '0',
      STORYWATCH_TARGETS: `jsonl:${sink}`, STORYWATCH_LOG_LEVEL: 'debug', STORYWATCH_DATA_DIR: dir,
    };
    const opsPort = await freePort();
    const workers: WorkerProc[] = [startWorker({ ...env, STORYWATCH_HTTP_PORT: String(opsPort), STORYWATCH_HTTP_HOST: '127.0.0.1' }), startWorker(env), startWorker(env)];
    cleanups.push(async () => {
      for (const w of workers) w.proc.kill('SIGTERM');
      await Promise.all(workers.map((w) => w.exited));
    });
    const seenKey = `${prefix}:minerals-deal:seen`;
    await waitFor('the backlog of 200 feeds to be learned', async () => (await redis.zcard(seenKey)) === 200, 60_000);
    // Readiness includes Redis; metrics include queue depth.
    expect(await (await fetch(`http://127.0.0.1:${opsPort}/readyz`)).json()).toEqual({ status: 'ready', checks: { redis: 'ok', 'poll-cycle': 'ok' } });
    expect(await (await fetch(`http://127.0.0.1:${opsPort}/metrics`)).text()).toMatch(/storywatch_queue_depth\{queue="poll"\} \d+/);
    // Decisions are ordered per story, and the process holding a story's step runs ahead on
    // the heads already prepared: one worker may well decide them all. To show the work moves
    // between processes, the worker that analysed the backlog leaves (gracefully) before the rest comes.
    const analysedBy = (w: WorkerProc) => [...w.output().matchAll(/analysed article \S+: (?!already)/g)].length;
    // Their log lines may trail the Redis count a little.
    await waitFor('the backlog analyses in the logs', () => workers.reduce((n, w) => n + analysedBy(w), 0) === 200, 10_000);
    const leaving = workers.find((w) => analysedBy(w) > 0)!;
    leaving.proc.kill('SIGTERM');
    expect(await leaving.exited).toBe(0);
    server.reveal(400);
    await waitFor('all 600 articles to be analysed', async () => (await redis.zcard(seenKey)) === 600, 90_000).catch(async (err: Error) => {
      // What each worker was doing when it stalled: the lines a reader of a CI log needs.
      const tails = workers.map((w, i) => `--- worker ${i} (exit ${w.proc.exitCode}):\n${w.output().split('\n').filter((l) => !/"level":"debug"/.test(l) || /turn|help|decided/.test(l)).slice(-25).join('\n')}`);
      throw new Error(`${err.message}; ${await redis.zcard(seenKey)} analysed\n${tails.join('\n')}`);
    });
    const alertCount = await redis.hlen(`${prefix}:minerals-deal:alerts`);
    await waitFor('every alert to be delivered', async () => (await redis.scard(`${prefix}:minerals-deal:pending`)) === 0, 60_000);

    const analysed = workers.flatMap((w) => [...w.output().matchAll(/analysed article (\S+): (?!already)/g)].map((m) => m[1]!));
    expect(analysed).toHaveLength(600);
    expect(new Set(analysed).size).toBe(600);
    const logIds = (await redis.zrange(`${prefix}:minerals-deal:log`, 0, -1)).map((l) => JSON.parse(l).article.id as string);
    expect(new Set(logIds).size).toBe(600);
    // The first poll of each feed is backlog: alerts come only from the 400 revealed later.
    expect(alertCount).toBeGreaterThan(0);
    // A merged burst of follow-ups is one post standing for several alert ids.
    const delivered = countLines(sink).flatMap((l) => (JSON.parse(l).alert.mergedIds ?? [JSON.parse(l).alert.id]) as string[]);
    expect(delivered).toHaveLength(alertCount);
    expect(new Set(delivered).size).toBe(alertCount);
    // The work really was shared: more than one process analysed articles.
    console.log(`figures: alerts=${alertCount} delivered=${delivered.length} analysed-per-worker=${workers.map((w) => [...w.output().matchAll(/analysed article \S+: (?!already)/g)].length).join("/")} polls=${JSON.stringify(server.hits)}`);
    const busy = workers.filter((w) => analysedBy(w) > 0);
    expect(busy.length).toBeGreaterThan(1);
    expect(busy).toContain(leaving);
    // Feeds are polled in shards, one Job Scheduler per shard (not per feed).
    const schedulers = await redis.zcard(`${prefix}:poll:repeat`);
    expect(schedulers).toBe(shardCount(200));

    // Graceful shutdown: SIGTERM stops intake, finishes jobs, closes queues and Redis, exits 0.
    for (const w of workers) if (w !== leaving) w.proc.kill('SIGTERM');
    expect(await Promise.all(workers.map((w) => w.exited))).toEqual([0, 0, 0]);
    for (const w of workers) expect(w.output()).toMatch(/SIGTERM received[\s\S]*stopped cleanly/);
  }, 240_000);
});
