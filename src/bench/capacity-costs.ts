/**
 * Cost per unit of work, per component, from CPU times (not wall time): the BullMQ
 * workers (/proc of their processes) and Redis (`INFO cpu` of a redis-server of the
 * bench's own). Polls: a feed server in its own process, feeds primed with validators so
 * every poll is a 304 (or, in a second window, a 200 with nothing new). Articles: the
 * generated stream made visible at once to 1 and then 2 worker processes.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { startFixtureServer } from '../demo/fixture-server.js';
import { createRedisStore } from '../store/redis/redis-store.js';
import { redisOptions } from '../runners/bullmq/connection.js';
import { JOB_OPTIONS, QUEUE, type DeliverJob } from '../runners/bullmq/names.js';
import { enqueueDeliveries } from '../runners/bullmq/processors.js';
import { entryFor } from './redis-retention-bench.js';
import { etagFor } from './feed-mix.js';
import { generateStream } from './generate.js';
import { createEngine } from '../analysis/engine.js';
import { loadStory } from '../config/story.js';
import { busyLoops, keyBytes, machineBusy, selfCpu, sleep, startWorkers, storyCopies, waitUntil, type PrivateRedis } from './deployment.js';

const here = path.dirname(fileURLToPath(import.meta.url));
/** Stories the article runs spread their feeds over. */
export const STORIES = 16;
const progress = (s: string) => process.stderr.write(`  [capacity] ${s}\n`);

export interface FeedServer {
  port: number;
  url: (i: number) => string;
  stats(): Promise<Record<string, number>>;
  post(p: string): Promise<void>;
  pid: number;
  stop(): void;
}

export async function startBenchFeedServer(n: number): Promise<FeedServer> {
  const proc = spawn(process.execPath, [path.join(here, 'feed-server.js'), String(n)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve) => proc.stdout!.once('data', (d) => resolve(Number(String(d).trim()))));
  const base = `http://127.0.0.1:${port}`;
  return {
    port, pid: proc.pid!, url: (i) => `${base}/feeds/f${i}.xml`,
    stats: async () => (await (await fetch(`${base}/stats`)).json()) as Record<string, number>,
    post: async (p) => void (await fetch(`${base}${p}`, { method: 'POST' })),
    stop: () => proc.kill(),
  };
}

/** Feed states as a primed deployment holds them: validators known, so the next poll is conditional. */
export async function primeFeedStates(redis: Redis, storePrefix: string, n: number, url: (i: number) => string): Promise<void> {
  const store = createRedisStore({ redis, prefix: storePrefix });
  for (let from = 0; from < n; from += 500) {
    await Promise.all(Array.from({ length: Math.min(500, n - from) }, (_, k) => {
      const i = from + k;
      return store.putFeedState({ feedId: `f${i}`, url: url(i), primed: true, consecutiveFailures: 0, etag: etagFor(i, 0) });
    }));
  }
  for (let from = 0; from < n; from += 5000) await redis.sadd(`${storePrefix}primed`, ...Array.from({ length: Math.min(5000, n - from) }, (_, k) => url(from + k)));
}

export interface Cost { worker: number; redis: number }
export interface PollCosts { n: number; intervalS: number; c304: Cost; c200: Cost; polls304: number; polls200: number; bytesPerFeed: number; bytesPerFeedQueue: number; shards: number }

interface Window { polls: number; worker: number; redis: number; wall: number; others: number }

/** CPU of the workers and Redis over `seconds`, and the polls served meanwhile. */
async function measureWindow(server: FeedServer, workers: { cpu(): number }, r: PrivateRedis, seconds: number, idleRedisPerS: number, key = 'requests'): Promise<Window> {
  const [s0, w0, r0, m0, b0, t0] = [(await server.stats())[key] ?? 0, workers.cpu(), await r.cpu(), machineBusy(), selfCpu(), performance.now()];
  await sleep(seconds * 1000);
  const [s1, w1, r1, m1, b1, t1] = [(await server.stats())[key] ?? 0, workers.cpu(), await r.cpu(), machineBusy(), selfCpu(), performance.now()];
  const wall = (t1 - t0) / 1000;
  const redis = r1 - r0 - idleRedisPerS * wall;
  return { polls: s1 - s0, worker: w1 - w0, redis, wall, others: m1 - m0 - (w1 - w0) - (r1 - r0) - (b1 - b0) };
}

