/**
 * Per-story turns on real Redis, the cases that stalled two workers: a job decided for it
 * by a process running ahead (popped from the order, its nudge missed) must finish at its
 * next look, not be listed again at the end and hold its worker slot until the story's
 * whole order has drained; and a job whose poll died before listing it is still listed.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createTurns, deciderClaim, type Turns } from '../../src/runners/bullmq/turns.js';
import { testRedis } from '../helpers/redis.js';

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

interface Setup {
  turns: Turns;
  /** Another process's turns on the same Redis. */
  other: () => Turns;
  list: () => Promise<string[]>;
  key: string;
  push: (...ids: string[]) => Promise<unknown>;
  /** Resolves once `n` turns are subscribed to the wake channel. */
  listeners: (n: number) => Promise<void>;
  /** What is published on the wake channel from now on. */
  messages: () => Promise<string[]>;
  redis: import('ioredis').Redis;
  prefix: string;
}

async function setup(staleMs = 100): Promise<Setup> {
  const { redis, prefix: keyPrefix, cleanup } = await testRedis();
  cleanups.push(cleanup);
  // The deployment's prefix, without the key separator the helper ends it with.
  const prefix = keyPrefix.slice(0, -1);
  // The head's job is being worked on and does not move while the test looks.
  const make = () => {
    const t = createTurns({ redis, prefix, jobState: async () => 'active', staleMs });
    cleanups.push(() => t.close());
    return t;
  };
  const key = `${prefix}:turns:story`;
  const listeners = async (n: number) => {
    for (let i = 0; i < 100; i++) {
      const [, count] = (await redis.pubsub('NUMSUB', `${prefix}:turns`)) as [string, number];
      if (Number(count) >= n) return;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`fewer than ${n} turns subscribed after 2 s`);
  };
  const messages = async () => {
    const sub = redis.duplicate();
    cleanups.push(() => sub.quit());
    const heard: string[] = [];
    sub.on('message', (_c: string, m: string) => heard.push(m));
    await sub.subscribe(`${prefix}:turns`);
    return heard;
  };
  return { turns: make(), other: make, key, list: () => redis.lrange(key, 0, -1), push: (...ids) => redis.rpush(key, ...ids), listeners, messages, redis, prefix };
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

  it('a job decided by another process while it was not waiting (still preparing) has its turn at its next wait, not after the stale check', async () => {
    // A stale check a minute away: only the kept wake can end this wait in time.
    const { turns, other, push, listeners } = await setup(60_000);
    const elsewhere = other();
    await listeners(2);
    await push('head', 'later');
    turns.enter('prepared-job');
    await elsewhere.nudge('prepared-job');
    // The wake is on its way through Redis; the wait starts only once it has arrived.
    await new Promise((r) => setTimeout(r, 300));
    const outcome = await Promise.race([turns.wait('story', 'prepared-job', async () => false), new Promise((r) => setTimeout(r, 3_000, 'lost'))]);
    expect(outcome).toBe('turn');
    turns.leave('prepared-job');
  });

  it('jobs queued twice (two polls of one feed before its articles are decided) are listed once, and again once done', async () => {
    const { turns, list } = await setup();
    const added: string[][] = [];
    await turns.enqueue('story', ['a', 'b'], async () => added.push(['a', 'b']));
    await turns.enqueue('story', ['a', 'b', 'c'], async () => added.push(['a', 'b', 'c']));
    // The queue was still asked both times (BullMQ keeps one job per id).
    expect(added).toHaveLength(2);
    expect(await list()).toEqual(['a', 'b', 'c']);
    expect(await turns.done('story', 'a')).toBe('b');
    await turns.enqueue('story', ['a'], async () => undefined);
    expect(await list()).toEqual(['b', 'c', 'a']);
  });

  it('a job that already left the order (decided for it elsewhere) finishes without scanning it or waking anyone', async () => {
    const { turns, list, messages } = await setup();
    await turns.enqueue('story', ['x', 'y'], async () => undefined);
    const heard = await messages();
    expect(await turns.done('story', 'decided-elsewhere')).toBe('x');
    // A listed job that is not the head still leaves early, and the head is announced.
    expect(await turns.done('story', 'y')).toBe('x');
    await new Promise((r) => setTimeout(r, 200));
    expect(heard).toEqual(['x']);
    expect(await list()).toEqual(['x']);
  });

  it('two processes enqueueing one story at once list their jobs in the order they queue them', async () => {
    const { turns, other, list } = await setup();
    const queued: string[] = [];
    // The first add is slow: the second enqueue must wait for it, not list its job in between.
    let started!: () => void;
    const first = new Promise<void>((r) => (started = r));
    const a = turns.enqueue('story', ['a1', 'a2'], async () => {
      started();
      await new Promise((r) => setTimeout(r, 150));
      queued.push('a1', 'a2');
    });
    await first;
    const b = other().enqueue('story', ['b1'], async () => void queued.push('b1'));
    await Promise.all([a, b]);
    expect(queued).toEqual(['a1', 'a2', 'b1']);
    expect(await list()).toEqual(['a1', 'a2', 'b1']);
  });

  it('a round\'s jobs of several stories are listed under all their claims at once; a poll of one of them waits for it', async () => {
    const { turns, other, redis, prefix } = await setup();
    const order = (story: string) => redis.lrange(`${prefix}:turns:${story}`, 0, -1);
    const queued: string[] = [];
    let started!: () => void;
    const first = new Promise<void>((r) => (started = r));
    const round = turns.enqueueAll([{ story: 's1', jobIds: ['r1'] }, { story: 's2', jobIds: ['r2', 'r3'] }, { story: 's1', jobIds: ['r4'] }], async () => {
      started();
      await new Promise((r) => setTimeout(r, 150));
      queued.push('r1', 'r2', 'r4', 'r3');
    });
    await first;
    const later = other().enqueue('s2', ['p1'], async () => void queued.push('p1'));
    await Promise.all([round, later]);
    expect(queued).toEqual(['r1', 'r2', 'r4', 'r3', 'p1']);
    expect(await order('s1')).toEqual(['r1', 'r4']);
    expect(await order('s2')).toEqual(['r2', 'r3', 'p1']);
    // Every claim was released: another round takes them at once.
    expect(await redis.keys(`${prefix}:turns:*:enqueue`)).toEqual([]);
  });

  it('a job leaving the order releases its decider\'s claim in the same step', async () => {
    const { turns, redis, prefix } = await setup();
    await turns.enqueue('story', ['j1', 'j2'], async () => undefined);
    await redis.set(deciderClaim(prefix, 'j1'), '1', 'PX', 30_000);
    expect(await turns.done('story', 'j1')).toBe('j2');
    expect(await redis.exists(deciderClaim(prefix, 'j1'))).toBe(0);
  });
});
