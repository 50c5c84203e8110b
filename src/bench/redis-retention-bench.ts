/**
 * Redis memory under retention (part of `npm run bench`): the Redis store records a
 * generated stream on a simulated clock (720 articles a day, a tenth of them alerted,
 * a tenth follow-ups) for three retention windows, with a short window so it runs in
 * seconds. Sampled every half window: the bytes Redis attributes to the store's keys
 * (MEMORY USAGE per key), the articles kept, and bytes per kept article. Once the window
 * has passed, the total stays flat: what ages out leaves as fast as what arrives.
 */
import { Redis } from 'ioredis';
import type { AlertRecord, ProcessedArticle } from '../store/ports.js';
import { createRedisStore } from '../store/redis/redis-store.js';
import { DAY_MS } from '../store/retention.js';
import { streamArticles } from './generate.js';

const PER_DAY = 720;

export interface RetentionSample {
  day: number;
  kept: number;
  bytes: number;
}

async function keyBytes(redis: Redis, prefix: string): Promise<number> {
  let cursor = '0';
  let total = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    for (const k of keys) total += Number((await redis.call('MEMORY', 'USAGE', k, 'SAMPLES', '0')) ?? 0);
  } while (cursor !== '0');
  return total;
}

export function entryFor(article: ProcessedArticle['article'], i: number, at: string): { entry: ProcessedArticle; alert?: AlertRecord } {
  const relevant = i % 10 < 4;
  const dev = `dev-${Math.floor(i / 5).toString(16)}`;
  const entry: ProcessedArticle = {
    article, feedId: `feed${i % 50}`, processedAt: at,
    decision: {
      relevant, novel: i % 10 === 0, developmentId: relevant ? dev : null, duplicateOf: null, relevance: 0.8, novelty: 0.6,
      summary: relevant ? article.title : '', facts: [], reasons: ['matched 3 of 3 concept groups', 'same event as a known development (62% likely)'],
    },
  };
  if (i % 10 === 0 || i % 10 === 1) {
    const alert: AlertRecord = {
      alert: {
        id: `${dev}:${article.id}`, storyId: 'minerals-deal', storyName: 'US–Ukraine minerals deal', headline: article.title, whatIsNew: article.content.slice(0, 200),
        newFacts: [], sources: [{ name: article.source, url: article.url }], link: article.url, developmentId: dev, confidence: 0.8, reason: 'new development',
        publishedAt: article.publishedAt, ...(i % 10 === 1 ? { kind: 'follow-up' as const } : {}),
      },
      targets: ['console', 'slack:C0123ABCD'], createdAt: at,
    };
    return { entry, alert };
  }
  return { entry };
}

export async function retentionSamples(redisUrl: string, windowDays = 10): Promise<RetentionSample[]> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 2 });
  const prefix = `sw-bench-retention-${process.pid}:`;
  const store = createRedisStore({ redis, prefix, retention: { days: windowDays, seenDays: windowDays } });
  const start = Date.UTC(2026, 0, 1);
  const days = windowDays * 3;
  const samples: RetentionSample[] = [];
  try {
    let i = 0;
    for (const article of streamArticles(days * PER_DAY, 17, { start, stepMinutes: (24 * 60) / PER_DAY })) {
      const { entry, alert } = entryFor(article, i, article.publishedAt);
      await store.recordArticle(entry, alert);
      // Most posts go out: what is left pending is the last few minutes' worth.
      if (alert && i % 3 !== 0) for (const t of alert.targets) await store.markDelivered(alert.alert.id, t);
      i++;
      if (i % ((PER_DAY * windowDays) / 2) === 0) {
        samples.push({ day: (Date.parse(article.publishedAt) - start) / DAY_MS, kept: await store.knowledgeCount!(0), bytes: await keyBytes(redis, prefix) });
      }
    }
    return samples;
  } finally {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== '0');
    await redis.quit();
  }
}

export function retentionTable(samples: RetentionSample[], windowDays: number): string {
  return [
    `| simulated day (window ${windowDays} days) | articles kept | Redis bytes (store's keys) | bytes per kept article |`,
    '|---|---|---|---|',
    ...samples.map((s) => `| ${s.day.toFixed(0)} | ${s.kept.toLocaleString('en-US')} | ${(s.bytes / 1048576).toFixed(1)} MB | ${(s.bytes / Math.max(1, s.kept)).toFixed(0)} |`),
  ].join('\n');
}

export async function redisRetentionBench(redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', windowDays = 10): Promise<void> {
  process.stderr.write(`recording ${windowDays * 3} simulated days into Redis (${PER_DAY} articles a day)...\n`);
  const samples = await retentionSamples(redisUrl, windowDays);
  console.log(`\nRedis store under retention: ${PER_DAY} articles a day on a simulated clock, ${windowDays}-day window (the default is 180; the shape is the same)`);
  console.log(retentionTable(samples, windowDays));
  const after = samples.filter((s) => s.day > windowDays);
  if (after.length > 1) {
    const lo = Math.min(...after.map((s) => s.bytes));
    const hi = Math.max(...after.map((s) => s.bytes));
    const spread = (hi - lo) / lo;
    console.log(`after the window: ${(lo / 1048576).toFixed(1)}–${(hi / 1048576).toFixed(1)} MB, ${(spread * 100).toFixed(1)}% apart: ${spread < 0.1 ? 'flat' : 'NOT flat'}`);
  }
}
