/**
 * Fault injection on the BullMQ runner (issue 11, "must show"): two `storywatch run`
 * worker processes on a dedicated redis-server, over the loopback fixture feeds, with a
 * worker killed by SIGKILL at random points (several times), Redis restarted mid-run, a
 * feed that 301s mid-run, Redis refusing every write for a while (OOM: its disk-full) and
 * the feed list edited between runs. Articles are revealed one
 * at a time (analysis is ordered by when jobs are queued, and polls of different feeds
 * race). After recovery every development of the fixture stream is alerted exactly once.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import path from 'node:path';
import { serve } from '../helpers/http.js';
import { startDedicatedRedis } from '../helpers/redis-server.js';
import { waitFor, type WorkerProc } from '../helpers/workers.js';
import { BACKLOG, faultRows, fixture, printFaultTable, startRun, stop, tally } from './fault-harness.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});
afterAll(() => printFaultTable());

const KILLS_AT = [3, 11, 19];
const REDIS_RESTART_AT = 7;
const WRITES_REFUSED_AT = 5;
const MOVE_AT = 9;
const EDIT_AT = 15;

describe('BullMQ runner under faults: every development once', () => {
  it('worker kill -9 at random points, Redis refusing writes, Redis restart, a 301 mid-run, the feed list edited between runs', async () => {
    const redis = await startDedicatedRedis('faults11');
    cleanups.push(() => redis.cleanup());
    const f = await fixture();
    cleanups.push(() => f.server.close());
    const extra = await serve((_req, res) => res.writeHead(200, { 'content-type': 'application/rss+xml' }).end('<?xml version="1.0"?><rss version="2.0"><channel><title>Extra</title></channel></rss>'));
    cleanups.push(extra.close);
    const prefix = 'f11';
    const sink = path.join(redis.dir, 'alerts.jsonl');
    const feeds = Object.values(f.server.feedUrls);
    const env = (list: string[]) => ({
      REDIS_URL: redis.url, STORYWATCH_QUEUE_PREFIX: prefix, STORYWATCH_POLL_INTERVAL: '1', STORYWATCH_FEEDS: list.join(','),
      STORYWATCH_ALLOW_PRIVATE_HOSTS: '127.0.0.1', STORYWATCH_PER_HOST_INTERVAL_MS: '0', STORYWATCH_FOLLOWUP_MERGE_SECONDS: '0',
      STORYWATCH_SWEEP_SECONDS: '2', STORYWATCH_TARGETS: `jsonl:${sink}`, STORYWATCH_COMMANDS: 'off', STORYWATCH_LOG_LEVEL: 'info', STORYWATCH_DATA_DIR: redis.dir,
    });
    let list = feeds;
    const workers: WorkerProc[] = [];
    const spawnWorker = () => {
      const w = startRun(env(list));
      workers.push(w);
      cleanups.push(() => stop(w, 'SIGKILL'));
      return w;
    };
    const live = () => workers.filter((w) => w.proc.exitCode === null && w.proc.signalCode === null);
    spawnWorker();
    spawnWorker();
    const seen = () => redis.probe.zcard(`${prefix}:minerals-deal:seen`);
    await waitFor('the backlog to be learned', async () => (await seen()) === BACKLOG, 60_000);

    let seed = Number(process.env.STORYWATCH_FAULT_SEED ?? Date.now() % 100_000);
    console.log(`bullmq faults: seed ${seed} (STORYWATCH_FAULT_SEED to replay)`);
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const tried: string[] = [];
    for (let k = BACKLOG, step = 0; k < f.articles.length; k++, step++) {
      f.server.reveal(1);
      if (KILLS_AT.includes(step)) {
        // Somewhere in the poll -> analyse -> deliver of the article just revealed.
        const at = Math.round(random() * 1500);
        await new Promise((r) => setTimeout(r, at));
        await stop(live()[0]!, 'SIGKILL');
        spawnWorker();
        tried.push(`kill -9 at +${at} ms`);
      }
      if (step === WRITES_REFUSED_AT) {
        // Redis's disk full: every write refused (OOM under noeviction) while polls and jobs run.
        await redis.probe.config('SET', 'maxmemory-policy', 'noeviction');
        await redis.probe.config('SET', 'maxmemory', '1');
        await new Promise((r) => setTimeout(r, 2500));
        await redis.probe.config('SET', 'maxmemory', '0');
        tried.push('Redis refusing writes (OOM) 2.5 s');
      }
      if (step === REDIS_RESTART_AT) {
        await redis.restart();
        tried.push('Redis restart');
      }
      if (step === MOVE_AT) {
        f.server.move('kyivwire', 301);
        tried.push('301 mid-run');
      }
      if (step === EDIT_AT) {
        for (const w of live()) await stop(w);
        list = [`${extra.url}/extra.xml`, ...[...feeds].reverse()];
        spawnWorker();
        spawnWorker();
        tried.push('feed list edited between runs');
      }
      await waitFor(`article ${k + 1} to be analysed`, async () => (await seen()) >= k + 1, 60_000);
    }
    expect(await seen()).toBe(f.articles.length);
    await waitFor('every delivery done', async () => (await redis.probe.scard(`${prefix}:minerals-deal:pending`)) === 0 && tally(sink, f.expected).missing.length === 0, 60_000)
      .catch((err: Error) => {
        throw new Error(`${err.message}: ${JSON.stringify(tally(sink, f.expected))}`);
      });
    // Late duplicates (a re-queued delivery) would come within a sweep or two.
    await new Promise((r) => setTimeout(r, 5000));
    const t = tally(sink, f.expected);
    for (const w of live()) await stop(w);
    faultRows.push({ runner: 'bullmq', faults: tried.join('; '), tally: t });
    expect(t.missing).toEqual([]);
    expect(t.unexpected).toEqual([]);
    expect(t.duplicates).toBe(0);
    expect(t.delivered).toBe(t.expected);
    expect(tried.filter((x) => x.startsWith('kill')).length).toBe(KILLS_AT.length);
    // The refused writes did reach the workers.
    expect(workers.some((w) => /OOM command not allowed/.test(w.output()))).toBe(true);
  });
});
