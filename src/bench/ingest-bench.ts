/**
 * Ingestion benchmarks (part of `npm run bench`):
 *  1. feeds polled per second by storywatch (pollFeed: conditional GET, 304 handling,
 *     parse of changed feeds, state update) against a 10k-feed server in its own
 *     process, beside that server's raw ceiling measured with a plain keep-alive HTTP
 *     loop sending the same conditional requests, in the same run;
 *  2. end-to-end throughput (poll -> analyze -> deliver) with 1, 2 and 4 BullMQ
 *     worker processes on one Redis (REDIS_URL, default redis://127.0.0.1:6379).
 */
import http from 'node:http';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PassThrough } from 'node:stream';
import { Redis } from 'ioredis';
import { DEFAULT_FETCH_OPTIONS, fetchFeed } from '../feeds/fetcher.js';
import { parseFeed } from '../feeds/parser.js';
import { pollFeed, type PollDeps } from '../pipeline/poll-feed.js';
import { createSqliteStore } from '../store/sqlite/sqlite-store.js';
import { createLogger } from '../log.js';
import { startFixtureServer } from '../demo/fixture-server.js';
import { generateStream } from './generate.js';
import { etagFor } from './feed-mix.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const CONCURRENCY = 64;

async function pool<T>(items: T[], fn: (x: T) => Promise<void>): Promise<number> {
  const t0 = performance.now();
  let next = 0;
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (next < items.length) await fn(items[next++]!);
  }));
  return performance.now() - t0;
}

async function startFeedServer(n: number): Promise<{ port: number; stop: () => void }> {
  const proc = spawn(process.execPath, [path.join(here, 'feed-server.js'), String(n)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve) => proc.stdout!.once('data', (d) => resolve(Number(String(d).trim()))));
  return { port, stop: () => proc.kill() };
}

function rawGet(agent: http.Agent, port: number, i: number, etag: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: `/feeds/f${i}.xml`, agent, headers: { 'if-none-match': etag } }, (res) => {
      res.resume();
      res.on('end', resolve);
    });
    req.on('error', reject);
  });
}

export async function pollBench(n = 10_000): Promise<void> {
  const server = await startFeedServer(n);
  const dir = mkdtempSync(path.join(tmpdir(), 'sw-pollbench-'));
  try {
    const deps: PollDeps = {
      store: createSqliteStore({ dir, warn: () => {} }), log: createLogger({ out: new PassThrough() }),
      now: () => new Date(), intervalMs: 0, parse: (xml, url, identity) => parseFeed(xml, url, undefined, identity),
      fetch: (url, prev) => fetchFeed(url, prev, { ...DEFAULT_FETCH_OPTIONS, policy: { allow: ['127.0.0.1'] } }),
    };
    const ids = Array.from({ length: n }, (_, i) => i);
    const feed = (i: number) => ({ id: `f${i}`, url: `http://127.0.0.1:${server.port}/feeds/f${i}.xml` });
    process.stderr.write(`priming ${n} feeds...\n`);
    await pool(ids, async (i) => {
      const o = await pollFeed(deps, feed(i));
      if (o.nextState) await deps.store.putFeedState(o.nextState);
    });
    await fetch(`http://127.0.0.1:${server.port}/round`, { method: 'POST' });
    const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
    const rawMs = await pool(ids, (i) => rawGet(agent, server.port, i, etagFor(i, 0)));
    agent.destroy();
    const statuses: Record<string, number> = {};
    const swMs = await pool(ids, async (i) => {
      const o = await pollFeed(deps, feed(i));
      statuses[o.status] = (statuses[o.status] ?? 0) + 1;
      if (o.nextState) await deps.store.putFeedState(o.nextState);
    });
    await deps.store.close();
    const raw = (n / rawMs) * 1000;
    const sw = (n / swMs) * 1000;
    console.log(`\npolling ${n} feeds, concurrency ${CONCURRENCY} (round mix: ${JSON.stringify(statuses)})`);
    console.log(`  raw HTTP loop (same conditional requests): ${raw.toFixed(0)} requests/s`);
    console.log(`  storywatch pollFeed:                       ${sw.toFixed(0)} feeds/s = ${(sw / raw).toFixed(2)} × the raw ceiling`);
  } finally {
    server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function waitUntil(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('benchmark run timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function workerRun(workers: number, redisUrl: string): Promise<number> {
  const feeds = 200;
  const total = 4000;
  const articles = generateStream(total, 5).map((a, i) => ({ ...a, source: `feed${i % feeds}` }));
  const server = await startFixtureServer(articles, { initiallyVisible: feeds });
  const prefix = `sw-bench-${process.pid}-${workers}`;
  const redis = new Redis(redisUrl);
  const dir = mkdtempSync(path.join(tmpdir(), 'sw-wbench-'));
  const env = {
    ...process.env, REDIS_URL: redisUrl, STORYWATCH_QUEUE_PREFIX: prefix, STORYWATCH_POLL_INTERVAL: '1',
    STORYWATCH_FEEDS: Object.values(server.feedUrls).join(','), STORYWATCH_ALLOW_PRIVATE_HOSTS: '127.0.0.1',
    STORYWATCH_PER_HOST_INTERVAL_MS: '0', STORYWATCH_TARGETS: `jsonl:${path.join(dir, 'alerts.jsonl')}`,
    STORYWATCH_LOG_LEVEL: 'warn', STORYWATCH_DATA_DIR: dir,
  };
  const procs = Array.from({ length: workers }, () => spawn(process.execPath, [path.join(here, '../../bin/storywatch.js'), 'run'], { env, stdio: 'ignore' }));
  const seen = `${prefix}:minerals-deal:seen`;
  try {
    await waitUntil(async () => (await redis.zcard(seen)) >= feeds, 60_000);
    server.reveal(total);
    const t0 = performance.now();
    await waitUntil(async () => (await redis.zcard(seen)) >= total && (await redis.scard(`${prefix}:minerals-deal:pending`)) === 0, 300_000);
    return ((total - feeds) / (performance.now() - t0)) * 1000;
  } finally {
    for (const p of procs) p.kill('SIGTERM');
    await Promise.all(procs.map((p) => new Promise((r) => (p.exitCode !== null ? r(null) : p.once('exit', r)))));
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== '0');
    await redis.quit();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function workerBench(redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'): Promise<void> {
  console.log('\nend to end with BullMQ workers (200 feeds, 3,800 new articles after the backlog, poll every 1 s)');
  let base = 0;
  for (const k of [1, 2, 4]) {
    process.stderr.write(`running ${k} worker process(es)...\n`);
    const rate = await workerRun(k, redisUrl);
    base ||= rate;
    console.log(`  ${k} worker process(es): ${rate.toFixed(0)} articles/s = ${(rate / base).toFixed(2)} × one worker`);
  }
  console.log('  (analysis is serialised across workers by design; polling and delivery spread over them)');
}
