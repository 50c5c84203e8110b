/**
 * Per-target backoff after transient delivery failures (5xx, timeouts, network): each
 * failure in a row doubles the wait (1 s, 2 s, 4 s … up to 5 minutes), with full jitter
 * so many channels that failed together do not retry in step. A success resets it.
 */
export interface DeliveryBackoff {
  /** Whether the target may be tried at `now` (ms). */
  ready(target: string, now: number): boolean;
  /** A transient failure at `now`: returns how long the target now waits (ms). */
  failed(target: string, now: number): number;
  succeeded(target: string): void;
}

export function createDeliveryBackoff(opts: { baseMs?: number; maxMs?: number; random?: () => number } = {}): DeliveryBackoff {
  const base = opts.baseMs ?? 1000;
  const max = opts.maxMs ?? 5 * 60_000;
  const random = opts.random ?? Math.random;
  const state = new Map<string, { failures: number; until: number }>();
  return {
    ready: (target, now) => (state.get(target)?.until ?? 0) <= now,
    failed(target, now) {
      const failures = (state.get(target)?.failures ?? 0) + 1;
      const cap = Math.min(max, base * 2 ** (failures - 1));
      // Half fixed, half random: never sooner than half the step, never in lockstep.
      const wait = Math.round(cap / 2 + random() * (cap / 2));
      state.set(target, { failures, until: now + wait });
      return wait;
    },
    succeeded(target) {
      state.delete(target);
    },
  };
}
