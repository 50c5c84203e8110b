/**
 * Per-host politeness: at most `maxConcurrent` requests to one host at a time, at
 * least `minIntervalMs` between their starts (both overridable per host name), and a host that answered Retry-After is
 * left alone until then (for all its feeds, not only the one that got the answer).
 * Per process: several BullMQ workers each keep their own pace.
 *
 * With `maxWaitMs`, nobody sleeps inside the limiter for longer than that: a caller who
 * would have to wait longer gets a HostBusyError saying when to come back, so one
 * host's Retry-After (or a slow host holding its slots) cannot hold a poll cycle,
 * a delivery round or a shutdown hostage.
 */
export interface HostLimiter {
  run<T>(host: string, fn: () => Promise<T>): Promise<T>;
  /** A host asked us to wait (429/503 Retry-After). */
  backOff(host: string, ms: number): void;
}

/** Not a failure of the host: it is busy or asked us to wait; try again in `retryInMs`. */
export class HostBusyError extends Error {
  constructor(readonly host: string, readonly retryInMs: number) {
    super(`${host} is busy or asked us to wait; deferred for ${Math.ceil(retryInMs / 1000)} s`);
    this.name = 'HostBusyError';
  }
}

interface HostState {
  active: number;
  nextStart: number;
  waiters: Array<() => void>;
}

/** One host's own pace, overriding the defaults (e.g. Google News allows more than 1/s). */
export interface HostRule {
  intervalMs?: number | undefined;
  concurrency?: number | undefined;
}

export function createHostLimiter(opts: { minIntervalMs: number; maxConcurrent: number; maxWaitMs?: number; now?: () => number; perHost?: Record<string, HostRule> | undefined }): HostLimiter {
  const now = opts.now ?? Date.now;
  // Keyed by host name (a rule for "news.google.com" covers it on any port).
  const rule = (host: string) => opts.perHost?.[host] ?? opts.perHost?.[host.replace(/:\d+$/, '')];
  const intervalOf = (host: string) => rule(host)?.intervalMs ?? opts.minIntervalMs;
  const concurrencyOf = (host: string) => rule(host)?.concurrency ?? opts.maxConcurrent;
  const maxWait = opts.maxWaitMs ?? Infinity;
  const hosts = new Map<string, HostState>();
  const state = (host: string) => {
    let s = hosts.get(host);
    if (!s) hosts.set(host, (s = { active: 0, nextStart: 0, waiters: [] }));
    return s;
  };
  const waitForSlot = (s: HostState, ms: number) => new Promise<void>((resolve) => {
    const wake = () => {
      clearTimeout(timer);
      resolve();
    };
    const timer = ms === Infinity ? undefined : setTimeout(() => {
      s.waiters = s.waiters.filter((w) => w !== wake);
      resolve();
    }, ms);
    s.waiters.push(wake);
  });
  const acquire = async (host: string) => {
    const s = state(host);
    const giveUpAt = now() + maxWait;
    const interval = intervalOf(host);
    while (s.active >= concurrencyOf(host)) {
      const left = giveUpAt - now();
      if (left <= 0) throw new HostBusyError(host, Math.max(interval, 1000));
      await waitForSlot(s, left);
    }
    const wait = s.nextStart - now();
    // Reserve nothing when giving up: the host's schedule stays as it was.
    if (wait > maxWait) throw new HostBusyError(host, wait);
    s.active++;
    s.nextStart = Math.max(now(), s.nextStart) + interval;
    if (wait > 0) {
      await new Promise((r) => setTimeout(r, wait));
      // A timer that fired late (a busy machine) started this request late: the next one
      // keeps its distance from when this one really started, not from when it was due.
      s.nextStart = Math.max(s.nextStart, now() + interval);
    }
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
