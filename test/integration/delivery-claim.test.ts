/**
 * Issue 22.3: the BullMQ delivery claim is short and renewed by its holder. While a post
 * is in flight the claim's key lives at most DELIVERY_CLAIM_MS (a killed worker's claim is
 * gone that soon, not after 60 s), and a holder at work longer than that keeps it. Real Redis.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { PassThrough } from 'node:stream';
import type { Job } from 'bullmq';
import { deliverProcessor, type ProcessorDeps } from '../../src/runners/bullmq/processors.js';
import { DELIVERY_CLAIM_MS, holdClaim } from '../../src/runners/bullmq/claim.js';
import { createRedisStore } from '../../src/store/redis/redis-store.js';
import type { ChatAdapter } from '../../src/chat/ports.js';
import type { DeliverJob } from '../../src/runners/bullmq/names.js';
import { createLogger } from '../../src/log.js';
import { sampleAlert } from '../helpers/alerts.js';
import { testRedis } from '../helpers/redis.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});
const log = createLogger({ out: new PassThrough() });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('BullMQ delivery claim', () => {
  it('while a post is in flight, the channel\'s claim expires within a few seconds unless renewed', async () => {
    const { redis, prefix, cleanup } = await testRedis();
    cleanups.push(cleanup);
    const store = createRedisStore({ redis, prefix });
    let inFlight!: () => void;
    const posting = new Promise<void>((r) => (inFlight = r));
    let finish!: () => void;
    const adapter: ChatAdapter = {
      name: 'slow', handles: () => true, close: async () => {}, postNotice: async () => {},
      postAlert: () => new Promise((r) => {
        inFlight();
        finish = () => r({});
      }),
    };
    const alert = sampleAlert();
    await store.recordArticle({ article: { id: 'a1', title: 't', url: alert.link, source: 's', publishedAt: '', content: '' }, feedId: 'f', processedAt: '2026-12-01T00:00:00Z',
      decision: { relevant: true, novel: true, developmentId: alert.developmentId, duplicateOf: null, relevance: 1, novelty: 1, summary: '', facts: [], reasons: [] } }, { alert, targets: ['slack:C1'], createdAt: '2026-12-01T00:00:00Z' });
    const lane = { id: 'minerals-deal', store };
    const deliver = deliverProcessor({ store, lanes: { primary: lane, all: [lane], get: () => lane, of: () => [lane] }, adapters: [adapter], log } as unknown as ProcessorDeps);
    const done = deliver({ data: { alertId: alert.id, target: 'slack:C1' } } as Job<DeliverJob>);
    await posting;
    const ttl = await redis.pttl(`${prefix}lock:deliver:slack:C1:developments`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(DELIVERY_CLAIM_MS);
    finish();
    expect(await done).toBe('delivered 1 to slack:C1');
    expect(await redis.exists(`${prefix}lock:deliver:slack:C1:developments`)).toBe(0);
  });

  it('a holder at work keeps its claim past the TTL; a holder that stops renewing (killed) loses it within the TTL', async () => {
    const { redis, prefix, cleanup } = await testRedis();
    cleanups.push(cleanup);
    const store = createRedisStore({ redis, prefix });
    const release = await holdClaim(store, 'k', log, 300);
    expect(release).toBeDefined();
    await sleep(900);
    expect(await store.tryLock('k', 300)).toBeUndefined();
    await release!();
    const other = await store.tryLock('k', 300);
    expect(other).toBeDefined();
    // `other` is never renewed, as if its worker was killed: gone within its TTL.
    await sleep(450);
    expect(await store.tryLock('k', 300)).toBeDefined();
  });
});
