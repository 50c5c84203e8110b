import { describe, expect, it } from 'vitest';
import { createHostLimiter, HostBusyError } from '../../../src/feeds/politeness.js';

describe('per-host politeness', () => {
  it('spaces requests to one host and runs other hosts in parallel', async () => {
    const limiter = createHostLimiter({ minIntervalMs: 40, maxConcurrent: 1 });
    const starts: { a: number[]; b: number[] } = { a: [], b: [] };
    const t0 = Date.now();
    const job = (host: 'a' | 'b') => limiter.run(host, async () => {
      starts[host].push(Date.now() - t0);
    });
    await Promise.all([job('a'), job('a'), job('a'), job('b')]);
    expect(starts.a).toHaveLength(3);
    expect(starts.a[1]! - starts.a[0]!).toBeGreaterThanOrEqual(35);
    expect(starts.a[2]! - starts.a[1]!).toBeGreaterThanOrEqual(35);
    // Host b waits for nothing: it starts before host a's second turn, however busy the machine.
    expect(starts.b[0]!).toBeLessThan(starts.a[1]!);
  });

  it('a wait that ends late (a busy machine) moves the next start too: starts stay minIntervalMs apart', async () => {
    // The clock jumps 25 ms while the second request sleeps, as when its timer fires late.
    let lag = 0;
    const t0 = Date.now();
    const now = () => Date.now() - t0 + lag;
    const limiter = createHostLimiter({ minIntervalMs: 40, maxConcurrent: 1, now });
    const late = setTimeout(() => { lag = 25; }, 15);
    const starts: number[] = [];
    const job = () => limiter.run('a', async () => {
      starts.push(now());
    });
    await Promise.all([job(), job(), job()]);
    clearTimeout(late);
    expect(starts[1]! - starts[0]!).toBeGreaterThanOrEqual(35 + 25);
    expect(starts[2]! - starts[1]!).toBeGreaterThanOrEqual(35);
  });

  it('never runs more than maxConcurrent requests to a host at once', async () => {
    const limiter = createHostLimiter({ minIntervalMs: 0, maxConcurrent: 2 });
    let active = 0;
    let peak = 0;
    await Promise.all(Array.from({ length: 8 }, () => limiter.run('h', async () => {
      active++;
      peak = Math.max(peak, active);
      await new Promise((r) => setTimeout(r, 5));
      active--;
    })));
    expect(peak).toBe(2);
  });

  it('a Retry-After from a host holds back the next request to it', async () => {
    const limiter = createHostLimiter({ minIntervalMs: 0, maxConcurrent: 1 });
    limiter.backOff('slow', 60);
    const t0 = Date.now();
    await limiter.run('slow', async () => {});
    expect(Date.now() - t0).toBeGreaterThanOrEqual(55);
  });

  it('with maxWaitMs nobody sleeps on a host that asked for a long wait: the caller is told when to come back', async () => {
    const limiter = createHostLimiter({ minIntervalMs: 0, maxConcurrent: 1, maxWaitMs: 50 });
    limiter.backOff('busy', 40_000);
    let ran = false;
    const err = await limiter.run('busy', async () => (ran = true)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HostBusyError);
    expect((err as HostBusyError).retryInMs).toBeGreaterThan(39_000);
    expect(ran).toBe(false);
    // Other hosts are untouched, and a host whose slots stay taken defers its next caller too.
    expect(await limiter.run('other', async () => 'ok')).toBe('ok');
    let release!: () => void;
    const holding = limiter.run('slow', () => new Promise<void>((r) => (release = r)));
    await expect(limiter.run('slow', async () => 'never')).rejects.toBeInstanceOf(HostBusyError);
    release();
    await holding;
    expect(await limiter.run('slow', async () => 'after')).toBe('after');
  });
});
