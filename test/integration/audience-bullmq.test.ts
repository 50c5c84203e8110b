/**
 * Knowledge is per audience in the BullMQ runner too (issue 22, item 1): real Redis under
 * a prefix of its own, the real Bolt client against a local fake Slack Web API. A public
 * report of an event C1 was never sent (it opened in C2's private feed) opens the
 * development in C1, not a follow-up that never arrives.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { audienceWorld } from '../helpers/audience.js';
import { deleteByPrefix, TEST_REDIS_URL } from '../helpers/redis.js';
import { waitFor } from '../helpers/workers.js';

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

describe('BullMQ runner: a development is new to each channel until that channel is sent it', () => {
  it('item 1: C2\'s private report opens it in C2; the public report opens it in C1 and follows up in C2\'s thread', async () => {
    const queuePrefix = `sw-audience-${randomUUID().slice(0, 8)}`;
    const redis = new Redis(TEST_REDIS_URL);
    cleanups.push(async () => {
      await deleteByPrefix(redis, queuePrefix);
      await redis.quit();
    });
    const { app, server, posts } = await audienceWorld(cleanups, [], { redisUrl: TEST_REDIS_URL, queuePrefix, pollIntervalSeconds: 1 });
    await app.channels.putChannel({ channel: 'slack:C2', watch: [], feeds: [{ id: 'x', url: server.feedUrls.eastdesk! }] });
    await app.start();
    const seen = () => redis.zcard(`${queuePrefix}:minerals-deal:seen`);
    // globalpost's backlog (h05, h07) and eastdesk's (h02, h03), learned silently.
    await waitFor('both feeds\' backlog', async () => (await seen()) === 4, 30_000);
    server.reveal(1); // h08 on C2's private eastdesk
    await waitFor('the alert in C2', () => posts('C2').length === 1, 30_000);
    server.reveal(1); // h09 on public globalpost, the same event
    await waitFor('the report in C1 and C2', () => posts('C1').length === 1 && posts('C2').length === 2, 30_000);
    expect(posts('C1')[0]!.thread).toBeUndefined();
    expect(posts('C1')[0]!.text).toMatch(/^New development: DFC puts/);
    expect(posts('C2')[1]).toMatchObject({ thread: expect.any(String), text: expect.stringMatching(/^Also reported/) });
  }, 60_000);
});