export async function idleRedisCpuPerS(r: PrivateRedis, seconds = 3): Promise<number> {
  const c0 = await r.cpu();
  await sleep(seconds * 1000);
  return ((await r.cpu()) - c0) / seconds;
}

/** 304 and 200 polls through one worker process: `n` feeds every `intervalS` seconds. */
export async function pollCosts(r: PrivateRedis, opts: { n?: number; intervalS?: number; windowS?: number } = {}): Promise<PollCosts> {
  const n = opts.n ?? 5000;
  const intervalS = opts.intervalS ?? 10;
  const windowS = opts.windowS ?? 20;
  const server = await startBenchFeedServer(n);
  const dir = mkdtempSync(path.join(tmpdir(), 'sw-capacity-'));
  const prefix = `cap-poll-${process.pid}`;
  const [story] = storyCopies(1, path.join(dir, 'stories'));
  const idle = await idleRedisCpuPerS(r);
  const mem0 = await r.usedMemory();
  await primeFeedStates(r.redis, `${prefix}:${story}:`, n, server.url);
  const feedStateBytes = await keyBytes(r.redis, `${prefix}:${story}:*`);
  progress(`polls: ${n} feeds every ${intervalS} s, one worker process; waiting for a full round`);
  const workers = startWorkers(1, {
    quiet: true,
    redisUrl: r.url, prefix, dir, intervalSeconds: intervalS,
    config: { story, stories: 'all', targets: [`jsonl:${path.join(dir, 'alerts.jsonl')}`], feeds: Array.from({ length: n }, (_, i) => ({ id: `f${i}`, url: server.url(i) })) },
  });
  try {
    await waitUntil('a first round of polls', async () => ((await server.stats()).requests ?? 0) >= n, 180_000);
    const queueBytes = await keyBytes(r.redis, `${prefix}:poll:*`);
    const shards = Number((await r.redis.get(`${prefix}:storywatch:poll-plan`))?.split('x')[0] ?? 0);
    progress(`polls: measuring 304s for ${windowS} s`);
    const w304 = await measureWindow(server, workers, r, windowS, idle, '304');
    await server.post('/mode/fresh');
    await sleep(intervalS * 1000);
    progress(`polls: measuring 200s (re-parsed, nothing new) for ${windowS} s`);
    const w200 = await measureWindow(server, workers, r, windowS, idle, '200');
    const per = (w: Window): Cost => ({ worker: (w.worker / Math.max(1, w.polls)) * 1000, redis: (w.redis / Math.max(1, w.polls)) * 1000 });
    return {
      n, intervalS, c304: per(w304), c200: per(w200), polls304: w304.polls, polls200: w200.polls, shards,
      bytesPerFeed: feedStateBytes / n, bytesPerFeedQueue: queueBytes / n,
    };
  } finally {
    await workers.stop();
    server.stop();
    await r.redis.flushdb();
    void mem0;
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface ArticleRun {
  workers: number;
  /** Cores kept busy beside the workers over the window (the engine's classify loop, busy-work.ts). */
  besideBusy: number;
  stories: number;
  rate: number;
  articles: number;
  /** Analyze jobs the polls queued over the window (a poll's new items for a story are one job). */
  jobs: number;
  /** New articles revealed per second (undefined: all at once, a burst). */
  dripPerS: number | undefined;
  alerts: number;
  /** CPU ms per article analysed (poll of its feed, analyze job, record), polls of unchanged feeds and deliveries taken out. */
  perArticle: Cost;
  /** Alerts delivered within the analysis window (their cost is the delivery row's, taken out of `perArticle`). */
  delivered: number;
  /** Cores busy over the analysis window: workers, Redis, the bench (fixture server), everything else on the machine. */
  busy: { workers: number; redis: number; bench: number; others: number; workersMain: number };
  polls: number;
  /** Redis commands by CPU spent per article over the analysis window (INFO commandstats). */
  topCommands: Array<{ cmd: string; calls: number; usPerArticle: number }>;
  /** What one more worker spends to learn each article the others decided, read back through Redis as a worker does. */
  learn: Cost;
}

async function commandStats(redis: Redis): Promise<Map<string, { calls: number; usec: number }>> {
  const out = new Map<string, { calls: number; usec: number }>();
  for (const m of (await redis.info('commandstats')).matchAll(/cmdstat_([^:]+):calls=(\d+),usec=(\d+)/g)) out.set(m[1]!, { calls: Number(m[2]), usec: Number(m[3]) });
  return out;
}

/**
 * The generated stream made visible at once to `w` worker processes: 200 feeds polled every
 * second, spread over `k` stories. One story's decisions are ordered (each against everything
 * decided before it), so only several stories give further workers work they can do in parallel.
 */
export async function articleRun(r: PrivateRedis, w: number, c304: Cost, deliver: Cost, opts: { stories?: number; besideBusy?: number; dripPerS?: number; total?: number } = {}): Promise<ArticleRun> {
  const k = opts.stories ?? STORIES;
  const besideBusy = opts.besideBusy ?? 0;
  const feeds = 200;
  const total = opts.total ?? 4000;
  const articles = generateStream(total, 5).map((a, i) => ({ ...a, source: `feed${i % feeds}` }));
  const server = await startFixtureServer(articles, { initiallyVisible: feeds });
  const dir = mkdtempSync(path.join(tmpdir(), 'sw-capacity-'));
  const prefix = `cap-art-${process.pid}-${w}-${besideBusy}`;
  const stories = storyCopies(k, path.join(dir, 'stories'));
  const idle = await idleRedisCpuPerS(r, 2);
  const workers = startWorkers(w, {
    quiet: true,
    redisUrl: r.url, prefix, dir, intervalSeconds: 1,
    config: { story: stories[0], stories: 'all', targets: [`jsonl:${path.join(dir, 'alerts.jsonl')}`], feeds: Object.values(server.feedUrls).map((url, i) => ({ id: `bench-${i}`, url, stories: [stories[i % k]] })) },
  });
  // One round trip per look: the bench's own questions are part of the Redis CPU it measures.
  const sum = async (cmd: 'zcard' | 'scard' | 'hlen', key: string) => {
    const p = r.redis.pipeline();
    for (const s of stories) p[cmd](`${prefix}:${s}:${key}`);
    return ((await p.exec()) ?? []).reduce((n, [, v]) => n + Number(v ?? 0), 0);
  };
  const seen = () => sum('zcard', 'seen');
  const polls = () => Object.values(server.hits).reduce((a, b) => a + b, 0);
  const alertsFile = path.join(dir, 'alerts.jsonl');
  const delivered = () => (existsSync(alertsFile) ? readFileSync(alertsFile, 'utf8').split('\n').length - 1 : 0);
  try {
    progress(`articles: ${w} worker process(es), ${k} stories, priming ${feeds} feeds`);
    await waitUntil('the feeds primed', async () => (await seen()) >= feeds, 120_000);
    await sleep(2000);
    const snap = async () => ({ w: workers.cpu(), wm: workers.mainCpu(), r: await r.cpu(), m: machineBusy(), b: selfCpu(), t: performance.now(), p: polls(), d: delivered() });
    const loops = busyLoops(besideBusy);
    await r.redis.config('RESETSTAT');
    const a = await snap();
    const since = Date.now();
    if (opts.dripPerS) progress(`articles: ${total - feeds} new articles, ${opts.dripPerS} a second`);
    else progress(`articles: ${total - feeds} new articles visible; analysing${besideBusy ? ` beside ${besideBusy} busy core(s)` : ''}`);
    const revealed = reveal(server, total, opts.dripPerS);
    await waitUntil('every article decided', async () => (await seen()) >= total, 900_000).finally(() => loops.stop());
    await revealed;
    const b = await snap();
    const jobs = await jobsAdded(r.redis, `${prefix}:analyze:events`, since);
    const stats = await commandStats(r.redis);
    const topCommands = [...stats].map(([cmd, v]) => ({ cmd, calls: v.calls, usPerArticle: v.usec / (total - feeds) })).sort((x, y) => y.usPerArticle - x.usPerArticle).slice(0, 12);
    await waitUntil('every alert delivered', async () => (await sum('scard', 'pending')) === 0, 600_000);
    const alerts = await sum('hlen', 'alerts');
    const learn = await learnThroughRedis(r, prefix, stories, path.join(dir, 'stories'));
    const wall = (b.t - a.t) / 1000;
    const n = total - feeds;
    // Polls that found nothing new (about all but one per article) are the poll row's cost, and
    // the alerts delivered meanwhile the delivery row's: the model adds both at its own rates.
    const pollsAB = b.p - a.p;
    const deliveredAB = b.d - a.d;
    const idleAB = idle * wall;
    const rest = (k: keyof Cost) => pollsAB * c304[k] + deliveredAB * deliver[k];
    const perArticle = { worker: ((b.w - a.w) * 1000 - rest('worker')) / n, redis: ((b.r - a.r - idleAB) * 1000 - rest('redis')) / n };
    const busy = { workers: (b.w - a.w) / wall, redis: (b.r - a.r) / wall, bench: (b.b - a.b) / wall, others: Math.max(0, (b.m - a.m) - (b.w - a.w) - (b.r - a.r) - (b.b - a.b)) / wall, workersMain: (b.wm - a.wm) / wall };
    return { workers: w, besideBusy, stories: k, rate: n / wall, articles: n, jobs, dripPerS: opts.dripPerS, alerts, delivered: deliveredAB, perArticle, busy, polls: pollsAB, topCommands, learn };
  } finally {
    await workers.stop();
    await server.close();
    await r.redis.flushdb();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** All of the stream at once (a burst: every feed's next poll finds many), or `perS` a second. */
async function reveal(server: { reveal(n: number): number; visible: number }, total: number, perS?: number): Promise<void> {
  if (!perS) return void server.reveal(total);
  while (server.visible < total) {
    server.reveal(Math.max(1, Math.round(perS / 10)));
    await sleep(100);
  }
}

/** Jobs added to a queue since `since` (ms), read from its event stream (trimmed at 10,000 events: a floor then). */
async function jobsAdded(redis: Redis, stream: string, since: number): Promise<number> {
  const entries = await redis.xrange(stream, String(since), '+');
  return entries.filter(([, f]) => f[0] === 'event' && f[1] === 'added').length;
}

/**
 * A fresh engine per story catching up on everything the run decided, the way a worker
 * learns what other workers decided: the story's log read from Redis in pages, the
 * prepared forms the deciders cached fetched in one MGET, each article remembered.
 * CPU of this process and of Redis per article learned.
 */
async function learnThroughRedis(r: PrivateRedis, prefix: string, stories: string[], root: string): Promise<Cost> {
  const idle = await idleRedisCpuPerS(r, 1);
  const [c0, r0, t0] = [selfCpu(), await r.cpu(), performance.now()];
  let learned = 0;
  // The engine's own set-up is once per process, not per article: taken out below.
  let setUp = 0;
  for (const id of stories) {
    const s0 = selfCpu();
    const { story, corpus } = loadStory(id, root);
    const engine = createEngine(story, corpus);
    setUp += selfCpu() - s0;
    const store = createRedisStore({ redis: r.redis, prefix: `${prefix}:${id}:` });
    for (let cursor = 0; ;) {
      const page = await store.knowledgeSince(cursor, 500);
      if (!page.entries.length) break;
      cursor = page.cursor;
      const cached = await r.redis.mget(...page.entries.map((e) => `${prefix}:profile:${id}:${e.article.id}`));
      page.entries.forEach((e, i) => {
        const dev = e.decision.relevant ? e.decision.developmentId : null;
        const raw = cached[i];
        if (raw) engine.rememberPrepared({ article: e.article, ...(JSON.parse(raw) as object) } as never, dev, e.decision.novel);
        else engine.remember(e.article, dev, e.decision.novel);
      });
      learned += page.entries.length;
    }
  }
  const seconds = (performance.now() - t0) / 1000;
  return { worker: ((selfCpu() - c0 - setUp) * 1000) / Math.max(1, learned), redis: ((await r.cpu()) - r0 - idle * seconds) * 1000 / Math.max(1, learned) };
}

/** Bytes of Redis memory per queued (waiting) analyze job with a generated article. */
export async function bytesPerQueuedJob(r: PrivateRedis, n = 5000): Promise<number> {
  const queue = new Queue('analyze', { connection: redisOptions(r.url), prefix: `cap-jobs-${process.pid}` });
  try {
    const articles = generateStream(n, 9);
    const m0 = await r.usedMemory();
    for (let from = 0; from < n; from += 500) {
      await queue.addBulk(articles.slice(from, from + 500).map((article, i) => ({ name: 'analyze', data: { feedId: `f${i}`, article, backlog: false }, opts: { ...JOB_OPTIONS, jobId: `j-${from + i}` } })));
    }
    return ((await r.usedMemory()) - m0) / n;
  } finally {
    await queue.close();
    await r.redis.flushdb();
  }
}

/**
 * Alerts delivered: `n` alerts recorded pending for 50 JSONL targets (one each), their
 * deliver jobs queued as the runner queues them, one idle worker process posting them.
 * Workers and Redis CPU from the queueing to the last delivery (idle Redis and the
 * worker's own idle polling of an unchanged feed taken out).
 */
export async function deliverCosts(r: PrivateRedis, c304: Cost, n = 2000): Promise<Cost & { alerts: number; seconds: number }> {
  const server = await startBenchFeedServer(1);
  const dir = mkdtempSync(path.join(tmpdir(), 'sw-capacity-'));
  const prefix = `cap-del-${process.pid}`;
  const [story] = storyCopies(1, path.join(dir, 'stories'));
  const targets = Array.from({ length: 50 }, (_, i) => `jsonl:${path.join(dir, `t${i}.jsonl`)}`);
  const store = createRedisStore({ redis: r.redis, prefix: `${prefix}:${story}:` });
  await primeFeedStates(r.redis, `${prefix}:${story}:`, 1, server.url);
  const workers = startWorkers(1, {
    quiet: true, redisUrl: r.url, prefix, dir, intervalSeconds: 5,
    config: { story, stories: 'all', targets, feeds: [{ id: 'f0', url: server.url(0) }] },
  });
  const queue = new Queue<DeliverJob>(QUEUE.deliver, { connection: redisOptions(r.url), prefix });
  try {
    // Recorded after the leader's first sweep of pending deliveries (the next is 30 s away),
    // so the deliveries are the ones queued below, inside the measured window.
    await waitUntil('the leader\'s first round', async () => (await r.redis.get(`${prefix}:storywatch:poll-plan`)) !== null, 60_000);
    await sleep(2000);
    progress(`alerts: recording ${n} pending alerts for ${targets.length} JSONL targets`);
    const ids: Array<[string, string]> = [];
    let i = 0;
    const at = new Date().toISOString();
    for (const article of generateStream(n, 11)) {
      const made = entryFor(article, i * 10, at);
      const target = targets[i % targets.length]!;
      const alert = { ...made.alert!, alert: { ...made.alert!.alert, storyId: story!, publishedAt: at }, targets: [target] };
      await store.recordArticle(made.entry, alert);
      ids.push([alert.alert.id, target]);
      i++;
    }
    const idle = await idleRedisCpuPerS(r, 1);
    const [w0, r0, p0, t0] = [workers.cpu(), await r.cpu(), (await server.stats()).requests ?? 0, performance.now()];
    for (const [alertId, target] of ids) await enqueueDeliveries({ store, queues: { deliver: queue } as never }, alertId, [target]);
    progress(`alerts: ${n} deliver jobs queued; delivering`);
    await waitUntil('every alert delivered', async () => (await r.redis.scard(`${prefix}:${story}:pending`)) === 0, 600_000);
    const [w1, r1, p1, t1] = [workers.cpu(), await r.cpu(), (await server.stats()).requests ?? 0, performance.now()];
    const seconds = (t1 - t0) / 1000;
    const polls = p1 - p0;
    return {
      alerts: n, seconds,
      worker: ((w1 - w0) * 1000 - polls * c304.worker) / n,
      redis: ((r1 - r0 - idle * seconds) * 1000 - polls * c304.redis) / n,
    };
  } finally {
    await queue.close();
    await workers.stop();
    server.stop();
    await r.redis.flushdb();
    rmSync(dir, { recursive: true, force: true });
  }
}
