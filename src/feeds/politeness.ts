/**
 * Per-host politeness: at most `maxConcurrent` requests to one host at a time, at
 * least `minIntervalMs` between their starts, and a host that answered Retry-After is
 * left alone until then (for all its feeds, not only the one that got the answer).
 * Per process: several BullMQ workers each keep their own pace.
 */
export interface HostLimiter {
  run<T>(host: string, fn: () => Promise<T>): Promise<T>;
  /** A host asked us to wait (429/503 Retry-After). */
  backOff(host: string, ms: number): void;
}

interface HostState {
  active: number;
  nextStart: number;
  waiters: Array<() => void>;
}

export function createHostLimiter(opts: { minIntervalMs: number; maxConcurrent: number; now?: () => number }): HostLimiter {
  const now = opts.now ?? Date.now;
  const hosts = new Map<string, HostState>();
  const state = (host: string) => {
    let s = hosts.get(host);
    if (!s) hosts.set(host, (s = { active: 0, nextStart: 0, waiters: [] }));
    return s;
  };
  const acquire = async (host: string) => {
    const s = state(host);
    while (s.active >= opts.maxConcurrent) await new Promise<void>((r) => s.waiters.push(r));
    s.active++;
    const wait = s.nextStart - now();
    s.nextStart = Math.max(now(), s.nextStart) + opts.minIntervalMs;
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  };
  const release = (host: string) => {
    const s = state(host);
    s.active--;
    s.waiters.shift()?.();
    if (s.active === 0 && s.waiters.length === 0 && s.nextStart <= now()) hosts.delete(host);
  };
  return {
    async run(host, fn) {
      await acquire(host);
      try {
        return await fn();
      } finally {
        release(host);
      }
    },
    backOff(host, ms) {
      const s = state(host);
      s.nextStart = Math.max(s.nextStart, now() + ms);
    },
  };
}
