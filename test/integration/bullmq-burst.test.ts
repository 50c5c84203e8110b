/**
 * Bursts on the BullMQ runner: the deliver job of one new development takes every new
 * development pending for its channel and posts them newest first under one header; the
 * other jobs find theirs delivered. Real Redis store; a capturing chat adapter.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PassThrough } from 'node:stream';
import type { Job } from 'bullmq';
import { deliverProcessor, type ProcessorDeps } from '../../src/runners/bullmq/processors.js';
import { createRedisStore } from '../../src/store/redis/redis-store.js';
import type { ChatAdapter } from '../../src/chat/ports.js';
import type { StateStore } from '../../src/store/ports.js';
import type { DeliverJob } from '../../src/runners/bullmq/names.js';
import { createLogger } from '../../src/log.js';
import { sampleAlert } from '../helpers/alerts.js';
import { testRedis } from '../helpers/redis.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

/** Three new developments pending for `target`, recorded out of time order; their alert ids. */
async function threeDevelopments(store: StateStore, target: string): Promise<string[]> {
  const ids: string[] = [];
  for (const [i, at] of ['2026-12-01T08:05:00Z', '2026-12-01T09:10:00Z', '2026-12-01T07:30:00Z'].entries()) {
    const alert = sampleAlert({ id: `dev-${i}:a${i}`, developmentId: `dev-${i}`, headline: `Development at ${at.slice(11, 16)}`, publishedAt: at });
    ids.push(alert.id);
    await store.recordArticle({ article: { id: `a${i}`, title: alert.headline, url: alert.link, source: 's', publishedAt: at, content: 'c' }, feedId: 'f', processedAt: at,
      decision: { relevant: true, novel: true, developmentId: alert.developmentId, duplicateOf: null, relevance: 1, novelty: 1, summary: '', facts: [], reasons: [] } }, { alert, targets: [target], createdAt: at });
  }
  return ids;
}

describe('BullMQ delivery of a burst', () => {
  it('posts every pending new development of a channel newest first under one header, each once', async () => {
    const { redis, prefix, cleanup } = await testRedis();
    cleanups.push(cleanup);
    const store = createRedisStore({ redis, prefix });
    const posted: string[] = [];
    const adapter: ChatAdapter = {
      name: 'capture', handles: (t) => t === 'slack:C1', close: async () => {}, postNotice: async () => {},
      postAlert: async (_t, a) => (posted.push(a.headline), {}),
      postText: async (_t, text) => void posted.push(text),
    };
    const ids = await threeDevelopments(store, 'slack:C1');
    const lane = { id: 'minerals-deal', store };
    const lanes = { primary: lane, all: [lane], get: () => lane, of: () => [lane] };
    const deliver = deliverProcessor({ store, lanes, adapters: [adapter], log: createLogger({ out: new PassThrough() }) } as unknown as ProcessorDeps);
    const job = (alertId: string) => ({ data: { alertId, target: 'slack:C1' } }) as Job<DeliverJob>;
    expect(await deliver(job(ids[0]!))).toBe('delivered 3 to slack:C1');
    expect(await deliver(job(ids[1]!))).toBe('already delivered');
    expect(await deliver(job(ids[2]!))).toBe('already delivered');
    expect(posted).toEqual(['3 new developments since 07:30 UTC, newest first:', 'Development at 09:10', 'Development at 08:05', 'Development at 07:30']);
    expect(await store.pendingDeliveries()).toEqual([]);
  });

  it('a burst cut short and taken up by another worker process continues under the header already posted', async () => {
    const { redis, prefix, cleanup } = await testRedis();
    cleanups.push(cleanup);
    const store = createRedisStore({ redis, prefix });
    const posted: string[] = [];
    let failAt: string | undefined = 'Development at 08:05';
    const adapter: ChatAdapter = {
      name: 'capture', handles: (t) => t === 'slack:C2', close: async () => {}, postNotice: async () => {},
      postAlert: async (_t, a) => {
        // The platform fails once mid-burst (a transient error): the job is retried elsewhere.
        if (a.headline === failAt) {
          failAt = undefined;
          throw new Error('socket hang up');
        }
        posted.push(a.headline);
        return {};
      },
      postText: async (_t, text) => void posted.push(text),
    };
    const ids = await threeDevelopments(store, 'slack:C2');
    // Two worker processes: each its own modules (nothing shared in memory) over the same Redis.
    const processor = async () => {
      vi.resetModules();
      const mod = await import('../../src/runners/bullmq/processors.js');
      const lane = { id: 'minerals-deal', store: createRedisStore({ redis, prefix }) };
      const lanes = { primary: lane, all: [lane], get: () => lane, of: () => [lane] };
      return mod.deliverProcessor({ store: lane.store, lanes, adapters: [adapter], log: createLogger({ out: new PassThrough() }) } as unknown as ProcessorDeps);
    };
    const job = (alertId: string) => ({ data: { alertId, target: 'slack:C2' } }) as Job<DeliverJob>;
    const [first, second] = [await processor(), await processor()];
    await expect(first(job(ids[0]!))).rejects.toThrow(/socket hang up/);
    expect(await second(job(ids[0]!))).toBe('delivered 2 to slack:C2');
    expect(posted).toEqual(['3 new developments since 07:30 UTC, newest first:', 'Development at 09:10', 'Development at 08:05', 'Development at 07:30']);
    expect(await store.pendingDeliveries()).toEqual([]);
  });
});

