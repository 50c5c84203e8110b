/**
 * Retention, the same for every store: analysed articles, follow-up alerts and the
 * developments that stopped getting reports leave after `days`; seen ids, which only stop
 * a feed's repeat from being analysed again, stay for `seenDays`. A development with a
 * report inside the window stays listable (`latest`, `digest`) with its alert, however
 * old the article that opened it.
 */
export interface RetentionPolicy {
  days: number;
  seenDays: number;
}

export const DEFAULT_RETENTION: RetentionPolicy = { days: 180, seenDays: 400 };

export const DAY_MS = 86_400_000;

/** How far the store's clock moves between sweeps: often enough, never per article. */
export const SWEEP_EVERY_MS = 3_600_000;

export interface RetentionCutoffs {
  /** Articles processed, follow-ups raised and developments last reported before this go. */
  before: number;
  seenBefore: number;
}

export function cutoffs(policy: RetentionPolicy, now: number): RetentionCutoffs {
  return { before: now - policy.days * DAY_MS, seenBefore: now - Math.max(policy.days, policy.seenDays) * DAY_MS };
}

export interface RetentionReport {
  articles: number;
  alerts: number;
  developments: number;
  seen: number;
}

/**
 * The store's clock is the processing time of what it records (the pipeline's `now`), so a
 * simulated clock ages the store exactly as a real one does. Says when to sweep next.
 */
export function sweepClock(): { due(at: number): boolean } {
  let last = Number.NEGATIVE_INFINITY;
  return {
    due(at) {
      if (!Number.isFinite(at) || at - last < SWEEP_EVERY_MS) return false;
      last = at;
      return true;
    },
  };
}

/**
 * A channel store's trim of what retired developments left (sent marks, thread refs): run
 * with the store's clock at each post, once an hour of it; a failure is warned of and the
 * trim tried again at the next hour.
 */
export function sentTrim(policy: RetentionPolicy, forget: (before: number) => unknown, warn?: (m: string) => void): (at: number) => Promise<void> {
  const clock = sweepClock();
  return async (at) => {
    if (!clock.due(at)) return;
    try {
      await forget(cutoffs(policy, at).before);
    } catch (err) {
      warn?.(`forgetting retired developments' threads failed: ${(err as Error).message}; tried again later`);
    }
  };
}
