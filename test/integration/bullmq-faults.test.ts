/**
 * Faults under the BullMQ runner: a worker killed with SIGKILL and the Redis server
 * restarted mid-run. A dedicated redis-server (own port, append-only file) is used so
 * the shared test Redis is not disturbed. Nothing may be lost or duplicated.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from '../helpers/ports.js';
import { startRedisServer, stopRedisServer } from '../helpers/redis-server.js';
import { Redis } from 'ioredis';
import { startFixtureServer } from '../../src/demo/fixture-server.js';
import { generateStream } from '../../src/bench/generate.js';
import { countLines, startWorker, waitFor, type WorkerProc } from '../helpers/workers.js';

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

const step = (m: string) => process.env.SW_DEBUG && console.log(`[faults] ${new Date().toISOString()} ${m}`);


describe('BullMQ runner under faults', () => {
  it('a worker killed mid-job and Redis restarted mid-run: nothing lost, nothing duplicated', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sw-faults-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const port = await freePort();
    let redisProc = startRedisServer(port, dir);
    cleanups.push(() => redisProc.kill('SIGKILL'));
    const url = `redis://127.0.0.1:${port}`;
    const probe = new Redis(url, { retryStrategy: () => 200, maxRetriesPerRequest: null });
    probe.on('error', () => {});
    cleanups.push(() => probe.disconnect());
    await waitFor('the dedicated redis-server', async () => (await probe.ping().catch(() => '')) === 'PONG', 10_000);

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
      if (process.env.SW_DEBUG) for (const w of workers) console.log(w.output().split('\n').filter((l) => !/DEBUG/.test(l)).slice(-40).join('\n'));
      for (const w of workers) w.proc.kill('SIGKILL');
    });
    const seen = () => probe.scard('faults:minerals-deal:seen');
    step("await waitFor('the backlog to be learned");
    await waitFor('the backlog to be learned', async () => (await seen()) === 50, 60_000);

    step('server.reveal(100);');
    server.reveal(100);
    await waitFor('some of the new articles to be analysed', async () => (await seen()) >= 80, 60_000);
    step("workers[0]!.proc.kill('SIGKILL');");
    workers[0]!.proc.kill('SIGKILL');
    await stopRedisServer(redisProc);
    redisProc = startRedisServer(port, dir);
    await waitFor('redis to come back', async () => (await probe.ping().catch(() => '')) === 'PONG', 10_000);
    step('workers.push(startWorker(env));');
    workers.push(startWorker(env));

    step('server.reveal(150);');
    server.reveal(150);
    await waitFor('all 300 articles to be analysed', async () => (await seen()) === 300, 120_000);
    step('const alerts = await probe.hlen');
    const alerts = await probe.hlen('faults:minerals-deal:alerts');
    await waitFor('every alert to be delivered', async () => (await probe.scard('faults:minerals-deal:pending')) === 0, 120_000);

    const logIds = (await probe.lrange('faults:minerals-deal:log', 0, -1)).map((l) => JSON.parse(l).article.id as string);
    expect(logIds).toHaveLength(300);
    expect(new Set(logIds).size).toBe(300);
    const delivered = countLines(sink).flatMap((l) => (JSON.parse(l).alert.mergedIds ?? [JSON.parse(l).alert.id]) as string[]);
    expect(alerts).toBeGreaterThan(0);
    expect(delivered).toHaveLength(alerts);
    expect(new Set(delivered).size).toBe(alerts);
    console.log(`figures: alerts=${alerts} delivered=${delivered.length} log=${logIds.length}`);
  }, 300_000);
});
