/**
 * In-process runner (embedded default): timers drive the same pipeline functions the
 * BullMQ runner uses. Each tick starts a poll of every due feed, analyses the new
 * articles of the feeds that answered in publication order, and saves their state.
 * Delivery runs on its own timer, beside polling, so a chat API that hangs never stops
 * polling; and a feed that is slow to answer never holds back the others: its articles
 * are analysed in the tick after it answers.
 */
import type { FeedConfig } from '../config/app-config.js';
import type { Logger } from '../log.js';
import type { Metrics } from '../observability/metrics.js';
import type { Article } from '../domain/article.js';
import { analyzeArticle, type AnalyzeDeps } from '../pipeline/analyze-article.js';
import { inBatches } from '../pipeline/batches.js';
import { deliverPending, postNotice, type DeliverDeps } from '../pipeline/deliver-alert.js';
import { pollFeed, type PollDeps, type PollOutcome } from '../pipeline/poll-feed.js';
import { backlogFor, type Lanes, type StoryLane } from '../pipeline/stories.js';
import { pollSummary, type FeedFailure } from './poll-summary.js';

export interface RunnerDeps {
  /** Read every tick: channels may add and remove feeds while running. */
  feeds: () => Promise<FeedConfig[]>;
  poll: PollDeps;
  analyze: AnalyzeDeps;
  deliver: DeliverDeps;
  /** Every story tracked (each with its engine and store); absent: `analyze` alone. */
  lanes?: Lanes;
  log: Logger;
  /** Milliseconds between ticks (feeds not yet due are skipped inside a tick). */
  tickMs: number;
  /** How many feeds are fetched at once. */
  concurrency?: number;
  /** Targets told about a feed (paused, back); default: the alert targets. */
  feedAudience?: (feedId: string) => Promise<string[]>;
  metrics?: Metrics;
  /** How often pending deliveries are attempted (default 1 s). */
  deliverEveryMs?: number;
  /** Longest stop() waits for posts in flight; cut-off alerts stay pending (default 2 s). */
  stopGraceMs?: number;
  /** Posts the scheduled digests that are due (each period once, claimed in the store). */
  digests?: () => Promise<unknown>;
  /** How often due digests are looked for (default 30 s). */
  digestEveryMs?: number;
}

export interface TickReport {
  polled: number;
  failed: number;
  articles: number;
  relevant: number;
  alerts: number;
  followUps: number;
  delivered: number;
}

export interface Runner {
  /** Polls every due feed, waits for all of them, analyses, then delivers: for --once and tests. */
  tick(): Promise<TickReport>;
  start(): void;
  /** Stops scheduling, waits for the analysis in progress and (briefly) for posts in flight. */
  stop(): Promise<void>;
  /**
   * Ready means the last poll cycle could record its results (articles, feed state):
   * a cycle that fails on every write is not a working monitor, however alive it is.
   */
  recording(): { ok: boolean; error?: string | undefined };
  /** The feeds whose last poll failed, with why (for `run --once`'s closing line). */
  failures(): FeedFailure[];
}

const EMPTY: TickReport = { polled: 0, failed: 0, articles: 0, relevant: 0, alerts: 0, followUps: 0, delivered: 0 };

