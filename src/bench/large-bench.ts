/**
 * A simulated large deployment (part of `npm run bench`; `--only=large`): the BullMQ
 * runner with `feeds` feeds on the bench feed server (in its own process) and 100
 * stories, feeds primed as a running deployment holds them, so polls are conditional;
 * every poll interval, 1 in 20 feeds gets a new item. Over whole poll intervals it reads
 * the polls served, the articles decided, the CPU of the workers and of Redis (a
 * redis-server of the bench's own), and Redis memory; then scales them to 1M feeds.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { primeFeedStates, startBenchFeedServer, idleRedisCpuPerS } from './capacity-costs.js';
import { keyBytes, machineBusy, sleep, startPrivateRedis, startWorkers, storyCopies, waitUntil } from './deployment.js';

const progress = (s: string) => process.stderr.write(`  [large] ${s}\n`);

export interface LargeResult {
  feeds: number;
  stories: number;
  workers: number;
  intervalS: number;
  seconds: number;
  polls: number;
  articles: number;
  workerCpuS: number;
  redisCpuS: number;
  others: number;
  usedMemory: number;
  memory: { feedState: number; pollQueue: number; stories: number };
}

export async function largeRun(opts: { feeds?: number; stories?: number; workers?: number; intervalS?: number; rounds?: number } = {}): Promise<LargeResult> {
  const n = opts.feeds ?? 100_000;
  const k = opts.stories ?? 100;
  const w = opts.workers ?? 1;
  const intervalS = opts.intervalS ?? 60;
  // Whole intervals, so every feed is polled the same number of times in the window.
  const rounds = opts.rounds ?? 2;
  const r = await startPrivateRedis();
  const server = await startBenchFeedServer(n);
  const dir = mkdtempSync(path.join(tmpdir(), 'sw-large-'));
  const prefix = 'large';
  const ids = storyCopies(k, path.join(dir, 'stories'));
  try {
    const idle = await idleRedisCpuPerS(r);
    const mem0 = await r.usedMemory();
    progress(`priming ${n.toLocaleString('en-US')} feed states (validators known, as a running deployment has them)`);
    await primeFeedStates(r.redis, `${prefix}:${ids[0]}:`, n, server.url);
    progress(`starting ${w} worker process(es) with ${k} stories, polling every ${intervalS} s`);
    const workers = startWorkers(w, {
      quiet: true, redisUrl: r.url, prefix, dir, intervalSeconds: intervalS,
      config: { story: ids[0], stories: 'all', targets: [`jsonl:${path.join(dir, 'alerts.jsonl')}`], feeds: Array.from({ length: n }, (_, i) => ({ id: `f${i}`, url: server.url(i), stories: [ids[i % k]] })) },
    });
    try {
      const requests = async () => (await server.stats()).requests ?? 0;
      await waitUntil('a first full round of polls', async () => (await requests()) >= n, (intervalS + 300) * 1000);
      // The schedulers' first jobs run at once, the next ones on the interval's grid: feeds
      // polled off the grid are not due at its first tick. Measured from the second round on.
      progress('first round polled; one more interval to reach the steady state');
      await sleep(intervalS * 1000);
      const seen = async () => {
        let total = 0;
        const p = r.redis.pipeline();
        for (const id of ids) p.zcard(`${prefix}:${id}:seen`);
        for (const [, v] of (await p.exec()) ?? []) total += Number(v);
        return total;
      };
      const snap = async () => ({ p: await requests(), a: await seen(), w: workers.cpu(), r: await r.cpu(), m: machineBusy(), t: performance.now() });
      const a = await snap();
      for (let i = 0; i < rounds; i++) {
        await server.post('/round');
        progress(`measuring: round ${i + 1} of ${rounds} (1 in 20 feeds changed)`);
        await sleep(intervalS * 1000);
        progress(`${((await requests()) - a.p).toLocaleString('en-US')} polls, ${((await seen()) - a.a).toLocaleString('en-US')} articles decided so far`);
      }
      // The last round's new items: decided within a little while.
      await sleep(Math.min(20, intervalS / 3) * 1000);
      const b = await snap();
      const seconds = (b.t - a.t) / 1000;
      const memory = {
        feedState: await keyBytes(r.redis, `${prefix}:${ids[0]}:feeds`),
        pollQueue: await keyBytes(r.redis, `${prefix}:poll:*`),
        stories: (await keyBytes(r.redis, `${prefix}:md-*`)) - (await keyBytes(r.redis, `${prefix}:${ids[0]}:feeds`)),
      };
      return {
        feeds: n, stories: k, workers: w, intervalS, seconds, polls: b.p - a.p, articles: b.a - a.a,
        workerCpuS: b.w - a.w, redisCpuS: b.r - a.r - idle * seconds, others: (b.m - a.m - (b.w - a.w) - (b.r - a.r)) / seconds,
        usedMemory: (await r.usedMemory()) - mem0, memory,
      };
    } finally {
      await workers.stop();
    }
  } finally {
    server.stop();
    await r.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Poll intervals the 1M-feed figures are given for: the simulated one and ten minutes. */
