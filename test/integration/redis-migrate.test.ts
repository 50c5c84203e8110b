/**
 * A Redis written by the previous store layout (seen ids in a set, the knowledge log and
 * the alert order in lists) is moved to sorted sets in place on first use: nothing seen is
 * analysed again, the log keeps its order and cursor, pending deliveries stay pending, and
 * retention can trim it from then on. Real Redis, unique prefix.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createRedisStore } from '../../src/store/redis/redis-store.js';
import type { AlertRecord, ProcessedArticle } from '../../src/store/ports.js';
import { testRedis } from '../helpers/redis.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

const entry = (id: string): ProcessedArticle => ({
  article: { id, title: `t ${id}`, url: `https://x/${id}`, source: 's', publishedAt: '2026-11-01T00:00:00Z', content: 'c' },
  feedId: 'f1',
  decision: { relevant: true, novel: true, developmentId: `dev-${id}`, duplicateOf: null, relevance: 1, novelty: 1, summary: '', facts: [], reasons: [] },
  processedAt: '2026-11-01T00:00:00Z',
});
const alert = (id: string, kind?: 'follow-up'): AlertRecord => ({
  alert: { id: `dev-${id}:${id}`, developmentId: `dev-${id}`, headline: `h ${id}`, ...(kind ? { kind } : {}) } as AlertRecord['alert'],
  targets: ['console'], createdAt: '2026-11-01T00:00:00Z',
});

describe('Redis store: the previous key layout', () => {
  it('is migrated in place on first use, keeping what was seen, the log order, the cursor and pending deliveries', async () => {
    const { redis, prefix, cleanup } = await testRedis();
    cleanups.push(cleanup);
    // As the schema-1 store wrote them.
    await redis.sadd(`${prefix}seen`, 'a', 'b', 'c');
    await redis.rpush(`${prefix}log`, JSON.stringify(entry('a')), JSON.stringify(entry('b')), JSON.stringify(entry('c')));
    await redis.hset(`${prefix}alerts`, 'dev-a:a', JSON.stringify(alert('a')), 'dev-a:c', JSON.stringify({ ...alert('c', 'follow-up'), alert: { ...alert('c').alert, id: 'dev-a:c', developmentId: 'dev-a', kind: 'follow-up' } }));
    await redis.rpush(`${prefix}alert-order`, 'dev-a:a', 'dev-a:c');
    await redis.hset(`${prefix}dev-alert`, 'dev-a', 'dev-a:a');
    await redis.sadd(`${prefix}pending`, 'dev-a:a\nconsole');

    const store = createRedisStore({ redis, prefix });
    expect(await store.hasSeen('b')).toBe(true);
    expect(await store.recordArticle(entry('b'))).toBe(false);
    const log = await store.knowledgeSince(0);
    expect(log.entries.map((e) => e.article.id)).toEqual(['a', 'b', 'c']);
    // A cursor handed out by the old store (entries read so far) still means the same place.
    expect((await store.knowledgeSince(2)).entries.map((e) => e.article.id)).toEqual(['c']);
    expect(await store.recordArticle(entry('d'), alert('d'))).toBe(true);
    expect((await store.knowledgeSince(log.cursor)).entries.map((e) => e.article.id)).toEqual(['d']);
    expect((await store.recentAlerts(5)).map((r) => r.alert.id)).toEqual(['dev-d:d', 'dev-a:c', 'dev-a:a']);
    expect((await store.pendingDeliveries()).map((p) => p.record.alert.id).sort()).toEqual(['dev-a:a', 'dev-d:d']);
    expect(await redis.type(`${prefix}seen`)).toBe('zset');
    // From now on retention trims what the old layout kept forever.
    const swept = await store.applyRetention!(new Date('2027-12-01T00:00:00Z'));
    expect(swept.articles).toBeGreaterThanOrEqual(3);
    expect(await store.recentAlerts(5)).toEqual([]);
    // Seen ids count from the migration and stay 400 days.
    expect(await store.hasSeen('a')).toBe(true);
    await store.applyRetention!(new Date('2028-03-01T00:00:00Z'));
    expect(await store.hasSeen('a')).toBe(false);
  });
});
