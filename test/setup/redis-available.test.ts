/** The Redis the suite runs on answers (configured, found, or started by global-setup.ts). */
import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { testRedis, TEST_REDIS_URL } from '../helpers/redis.js';

describe('the suite\'s Redis', () => {
  it('answers and takes writes under a test prefix', async () => {
    const { redis, prefix, cleanup } = await testRedis();
    try {
      await redis.set(`${prefix}k`, 'v');
      expect(await redis.get(`${prefix}k`)).toBe('v');
    } finally {
      await cleanup();
    }
    // For the test of the setup itself: which Redis this run got.
    if (process.env.STORYWATCH_TEST_REDIS_NOTE) writeFileSync(process.env.STORYWATCH_TEST_REDIS_NOTE, TEST_REDIS_URL);
  });
});
