/**
 * Ingestion benchmarks (part of `npm run bench`):
 *  1. feeds polled per second by storywatch (pollFeed: conditional GET, 304 handling,
 *     parse of changed feeds, state update) against a 10k-feed server in its own
 *     process, beside that server's raw ceiling measured with a plain keep-alive HTTP
 *     loop sending the same conditional requests, in the same run;
 *  2. the embedded runner's poll cycle over 5k feeds beside the same raw loop;
 *  3. end-to-end capacity (poll -> analyze, then deliver, timed apart) with 1 and 2
 *     BullMQ worker processes on one story and on four (REDIS_URL, default
 *     redis://127.0.0.1:6379).
 */
import http from 'node:http';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PassThrough } from 'node:stream';
import { Redis } from 'ioredis';
import { DEFAULT_FETCH_OPTIONS, fetchFeed } from '../feeds/fetcher.js';
import { parseFeed } from '../feeds/parser.js';
import { pollFeed, type PollDeps } from '../pipeline/poll-feed.js';
import { createSqliteStore } from '../store/sqlite/sqlite-store.js';
import { createLogger } from '../log.js';
import { createEngine } from '../analysis/engine.js';
import { loadStory } from '../config/story.js';
import { createInProcessRunner } from '../runners/inprocess.js';
import { startFixtureServer } from '../demo/fixture-server.js';
import { generateStream } from './generate.js';
import { etagFor } from './feed-mix.js';
import { exited, storyCopies } from './deployment.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const CONCURRENCY = 64;