const AT_1M_INTERVALS = [60, 600];

export function largeLines(x: LargeResult): string[] {
  const redisMsPerPoll = (x.redisCpuS * 1000) / Math.max(1, x.polls);
  const workerMsPerPoll = (x.workerCpuS * 1000) / Math.max(1, x.polls);
  const pollsPerS = x.polls / x.seconds;
  const bytesPerFeed = x.usedMemory / x.feeds;
  const mb = (b: number) => `${(b / 1048576).toFixed(1)} MB`;
  const lines = [
    `| feeds | stories | workers | poll interval | measured over | polls | articles decided | worker CPU per poll | Redis CPU per poll | Redis memory |`,
    '|---|---|---|---|---|---|---|---|---|---|',
    `| ${x.feeds.toLocaleString('en-US')} | ${x.stories} | ${x.workers} | ${x.intervalS} s | ${x.seconds.toFixed(0)} s | ${x.polls.toLocaleString('en-US')} (${pollsPerS.toFixed(0)}/s) | ${x.articles.toLocaleString('en-US')} | ${workerMsPerPoll.toFixed(3)} ms | **${redisMsPerPoll.toFixed(3)} ms** | ${mb(x.usedMemory)} = ${bytesPerFeed.toFixed(0)} bytes per feed (feed state ${mb(x.memory.feedState)}, poll schedulers ${mb(x.memory.pollQueue)}, stories' stores ${mb(x.memory.stories)}) |`,
    '',
    `CPU per poll is all in: the changed feeds' articles (1 in 20 polls), their analysis, alerts and deliveries, the leader, the workers' idle work; Redis's own idle cost taken out. Rest of the machine meanwhile: ${x.others.toFixed(2)} of its cores.`,
    '',
    '| 1,000,000 feeds polled every | polls/s | Redis CPU | worker CPU | worker processes (80% of a core each) | Redis memory |',
    '|---|---|---|---|---|---|',
  ];
  for (const interval of AT_1M_INTERVALS) {
    const rate = 1_000_000 / interval;
    const redis = (rate * redisMsPerPoll) / 1000;
    const workers = (rate * workerMsPerPoll) / 1000;
    lines.push(`| ${interval} s | ${rate.toFixed(0)} | ${redis.toFixed(2)} core (${redis <= 1 ? 'fits one core' : '**does not fit one core**'}) | ${workers.toFixed(1)} cores | ${Math.ceil(workers / 0.8)} | ${((bytesPerFeed * 1_000_000) / 1048576).toFixed(0)} MB |`);
  }
  return lines;
}

export async function largeBench(opts: Parameters<typeof largeRun>[0] = {}): Promise<void> {
  const x = await largeRun(opts);
  console.log(`\nsimulated large deployment: BullMQ runner, ${x.feeds.toLocaleString('en-US')} feeds on a local feed server (1 in 20 changes per interval, the rest answer 304), ${x.stories} stories`);
  for (const l of largeLines(x)) console.log(l);
}
