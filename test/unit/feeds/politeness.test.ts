import { describe, expect, it } from 'vitest';
import { createHostLimiter } from '../../../src/feeds/politeness.js';

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
    expect(starts.b[0]!).toBeLessThan(30);
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
});
