/**
 * Per-story turns on real Redis, the cases that stalled two workers: a job decided for it
 * by a process running ahead (popped from the order, its nudge missed) must finish at its
 * next look, not be listed again at the end and hold its worker slot until the story's
 * whole order has drained; and a job whose poll died before listing it is still listed.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createTurns, type Turns } from '../../src/runners/bullmq/turns.js';
import { testRedis } from '../helpers/redis.js';

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function setup(): Promise<{ turns: Turns; list: () => Promise<string[]>; key: string; push: (...ids: string[]) => Promise<unknown> }> {
  const { redis, prefix, cleanup } = await testRedis();
  cleanups.push(cleanup);
  // The head's job is being worked on and does not move while the test looks.
  const turns = createTurns({ redis, prefix: prefix.slice(0, -1), jobState: async () => 'active', staleMs: 100 });
  cleanups.push(() => turns.close());
  const key = `${prefix.slice(0, -1)}:turns:story`;
  return { turns, key, list: () => redis.lrange(key, 0, -1), push: (...ids) => redis.rpush(key, ...ids) };
}

describe('per-story turns', () => {
  it('a job decided for it while it waited finishes at its next look instead of queueing again at the end', async () => {
    const { turns, list, push } = await setup();
    await push('head', 'later');
    const started = Date.now();
    const outcome = await turns.wait('story', 'decided-job', async () => true);
    expect(outcome).toBe('turn');
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(await list()).toEqual(['head', 'later']);
  });

  it('a job missing from the order and not decided is listed at its end, and has its turn when it heads it', async () => {
    const { turns, list, push, } = await setup();
    await push('head');
    const waiting = turns.wait('story', 'unlisted', async () => false);
    for (let i = 0; i < 50 && !(await list()).includes('unlisted'); i++) await new Promise((r) => setTimeout(r, 20));
    expect(await list()).toEqual(['head', 'unlisted']);
    expect(await turns.done('story', 'head')).toBe('unlisted');
    expect(await waiting).toBe('turn');
  });
});