async function pool<T>(items: T[], fn: (x: T) => Promise<void>, concurrency = CONCURRENCY): Promise<number> {
  const t0 = performance.now();
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
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

/** CPU time of this process in ms (user + system): what other load on the machine does not inflate. */
function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

interface Lap {
  wallMs: number;
  cpuMs: number;
}

async function lap(fn: () => Promise<unknown>): Promise<Lap> {
  const c0 = cpuMs();
  const t0 = performance.now();
  await fn();
  return { wallMs: performance.now() - t0, cpuMs: cpuMs() - c0 };
}

const best = (laps: Lap[], k: keyof Lap) => Math.min(...laps.map((l) => l[k]));

/**
 * Paired rounds: each round times the baseline and storywatch back to back, in turns
 * (baseline first in even rounds, second in odd ones), so a slow spell on this shared
 * machine weighs on both sides of a pair. The figure is the median of the pairs' ratios.
 */
async function pairedRounds(rounds: number, before: () => Promise<unknown>, base: () => Promise<unknown>, ours: () => Promise<unknown>): Promise<{ base: Lap[]; ours: Lap[] }> {
  const out = { base: [] as Lap[], ours: [] as Lap[] };
  for (let r = 0; r < rounds; r++) {
    await before();
    if (r % 2 === 0) out.base.push(await lap(base));
    out.ours.push(await lap(ours));
    if (r % 2 === 1) out.base.push(await lap(base));
  }
  return out;
}

/** Median of base[k] / ours[k] over the pairs (above 1: storywatch costs less than the baseline). */
function medianRatio(p: { base: Lap[]; ours: Lap[] }, k: keyof Lap): { median: number; low: number; high: number } {
  const r = p.base.map((b, i) => b[k] / p.ours[i]![k]).sort((a, b) => a - b);
  return { median: r[Math.floor(r.length / 2)]!, low: r[0]!, high: r[r.length - 1]! };
}

/**
 * Polling 10k feeds: storywatch's pollFeed (conditional GET with deadline and abort, 304
 * handling, parsing of the changed feeds, state update) against a plain keep-alive loop
 * sending the same conditional requests to the same server, in paired rounds (each round
 * 9,500 answer 304 and 500 changed). The figure is the median over the pairs of the rate
 * per CPU-second of this process (what the client costs, whatever else loads the
 * machine), with wall-clock rates beside it.
 */
export async function pollBench(n = 10_000, rounds = 9): Promise<{ cpuRatio: number; wallRatio: number }> {
  const server = await startFeedServer(n);
  const dir = mkdtempSync(path.join(tmpdir(), 'sw-pollbench-'));
  try {
    // Built once, as the app builds them (main.ts): one policy, one set of keep-alive agents.
    const fetchOptions = { ...DEFAULT_FETCH_OPTIONS, policy: { allow: ['127.0.0.1'] } };
    const deps: PollDeps = {
      store: createSqliteStore({ dir, warn: () => {} }), log: createLogger({ out: new PassThrough() }),
      now: () => new Date(), intervalMs: 0, parse: (xml, url, identity) => parseFeed(xml, url, undefined, identity),
      fetch: (url, prev) => fetchFeed(url, prev, fetchOptions),
    };
    const ids = Array.from({ length: n }, (_, i) => i);
    const feed = (i: number) => ({ id: `f${i}`, url: `http://127.0.0.1:${server.port}/feeds/f${i}.xml` });
    process.stderr.write(`priming ${n} feeds...\n`);
    await pool(ids, async (i) => {
      const o = await pollFeed(deps, feed(i));
      if (o.nextState) await deps.store.putFeedState(o.nextState);
    });
    const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
    const statuses: Record<string, number> = {};
    const laps = await pairedRounds(rounds, () => fetch(`http://127.0.0.1:${server.port}/round`, { method: 'POST' }),
      () => pool(ids, (i) => rawGet(agent, server.port, i, etagFor(i, 0))),
      () => pool(ids, async (i) => {
        const o = await pollFeed(deps, feed(i));
        statuses[o.status] = (statuses[o.status] ?? 0) + 1;
        if (o.nextState) await deps.store.putFeedState(o.nextState);
      }));
    agent.destroy();
    await deps.store.close();
    const rate = (ms: number) => (n / ms) * 1000;
    const cpu = medianRatio(laps, 'cpuMs');
    const wall = medianRatio(laps, 'wallMs');
    const mix = Object.fromEntries(Object.entries(statuses).map(([k, v]) => [k, v / rounds]));
    console.log(`\npolling ${n} feeds, concurrency ${CONCURRENCY}, ${rounds} paired rounds (round mix: ${JSON.stringify(mix)})`);
    console.log(`  raw keep-alive loop (same conditional requests): best ${rate(best(laps.base, 'cpuMs')).toFixed(0)} requests per CPU-s, ${rate(best(laps.base, 'wallMs')).toFixed(0)}/s wall`);
    console.log(`  storywatch pollFeed:                             best ${rate(best(laps.ours, 'cpuMs')).toFixed(0)} feeds per CPU-s, ${rate(best(laps.ours, 'wallMs')).toFixed(0)}/s wall`);
    console.log(`  = ${cpu.median.toFixed(2)} × the raw loop per CPU-second, median of the pairs (${cpu.low.toFixed(2)}-${cpu.high.toFixed(2)}; ${wall.median.toFixed(2)} × in wall-clock rate)`);
    return { cpuRatio: cpu.median, wallRatio: wall.median };
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

interface E2eResult {
  /** New articles decided per second, from the moment they are all visible to the last decision. */
  analysed: number;
  alerts: number;
  /** Seconds from the last decision until every alert was delivered. */
  drainSeconds: number;
  /** CPU seconds over the analysis window: the workers together, and Redis. */
  cpu: { workers: number; redis: number; wall: number };
}

/** CPU seconds a process has used (Linux /proc; 0 elsewhere). */
function procCpu(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

async function redisCpu(redis: Redis): Promise<number> {
  const info = await redis.info('cpu');
  const get = (k: string) => Number(new RegExp(`${k}:([\\d.]+)`).exec(info)?.[1] ?? 0);
  return get('used_cpu_user') + get('used_cpu_sys');
}

/**
 * One capacity run: the whole stream is made visible at once (the input saturates the
 * workers), the rate is taken over analysis only, and delivery is timed apart with the
 * follow-up merge window off (STORYWATCH_FOLLOWUP_MERGE_SECONDS=0), so neither the 60 s
 * window nor the chat side is in the analysis figure.
 */
async function workerRun(workers: number, stories: number, redisUrl: string): Promise<E2eResult> {
  const feeds = 200;
  const total = 4000;
  const articles = generateStream(total, 5).map((a, i) => ({ ...a, source: `feed${i % feeds}` }));
  const server = await startFixtureServer(articles, { initiallyVisible: feeds });
  const prefix = `sw-bench-${process.pid}-${workers}-${stories}`;
  const redis = new Redis(redisUrl);
  const dir = mkdtempSync(path.join(tmpdir(), 'sw-wbench-'));
  const ids = storyCopies(stories, path.join(dir, 'stories'));
  const config = path.join(dir, 'config.yaml');
  // Feed i belongs to story i mod k: every story gets its share of the stream.
  writeFileSync(config, JSON.stringify({
    story: ids[0], stories: 'all', targets: [`jsonl:${path.join(dir, 'alerts.jsonl')}`],
    feeds: Object.values(server.feedUrls).map((url, i) => ({ id: `bench-${i}`, url, stories: [ids[i % stories]] })),
  }));
  const env = {
    ...process.env, REDIS_URL: redisUrl, STORYWATCH_QUEUE_PREFIX: prefix, STORYWATCH_POLL_INTERVAL: '1',
    STORYWATCH_CONFIG: config, STORYWATCH_STORIES_DIR: path.join(dir, 'stories'), STORYWATCH_ALLOW_PRIVATE_HOSTS: '127.0.0.1',
    STORYWATCH_PER_HOST_INTERVAL_MS: '0', STORYWATCH_FOLLOWUP_MERGE_SECONDS: '0', STORYWATCH_LOG_LEVEL: 'warn', STORYWATCH_DATA_DIR: dir,
  };
  // STORYWATCH_BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the workers.
  const nodeArgs = (process.env.STORYWATCH_BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const procs = Array.from({ length: workers }, () => spawn(process.execPath, [...nodeArgs, path.join(here, '../../bin/storywatch.js'), 'run'], { env, stdio: 'ignore' }));
  const sum = async (key: string, op: 'scard' | 'zcard' | 'hlen') => {
    let n = 0;
    for (const id of ids) n += await redis[op](`${prefix}:${id}:${key}`);
    return n;
  };
  try {
    await waitUntil(async () => (await sum('seen', 'zcard')) >= feeds, 120_000);
    const workersCpu = () => procs.reduce((n, p) => n + procCpu(p.pid), 0);
    const [w0, r0] = [workersCpu(), await redisCpu(redis)];
    server.reveal(total);
    const t0 = performance.now();
    await waitUntil(async () => (await sum('seen', 'zcard')) >= total, 600_000);
    const tA = performance.now();
    const cpu = { workers: workersCpu() - w0, redis: (await redisCpu(redis)) - r0, wall: (tA - t0) / 1000 };
    await waitUntil(async () => (await sum('pending', 'scard')) === 0, 600_000);
    return { analysed: ((total - feeds) / (tA - t0)) * 1000, alerts: await sum('alerts', 'hlen'), drainSeconds: (performance.now() - tA) / 1000, cpu };
  } finally {
    for (const p of procs) p.kill('SIGTERM');
    await Promise.all(procs.map(exited));
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
  console.log(`\nend to end capacity with BullMQ workers (200 feeds, 3,800 new articles all visible at once, poll every 1 s; ${cpus().length} CPU cores here, shared with Redis, the feed server and whatever else runs)`);
  const runs: Array<[number, number]> = [[1, 1], [2, 1], [1, 4], [2, 4]];
  const out = new Map<string, E2eResult>();
  for (const [w, k] of runs) {
    process.stderr.write(`running ${w} worker process(es), ${k} stor${k === 1 ? 'y' : 'ies'}...\n`);
    out.set(`${w}/${k}`, await workerRun(w, k, redisUrl));
  }
  const line = (w: number, k: number, base: E2eResult) => {
    const r = out.get(`${w}/${k}`)!;
    const busy = `workers ${(r.cpu.workers / r.cpu.wall).toFixed(2)} + Redis ${(r.cpu.redis / r.cpu.wall).toFixed(2)} cores busy`;
    return `  ${w} worker(s), ${k} stor${k === 1 ? 'y ' : 'ies'}: ${r.analysed.toFixed(0).padStart(5)} articles/s analysed = ${(r.analysed / base.analysed).toFixed(2)} × one worker (${busy}); ${r.alerts} alerts delivered ${r.drainSeconds.toFixed(1)} s after the last decision`;
  };
  for (const [w, k] of runs) console.log(line(w, k, out.get(`1/${k}`)!));
  console.log('  (per story, decisions are ordered; reading and framing run on any worker; stories run side by side)');
}

/**
 * The embedded runner's poll cycle (tick: poll every feed, analyse what changed, save
 * state) over 5k feeds, against a plain keep-alive loop sending the same conditional
 * requests with the same parallelism (16, the runner's default), in paired rounds; the
 * figure is the median pair's ratio of wall-clock times, with CPU time beside it.
 */
export async function embeddedCycleBench(n = 5_000, rounds = 9): Promise<void> {
  const server = await startFeedServer(n);
  const dir = mkdtempSync(path.join(tmpdir(), 'sw-cyclebench-'));
  try {
    const fetchOptions = { ...DEFAULT_FETCH_OPTIONS, policy: { allow: ['127.0.0.1'] } };
    const log = createLogger({ out: new PassThrough() });
    const store = createSqliteStore({ dir, warn: () => {} });
    const { story, corpus } = loadStory('minerals-deal');
    const engine = createEngine(story, corpus);
    const poll: PollDeps = {
      store, log, now: () => new Date(), intervalMs: 0,
      parse: (xml, url, identity) => parseFeed(xml, url, undefined, identity), fetch: (url, prev) => fetchFeed(url, prev, fetchOptions),
    };
    const feeds = Array.from({ length: n }, (_, i) => ({ id: `f${i}`, url: `http://127.0.0.1:${server.port}/feeds/f${i}.xml`, fullText: 'never' as const }));
    const runner = createInProcessRunner({
      feeds: async () => feeds, poll, log, tickMs: 60_000,
      analyze: { engine, store, targets: ['console'], now: () => new Date() },
      deliver: { store, adapters: [], log },
    });
    process.stderr.write(`priming ${n} feeds (embedded runner)...\n`);
    await runner.tick();
    const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
    const ids = Array.from({ length: n }, (_, i) => i);
    const laps = await pairedRounds(rounds, () => fetch(`http://127.0.0.1:${server.port}/round`, { method: 'POST' }),
      () => pool(ids, (i) => rawGet(agent, server.port, i, etagFor(i, 0)), 16),
      () => runner.tick());
    agent.destroy();
    await runner.stop();
    await store.close();
    // Time over the raw loop's: the inverse of the pairs' ratio of rates.
    const wall = medianRatio(laps, 'wallMs');
    const ratio = 1 / wall.median;
    console.log(`\nembedded poll cycle over ${n} feeds (5% changed per round), ${rounds} paired rounds, parallelism 16`);
    console.log(`  raw keep-alive loop: best ${best(laps.base, 'wallMs').toFixed(0)} ms (${best(laps.base, 'cpuMs').toFixed(0)} ms CPU)`);
    console.log(`  runner tick:         best ${best(laps.ours, 'wallMs').toFixed(0)} ms (${best(laps.ours, 'cpuMs').toFixed(0)} ms CPU)`);
    console.log(`  = ${ratio.toFixed(2)} × the raw loop's time, median of the pairs (${(1 / wall.high).toFixed(2)}-${(1 / wall.low).toFixed(2)})`);
  } finally {
    server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
