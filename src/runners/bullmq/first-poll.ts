/**
 * The first-poll line on the BullMQ runner: whichever worker polls a feed, this process
 * reads the feeds' states from the store until every feed has been polled since it
 * started, then logs the same line as the embedded runner (how many answered, why the
 * others did not, what to do). Large deployments watch metrics instead: past MAX_FEEDS
 * feeds, or after GIVE_UP_MS (feeds backed off by an earlier run), nothing is said.
 */
import type { FeedConfig } from '../../config/app-config.js';
import type { Logger } from '../../log.js';
import type { StateStore } from '../../store/ports.js';
import { pollSummary, type FeedFailure } from '../poll-summary.js';

const MAX_FEEDS = 5000;
const GIVE_UP_MS = 10 * 60_000;

export interface FirstPollDeps {
  feeds: () => Promise<FeedConfig[]>;
  store: Pick<StateStore, 'getFeedState'>;
  log: Logger;
  everyMs?: number;
}

/** Starts watching; the returned function stops it (at shutdown). */
export function watchFirstPoll(deps: FirstPollDeps): () => void {
  const startedAt = new Date().toISOString();
  const until = Date.now() + GIVE_UP_MS;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const look = async (): Promise<boolean> => {
    const feeds = await deps.feeds();
    if (feeds.length > MAX_FEEDS || Date.now() > until) return true;
    if (!feeds.length) return false;
    const states = await Promise.all(feeds.map((f) => deps.store.getFeedState(f.id)));
    // Every feed polled since this process started (ISO times compare as strings).
    if (states.some((s) => !s?.lastPollAt || s.lastPollAt < startedAt)) return false;
    const failures: FeedFailure[] = states.flatMap((s) => (s && s.consecutiveFailures > 0 ? [{ feedId: s.feedId, error: s.lastError ?? 'failed' }] : []));
    const s = pollSummary(feeds.length, failures);
    deps.log[s.level](s.line);
    return true;
  };
  // Never what keeps the process alive.
  const later = () => {
    timer = setTimeout(loop, deps.everyMs ?? 2000);
    timer.unref();
  };
  const loop = () => {
    if (stopped) return;
    look().then((done) => {
      if (!done && !stopped) later();
    }, (err: Error) => {
      // Redis away for a moment: the next look may work; the runner reports Redis itself.
      deps.log.debug(`first-poll summary: ${err.message}`);
      if (!stopped) later();
    });
  };
  later();
  return () => {
    stopped = true;
    if (timer) clearTimeout(timer);
  };
}
