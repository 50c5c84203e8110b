/**
 * The per-story ordering guarantee on real Redis: the same stream, queued in the same
 * order (in poll-sized batches), decided by 1 and by 4 BullMQ workers (each with its own
 * engine, as separate processes would have) gives exactly the decisions a single engine
 * gives classifying the stream in order: with a job per article (as older versions queued
 * them) and with a job per poll's batch (as polls queue them now).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { createEngine } from '../../src/analysis/engine.js';
import { generateStream } from '../../src/bench/generate.js';
import { loadStory } from '../../src/config/story.js';
import type { Article } from '../../src/domain/article.js';
import { createLogger } from '../../src/log.js';
import { createLanes } from '../../src/pipeline/stories.js';
import { jobState, orderedAnalyzeProcessor } from '../../src/runners/bullmq/analyze-ordered.js';
import { analyzeJobId, analyzeJobs, type AnalyzeJob } from '../../src/runners/bullmq/names.js';
import { createTurns, type Turns } from '../../src/runners/bullmq/turns.js';
import { createRedisStore } from '../../src/store/redis/redis-store.js';
import { deleteByPrefix, TEST_REDIS_URL } from '../helpers/redis.js';
import { waitFor } from '../helpers/workers.js';

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

/**
 * The decision: about the story or not, a new development or which one it joins, and
 * which earlier report it copies, if any.
 */
type Row = { id: string; relevant: boolean; novel: boolean; developmentId: string | null; duplicateOf: string | null };
const row = (id: string, d: Omit<Row, 'id'>): Row => ({ id, relevant: d.relevant, novel: d.novel, developmentId: d.developmentId, duplicateOf: d.duplicateOf });

const STORIES = ['minerals-deal', 'nippon-us-steel'];

/** Runs the stream through `workers` BullMQ workers; returns each story's decisions in log order. */
/**
 * How the stream is queued: a job per article (as older versions did), a job per poll's
 * batch, or batches that overlap (a second poll found the first one's items undecided).
 */
type Queueing = 'article' | 'batch' | 'overlap';

async function throughWorkers(stream: Article[], workers: number, queueing: Queueing): Promise<Record<string, Row[]>> {
  const prefix = `sw-order-${randomUUID().slice(0, 8)}`;
  const redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
  cleanups.push(async () => {
    await deleteByPrefix(redis, `${prefix}:`);
    await redis.quit();
  });
  const connection = { host: new URL(TEST_REDIS_URL).hostname, port: Number(new URL(TEST_REDIS_URL).port || 6379), maxRetriesPerRequest: null };
  const queue = new Queue<AnalyzeJob>('analyze', { connection, prefix });
  cleanups.push(() => queue.close());
  const log = createLogger({ out: new PassThrough() });
  const storeOf = (story: string) => createRedisStore({ redis, prefix: `${prefix}:${story}:` });
  const allTurns: Turns[] = [];
  const turnsFor = () => {
    const t = createTurns({ redis, prefix, jobState: jobState(queue) });
    allTurns.push(t);
    return t;
  };
  for (let w = 0; w < workers; w++) {
    // Each worker has its own engines: what it learns from others comes through Redis only.
    const lanes = createLanes(STORIES.map((id) => {
      const { story, corpus } = loadStory(id);
      const engine = createEngine(story, corpus);
      const store = storeOf(id);
      return { id, engine, corpus, store, analyze: { engine, store, targets: ['console'], now: () => new Date('2026-01-01T00:00:00Z') } };
    }));
    const processor = orderedAnalyzeProcessor({ lanes, turns: turnsFor(), redis, prefix, log, queues: { analyze: queue }, onAlert: async () => 0 });
    const worker = new Worker<AnalyzeJob>('analyze', processor, { connection, prefix, concurrency: 4 });
    cleanups.push(() => worker.close());
  }
  cleanups.push(async () => {
    for (const t of allTurns) await t.close();
  });
  // Queued as polls queue them: small batches, each story's share in order, one story's
  // batch under its claim.
  const turns = turnsFor();
  for (let i = 0; i < stream.length; i += 7) {
    for (const story of STORIES) {
      const opts = { attempts: 5, backoff: { type: 'exponential' as const, delay: 200 } };
      const part = stream.slice(queueing === 'overlap' ? Math.max(0, i - 3) : i, i + 7);
      const jobs = queueing !== 'article'
        ? analyzeJobs('f', part.map((article) => ({ article, backlog: false })), story).map(({ name, data, jobId }) => ({ name, data, opts: { ...opts, jobId } }))
        : part.map((article) => ({ name: 'analyze', data: { feedId: 'f', article, backlog: false, story }, opts: { ...opts, jobId: analyzeJobId('f', article.id, story) } }));
      await turns.enqueue(story, jobs.map((j) => j.opts.jobId), () => queue.addBulk(jobs));
    }
  }
  const out: Record<string, Row[]> = {};
  for (const story of STORIES) {
    const store = storeOf(story);
    await waitFor(`${story}: all ${stream.length} articles decided by ${workers} worker(s)`, async () => (await store.knowledgeSince(0)).entries.length === stream.length, 120_000, 200);
    out[story] = (await store.knowledgeSince(0)).entries.map((e) => row(e.article.id, e.decision));
  }
  return out;
}

describe('per-story order on BullMQ', () => {
  it('the same stream through 1 and 4 workers gives identical decisions, those of one engine in order', async () => {
    const stream = generateStream(160, 23);
    const reference: Record<string, Row[]> = {};
    for (const id of STORIES) {
      const { story, corpus } = loadStory(id);
      const engine = createEngine(story, corpus);
      reference[id] = stream.map((a) => row(a.id, engine.classify(a)));
    }
    const one = await throughWorkers(stream, 1, 'article');
    const four = await throughWorkers(stream, 4, 'article');
    const fourBatched = await throughWorkers(stream, 4, 'batch');
    const overlapping = await throughWorkers(stream, 2, 'overlap');
    for (const id of STORIES) {
      expect(one[id]!.map((r) => r.id)).toEqual(stream.map((a) => a.id));
      expect(one[id]).toEqual(reference[id]);
      expect(four[id]).toEqual(reference[id]);
      expect(fourBatched[id]).toEqual(reference[id]);
      // Each article once, in order: an item a later batch repeats was decided by the first.
      expect(overlapping[id]).toEqual(reference[id]);
    }
    // The stream is about the minerals deal: its story opens developments, the other stays quiet.
    expect(reference['minerals-deal']!.filter((r) => r.novel).length).toBeGreaterThan(3);
    console.log(`figures: minerals-deal ${reference['minerals-deal']!.filter((r) => r.relevant).length} relevant, ${reference['minerals-deal']!.filter((r) => r.novel).length} new; nippon ${reference['nippon-us-steel']!.filter((r) => r.relevant).length} relevant`);
  }, 300_000);
});