export function createInProcessRunner(deps: RunnerDeps): Runner {
  let tickTimer: NodeJS.Timeout | undefined;
  let deliverTimer: NodeJS.Timeout | undefined;
  let digestTimer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> | undefined;
  let stopped = false;
  let wake: () => void = () => {};
  /** Settles when stop() is called: nothing waits past it for slow feeds. */
  const stopping = new Promise<void>((r) => (wake = r));
  const inFlight = new Set<string>();
  /** The feeds as last listed, for their stories. */
  const feedsById = new Map<string, FeedConfig>();
  const single: Pick<StoryLane, 'id' | 'store' | 'analyze' | 'addedWhileRunning'> = { id: '', store: deps.analyze.store, analyze: deps.analyze };
  const lanesOf = (feedId: string) => (deps.lanes ? deps.lanes.of(feedsById.get(feedId)) : [single]);
  const stores = () => (deps.lanes ? deps.lanes.all.map((l) => l.store) : [deps.deliver.store]);
  let arrived: PollOutcome[] = [];
  /** Each feed's latest poll: its error, or undefined when it answered. */
  const lastPoll = new Map<string, string | undefined>();
  let summarised = false;
  /** Once every feed has answered or failed once: one line saying how the first poll went. */
  const noteOutcomes = (outcomes: PollOutcome[]) => {
    for (const o of outcomes) {
      if (o.status !== 'not-due' && o.status !== 'deferred') lastPoll.set(o.feedId, o.status === 'failed' ? o.error ?? 'failed' : undefined);
    }
    if (summarised || !feedsById.size || [...feedsById.keys()].some((id) => !lastPoll.has(id))) return;
    summarised = true;
    const s = pollSummary(feedsById.size, failures());
    deps.log[s.level](s.line);
  };
  const failures = (): FeedFailure[] => [...lastPoll].flatMap(([feedId, error]) => (error !== undefined && feedsById.has(feedId) ? [{ feedId, error }] : []));
  const slots = semaphore(deps.concurrency ?? 16);
  // The engine learns article by article: one analysis at a time, whoever called the tick.
  const oneAtATime = semaphore(1);
  /** Deliveries and notices under way, so stop() can wait for them (a little). */
  const posting = new Set<Promise<unknown>>();
  const busy = new Set<string>();
  const track = (p: Promise<unknown>) => {
    posting.add(p);
    void p.finally(() => posting.delete(p));
    return p;
  };

  /** Starts a poll of every feed not already being polled; outcomes land in `arrived`. */
  const startPolls = async (): Promise<Array<Promise<void>>> => {
    const started: Array<Promise<void>> = [];
    for (const feed of await deps.feeds()) {
      feedsById.set(feed.id, feed);
      if (inFlight.has(feed.id)) continue;
      inFlight.add(feed.id);
      started.push(slots(() => pollFeed(deps.poll, feed)).then(
        (o) => {
          if (!stopped) arrived.push(o);
        },
        (err: Error) => deps.log.error(`poll of feed ${feed.id} failed: ${err.message}; it is polled again next tick`),
      ).finally(() => inFlight.delete(feed.id)));
    }
    return started;
  };

  const analyse = async (outcomes: PollOutcome[], report: TickReport, direct: boolean) => {
    noteOutcomes(outcomes);
    const batch = outcomes.flatMap((o) => o.articles.map((article) => ({ article, outcome: o })));
    // The engine judges in time order: an earlier report must be known before its copies.
    batch.sort((a, b) => (a.article.publishedAt || '').localeCompare(b.article.publishedAt || ''));
    const silent = await silentLanes(outcomes);
    const news = await newToAll(batch, silent);
    const judge = async (): Promise<boolean> => {
      for (const { article, outcome } of batch) {
        // Stopping: the feeds' state is not saved, so the rest is fetched again next run.
        if (stopped && !direct) return false;
        for (const lane of lanesOf(outcome.feedId)) {
          const quiet = silent.has(`${lane.id}\n${outcome.feedId}`) && !news.has(`${lane.id}\n${article.id}`);
          const r = await analyzeArticle(lane.analyze, article, outcome.feedId, { silent: outcome.backlog || quiet });
          if (r.skipped) continue;
          report.articles++;
          if (r.decision?.relevant) report.relevant++;
          if (r.alert?.alert.kind === 'follow-up') report.followUps++;
          else if (r.alert) report.alerts++;
        }
      }
      return true;
    };
    // One commit per story store for the whole batch (see pipeline/batches.ts).
    const lanes = [...new Set(batch.flatMap((b) => lanesOf(b.outcome.feedId)))];
    if (!(await (batch.length > 1 ? inBatches(lanes, judge, deps.log) : judge()))) return;
    const notices: Array<Promise<unknown>> = [];
    for (const o of outcomes) {
      deps.metrics?.polled(o.status);
      if (o.status !== 'not-due' && o.status !== 'deferred') report.polled++;
      if (o.status === 'failed') report.failed++;
      // After its backlog is recorded (above): a crash before this re-learns it silently.
      // Only where it was not primed yet: a write per changed feed and tick cost a commit each.
      if (o.status === 'new' && o.nextState) {
        const url = o.nextState.url;
        if (o.backlog) await deps.poll.store.markPrimed(url);
        for (const lane of lanesOf(o.feedId)) {
          if (lane.store !== deps.poll.store && (o.backlog || silent.has(`${lane.id}\n${o.feedId}`))) await lane.store.markPrimed(url);
        }
      }
      if (o.nextState) await deps.poll.store.putFeedState(o.nextState);
      if (o.notice) {
        const text = o.notice;
        notices.push(track((async () => postNotice(deps.deliver, deps.feedAudience ? await deps.feedAudience(o.feedId) : deps.analyze.targets, text))()));
      }
      logBacklog(deps.log, o);
    }
    if (direct) await Promise.all(notices);
  };

  /**
   * A story that starts following a feed another story already polls learns what the feed
   * holds silently, as on a feed's first poll: its backlog is not news.
   */
  const silentLanes = async (outcomes: PollOutcome[]) => {
    const out = new Set<string>();
    for (const o of outcomes) {
      if (o.status !== 'new' || o.backlog || !o.nextState) continue;
      for (const lane of lanesOf(o.feedId)) {
        if (lane.store !== deps.poll.store && !(await lane.store.isPrimed(o.nextState.url))) out.add(`${lane.id}\n${o.feedId}`);
      }
    }
    return out;
  };

  /** Of an unprimed story added while running: the articles no other story had seen (judged, not learned silently). */
  const newToAll = async (batch: Array<{ article: Pick<Article, 'id' | 'publishedAt'>; outcome: PollOutcome }>, silent: Set<string>) => {
    const out = new Set<string>();
    for (const { article, outcome } of batch) {
      const lanes = lanesOf(outcome.feedId);
      for (const lane of lanes) {
        if (lane.addedWhileRunning && silent.has(`${lane.id}\n${outcome.feedId}`) && !(await backlogFor(lane, lanes, article))) out.add(`${lane.id}\n${article.id}`);
      }
    }
    return out;
  };

  const deliverRound = () => track((async () => {
    // Side by side: a chat API that hangs for one story holds back no other; `busy` keeps
    // one channel to one post at a time across stories.
    const rounds = await Promise.all(stores().map((store) => deliverPending({ ...deps.deliver, store, busy })));
    return rounds.reduce((a, r) => ({ delivered: a.delivered + r.delivered, failed: a.failed + r.failed }), { delivered: 0, failed: 0 });
  })().catch((err: Error) => {
    deps.log.error(`delivery round failed: ${err.message}; alerts stay pending`);
    return { delivered: 0, failed: 0 };
  }));

  let lastCycle: { ok: boolean; error?: string | undefined } = { ok: true };
  /** Runs one cycle's analysis and records whether its writes went through. */
  const recorded = async (work: () => Promise<void>) => {
    try {
      await work();
      const store = deps.poll.store.writeHealth?.() ?? { ok: true };
      lastCycle = store.ok ? { ok: true } : { ok: false, error: store.error };
    } catch (err) {
      lastCycle = { ok: false, error: (err as Error).message };
      throw err;
    }
  };

  const tick = async (): Promise<TickReport> => {
    const report = { ...EMPTY };
    await Promise.all(await startPolls());
    const outcomes = arrived;
    arrived = [];
    await recorded(() => oneAtATime(() => analyse(outcomes, report, true)));
    report.delivered = ((await deliverRound()) as { delivered: number }).delivered;
    await digestRound();
    return report;
  };

  /** The timer's tick: waits a short while for slow feeds, never for a whole fetch deadline. */
  const loopTick = async (): Promise<TickReport> => {
    const report = { ...EMPTY };
    const started = await startPolls();
    await Promise.race([Promise.all(started), sleep(Math.min(deps.tickMs / 4, 2000)), stopping]);
    const outcomes = arrived;
    arrived = [];
    await recorded(() => oneAtATime(() => analyse(outcomes, report, false)));
    if (report.alerts || report.followUps) void deliverRound();
    return report;
  };

  const loop = () => {
    if (stopped) return;
    const begun = Date.now();
    const current = loopTick().catch((err: Error) => {
      deps.log.error(`tick failed: ${err.message}; next tick continues`, { stack: err.stack?.split('\n')[1]?.trim() });
      return { ...EMPTY };
    });
    running = current;
    void current.then((r) => {
      if (r.polled) deps.log.info('poll finished', { ...r });
      // A steady cadence: the next tick is due one tickMs after this one began.
      if (!stopped) tickTimer = setTimeout(loop, Math.max(0, deps.tickMs - (Date.now() - begun)));
    });
  };

  const digestRound = () => (deps.digests ? track(deps.digests().catch((err: Error) => deps.log.error(`digest round failed: ${err.message}; tried again next round`))) : Promise.resolve());
  const digestLoop = () => {
    if (stopped) return;
    void digestRound();
    digestTimer = setTimeout(digestLoop, deps.digestEveryMs ?? 30_000);
  };

  const deliverLoop = () => {
    if (stopped) return;
    void deliverRound();
    deliverTimer = setTimeout(deliverLoop, deps.deliverEveryMs ?? 1000);
  };

  return {
    tick,
    recording: () => lastCycle,
    failures,
    start() {
      loop();
      deliverLoop();
      if (deps.digests) digestLoop();
    },
    async stop() {
      stopped = true;
      wake();
      if (tickTimer) clearTimeout(tickTimer);
      if (deliverTimer) clearTimeout(deliverTimer);
      if (digestTimer) clearTimeout(digestTimer);
      await running;
      // Posts cut off here stay pending and go out on the next run.
      await Promise.race([Promise.all([...posting]), sleep(deps.stopGraceMs ?? 2000)]);
    },
  };
}

function logBacklog(log: Logger, o: PollOutcome): void {
  if (o.backlog && o.articles.length) {
    log.info(`feed ${o.feedId}: first poll, ${o.articles.length} existing item(s) learned without alerts`);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms).unref());
}

/** At most `limit` of the functions run at once; the rest wait their turn. */
function semaphore(limit: number): <T>(fn: () => Promise<T>) => Promise<T> {
  let active = 0;
  const queue: Array<() => void> = [];
  return async (fn) => {
    while (active >= limit) await new Promise<void>((r) => queue.push(r));
    active++;
    try {
      return await fn();
    } finally {
      active--;
      queue.shift()?.();
    }
  };
}
