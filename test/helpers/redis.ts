import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';

export const TEST_REDIS_URL = process.env.STORYWATCH_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A real Redis connection and a key prefix unique to one test; cleanup deletes every key under it. */
export async function testRedis(): Promise<{ redis: Redis; prefix: string; cleanup: () => Promise<void> }> {
  const redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 3, lazyConnect: true });
  await redis.connect();
  const prefix = `sw-test:${randomUUID()}:`;
  return {
    redis,
    prefix,
    async cleanup() {
      await deleteByPrefix(redis, prefix);
      await redis.quit();
    },
  };
}

export async function deleteByPrefix(redis: Redis, prefix: string): Promise<number> {
  let cursor = '0';
  let deleted = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
    cursor = next;
    if (keys.length) deleted += await redis.del(...keys);
  } while (cursor !== '0');
  return deleted;
}
