/**
 * An analyze job of several articles whose store write fails partway, on real Redis: the
 * articles recorded before the failure have their alerts queued at once, the job fails,
 * and its retry decides the rest, each article once and in order, with the decisions and
 * alerts one engine gives the batch in order. A batch with one malformed article decides
 * the others.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { PassThrough } from 'node:stream';
import { Queue, type Job } from 'bullmq';
import { createEngine } from '../../src/analysis/engine.js';
import { generateStream } from '../../src/bench/generate.js';
import { loadStory } from '../../src/config/story.js';
import { createLogger } from '../../src/log.js';
import { createLanes } from '../../src/pipeline/stories.js';
import { jobState, orderedAnalyzeProcessor } from '../../src/runners/bullmq/analyze-ordered.js';
import { analyzeJobs, type AnalyzeJob } from '../../src/runners/bullmq/names.js';
import { createTurns } from '../../src/runners/bullmq/turns.js';
import { createRedisStore } from '../../src/store/redis/redis-store.js';
import type { StateStore } from '../../src/store/ports.js';
import { testRedis, TEST_REDIS_URL } from '../helpers/redis.js';

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

const STORY = 'minerals-deal';

/** One story's lane on real Redis and BullMQ, its store wrapped by `wrap`; what the processor logs and queues is kept. */
async function harness(wrap: (inner: StateStore) => StateStore = (inner) => inner) {
  const { redis, prefix: keyPrefix, cleanup } = await testRedis();
  cleanups.push(cleanup);
  const prefix = keyPrefix.slice(0, -1);
  const { story, corpus } = loadStory(STORY);
  const inner = createRedisStore({ redis, prefix: `${prefix}:${STORY}:` });
  const store = wrap(inner);
  const engine = createEngine(story, corpus);
  const lanes = createLanes([{ id: STORY, engine, corpus, store, analyze: { engine, store, targets: ['console'], now: () => new Date('2026-01-01T00:00:00Z') } }]);
  const connection = { host: new URL(TEST_REDIS_URL).hostname, port: Number(new URL(TEST_REDIS_URL).port || 6379) };
  const queue = new Queue<AnalyzeJob>('analyze', { connection, prefix });
  cleanups.push(() => queue.close());
  const turns = createTurns({ redis, prefix, jobState: jobState(queue) });
  cleanups.push(() => turns.close());
  const out = new PassThrough();
  const seen = { queued: [] as string[], logged: '' };
  out.on('data', (c: Buffer) => (seen.logged += c.toString()));
  const processor = orderedAnalyzeProcessor({
    lanes, turns, redis, prefix, log: createLogger({ out }), queues: { analyze: queue },
    onAlert: async (_lane, alertId) => void seen.queued.push(alertId),
  });
  return { redis, prefix, inner, turns, processor, seen, story, corpus };
}

describe('an analyze batch with a part that fails', () => {
  it('queues what it recorded, and its retry decides the rest once, in order', async () => {
    const batch = generateStream(12, 5);
    let failAt = -1;
    let failed = false;
    const { redis, prefix, inner, turns, processor, seen, story, corpus } = await harness((inner) => ({
      ...inner,
      async recordArticle(entry, alert) {
        if (!failed && entry.article.id === batch[failAt]!.id) {
          failed = true;
          throw new Error('store write failed (test)');
        }
        return inner.recordArticle(entry, alert);
      },
    }));
    const queued = seen.queued;
    // What one engine decides for the batch in order: which articles alert.
    const reference = createEngine(story, corpus);
    const alerting = batch.filter((a) => { const d = reference.classify(a); return d.relevant && d.novel; }).map((a) => a.id);
    // The write fails once, on the first article after the first alert.
    failAt = batch.findIndex((a) => a.id === alerting[0]) + 1;
    expect(failAt).toBeGreaterThan(0);
    expect(failAt).toBeLessThan(batch.length);
    const [job, ...more] = analyzeJobs('f', batch.map((article) => ({ article, backlog: false })));
    expect(more).toEqual([]);
    await turns.enqueue(STORY, [job!.jobId], async () => undefined);
    const asJob = { id: job!.jobId, data: job!.data } as Job<AnalyzeJob>;

    await expect(processor(asJob)).rejects.toThrow('store write failed (test)');
    // Recorded before the failure: decided, and its alert on its way already.
    expect((await inner.knowledgeSince(0)).entries.map((e) => e.article.id)).toEqual(batch.slice(0, failAt).map((a) => a.id));
    expect(queued.length).toBeGreaterThan(0);
    const alertsBefore = queued.length;

    // The retry: the job still heads the story's order and decides the rest.
    expect(await processor(asJob)).toMatch(/analysed/);
    const log = (await inner.knowledgeSince(0)).entries;
    expect(log.map((e) => e.article.id)).toEqual(batch.map((a) => a.id));
    expect(log.filter((e) => e.decision.relevant && e.decision.novel).map((e) => e.article.id)).toEqual(alerting);
    // Every alert the store holds (new developments and follow-ups) queued once: those
    // recorded before the failure by the failed attempt, the rest by the retry.
    const recorded = (await inner.recentAlerts(100)).map((r) => r.alert.id);
    expect([...queued].sort()).toEqual([...recorded].sort());
    expect(queued.length).toBeGreaterThan(alertsBefore);
    // The job has left the order.
    expect(await redis.llen(`${prefix}:turns:${STORY}`)).toBe(0);
  }, 60_000);

  it('decides the valid articles of a batch that holds a malformed one, and says which job it was', async () => {
    const { redis, prefix, inner: store, turns, processor, seen } = await harness();
    const batch = generateStream(6, 7);
    const items = batch.map((article) => ({ article, backlog: false }));
    // An item without text, as a producer of another version might queue it.
    const broken = { article: { ...batch[2]!, id: 'broken-1', content: undefined as unknown as string }, backlog: false };
    const [job] = analyzeJobs('f', [...items.slice(0, 3), broken, ...items.slice(3)]);
    await turns.enqueue(STORY, [job!.jobId], async () => undefined);

    expect(await processor({ id: job!.jobId, data: job!.data } as Job<AnalyzeJob>)).toMatch(/^6 analysed/);
    expect((await store.knowledgeSince(0)).entries.map((e) => e.article.id)).toEqual(batch.map((a) => a.id));
    expect(seen.logged).toContain(`analyze job ${job!.jobId}: 1 of 7 item(s) have no article id or text and are skipped`);
    expect(await redis.llen(`${prefix}:turns:${STORY}`)).toBe(0);
  }, 60_000);
});
