/**
 * pollFeed: fetch one feed if it is due, parse it, and return the articles not seen
 * before. The feed's new validators are returned, not saved: the runner saves them
 * after the articles are analysed, so a crash in between cannot hide items behind 304s.
 */
import type { Article } from '../domain/article.js';
import type { FeedConfig } from '../config/app-config.js';
import type { FetchResult, Validators } from '../feeds/fetcher.js';
import { FetchCancelled, FetchError } from '../feeds/fetcher.js';
import { HostBusyError } from '../feeds/politeness.js';
import type { ParsedFeed } from '../feeds/parser.js';
import type { Logger } from '../log.js';
import type { FeedState, StateStore } from '../store/ports.js';
import { redactUrl, redactUrlsIn } from '../domain/redact.js';

export interface PollDeps {
  store: StateStore;
  fetch: (url: string, prev: Validators) => Promise<FetchResult>;
  /**
   * `url` is where the document came from (relative links resolve against it); `identity`
   * is the feed's configured URL, which article ids are derived from, so a feed that moves
   * keeps its articles' ids.
   */
  parse: (xml: string, url: string, identity: string) => Promise<ParsedFeed>;
  log: Logger;
  now: () => Date;
  intervalMs: number;
  /**
   * Whether an item needs no more judging (every story of the feed has seen it); default:
   * the store has seen it. Feed state and `primed` stay in `store` whatever the stories.
   */
  seen?: (feed: FeedConfig, articleIds: string[]) => Promise<boolean[]>;
  /** Full text for a feed's new items (enrichArticles); never throws. The backlog is not enriched. */
  enrich?: (feed: FeedConfig, articles: Article[]) => Promise<Article[]>;
}

export type PollStatus = 'new' | 'not-modified' | 'unchanged' | 'failed' | 'not-due' | 'deferred';

export interface PollOutcome {
  feedId: string;
  status: PollStatus;
  articles: Article[];
  /** True on a feed's first successful poll: its backlog is learned without alerts. */
  backlog: boolean;
  /** State to save once the articles are analysed. */
  nextState?: FeedState;
  error?: string;
  /** Something the channels using this feed must be told (paused, back). */
  notice?: string;
}

const MAX_BACKOFF_MS = 6 * 3600_000;
/** Consecutive transient failures after which a feed is paused and its channels told. */
export const PAUSE_AFTER_FAILURES = 8;

export function initialFeedState(feed: FeedConfig): FeedState {
  return { feedId: feed.id, url: feed.url, primed: false, consecutiveFailures: 0 };
}

/**
 * `unconditional`: fetch the whole feed whatever the validators say (a story that starts
 * following a feed others poll needs what it holds, not a 304).
 */
export async function pollFeed(deps: PollDeps, feed: FeedConfig, opts: { unconditional?: boolean } = {}): Promise<PollOutcome> {
  const stored = await deps.store.getFeedState(feed.id);
  // A feed whose URL changed in config starts over (validators belong to the old URL).
  const state = stored && stored.url === feed.url ? stored : initialFeedState(feed);
  const now = deps.now();
  // A little early is on time: ticks run every interval, and a feed polled a few ms into
  // the last one must not wait a whole extra interval.
  const early = Math.min(1000, deps.intervalMs / 10);
  if (state.nextPollAt && parseTime(state.nextPollAt) > now.getTime() + early) {
    return { feedId: feed.id, status: 'not-due', articles: [], backlog: false };
  }
  const at = AT.iso(now.getTime());
  const nextPollAt = NEXT.iso(now.getTime() + deps.intervalMs);
  try {
    // Only a 301/308 moves a feed, and only away from the configured URL it was seen at
    // (`state.url`): an edited URL starts over above, a temporary redirect is not kept.
    const res = await deps.fetch(state.movedTo ?? feed.url, opts.unconditional ? { ...state, etag: undefined, lastModified: undefined, bodyHash: undefined } : state);
    const movedTo = res.movedTo ?? state.movedTo;
    if (res.movedTo && res.movedTo !== state.movedTo) {
      deps.log.info(`feed ${feed.id} moved permanently to ${redactUrl(res.movedTo)}; polled there from now on`, { url: feed.url, todo: 'update the URL in the config when convenient' });
    }
    // One copy of the state per poll: most polls are 304s and this is all they cost here.
    const ok = succeeded(state, res.kind === 'not-modified' ? undefined : res.validators, { at, nextPollAt, finalUrl: res.finalUrl, movedTo });
    const back = state.paused ? `feed ${feed.id} (${redactUrl(feed.url)}) is back after ${state.consecutiveFailures} failed polls; polling resumes normally` : undefined;
    if (res.kind !== 'ok') return withNotice({ feedId: feed.id, status: res.kind, articles: [], backlog: false, nextState: ok }, back);
    const parsed = await deps.parse(res.body, res.finalUrl, feed.url);
    for (const s of parsed.skipped) deps.log.warn(`feed ${feed.id}: ${s}; skipped`, { url: feed.url });
    const ids = parsed.articles.map((a) => a.id);
    const seen = await (deps.seen ? deps.seen(feed, ids) : deps.store.seenEach(ids));
    const fresh: Article[] = parsed.articles.filter((_, i) => !seen[i]);
    // Primed is asked of the store too: feed state may have been lost or reset (a corrupt
    // feeds.json, a changed feed id) without the feed being new.
    const primed = state.primed || (await deps.store.isPrimed(feed.url));
    // A first poll's backlog is learned silently: fetching every page behind it would hit
    // each publisher with dozens of requests for items nobody is alerted about.
    const articles = deps.enrich && primed && fresh.length ? await deps.enrich(feed, fresh).catch(() => fresh) : fresh;
    ok.primed = true;
    return withNotice({ feedId: feed.id, status: 'new', articles, backlog: !primed, nextState: ok }, back);
  } catch (err) {
    // Shutting down: nothing was learned about the feed, so nothing is recorded.
    if (err instanceof FetchCancelled) return { feedId: feed.id, status: 'not-due', articles: [], backlog: false };
    if (err instanceof HostBusyError) {
      // Its host asked us to wait (another feed's 429) or is busy: not this feed's failure.
      await deps.store.putFeedState({ ...state, nextPollAt: new Date(now.getTime() + err.retryInMs).toISOString() });
      deps.log.debug(`feed ${feed.id}: ${err.message}`);
      return { feedId: feed.id, status: 'deferred', articles: [], backlog: false };
    }
    return fail(deps, feed, { ...state, lastPollAt: at, nextPollAt }, err, now);
  }
}

async function fail(deps: PollDeps, feed: FeedConfig, base: FeedState, err: unknown, now: Date): Promise<PollOutcome> {
  const failures = base.consecutiveFailures + 1;
  const retryAfter = err instanceof FetchError ? err.retryAfterMs ?? 0 : 0;
  const permanent = err instanceof FetchError && err.permanent;
  const paused = permanent || failures >= PAUSE_AFTER_FAILURES;
  const backoff = paused
    ? MAX_BACKOFF_MS
    : Math.min(MAX_BACKOFF_MS, Math.max(retryAfter, deps.intervalMs * 2 ** Math.min(failures - 1, 10)));
  const message = err instanceof Error ? err.message : String(err);
  const next = { ...base, consecutiveFailures: failures, lastError: message, paused, nextPollAt: new Date(now.getTime() + backoff).toISOString() };
  await deps.store.putFeedState(next);
  deps.log.warn(`feed ${feed.id} failed: ${message}`, {
    url: feed.url,
    failures,
    retryInSeconds: Math.round(backoff / 1000),
    // What the operator can do; the retry itself is in retryInSeconds.
    todo: permanent ? 'check the feed URL in the config (or STORYWATCH_FEEDS)' : `nothing if it passes; if it keeps failing, open ${redactUrl(feed.url)} from this machine to see why`,
  });
  const notice = paused && !base.paused
    ? `feed ${feed.id} (${redactUrl(feed.url)}) is paused: ${permanent ? 'a permanent error' : `${failures} failed polls in a row`}, last "${redactUrlsIn(message)}". ` +
      `It is retried every ${MAX_BACKOFF_MS / 3600_000} h; fix or remove it in the config.`
    : undefined;
  return { feedId: feed.id, status: 'failed', articles: [], backlog: false, error: message, ...(notice ? { notice } : {}) };
}

/**
 * The state after an answer, every field in one order: one object shape, which V8 builds
 * far faster than spreads of states of varying shapes (a tenth of a 304's cost was that).
 * Validators replace the old ones key by key, as a spread of them would.
 */
function succeeded(s: FeedState, v: Validators | undefined, p: { at: string; nextPollAt: string; finalUrl: string; movedTo: string | undefined }): FeedState {
  return {
    feedId: s.feedId, url: s.url, finalUrl: p.finalUrl, movedTo: p.movedTo,
    etag: v && 'etag' in v ? v.etag : s.etag,
    lastModified: v && 'lastModified' in v ? v.lastModified : s.lastModified,
    bodyHash: v && 'bodyHash' in v ? v.bodyHash : s.bodyHash,
    primed: s.primed, lastPollAt: p.at, lastSuccessAt: p.at, consecutiveFailures: 0, lastError: undefined, nextPollAt: p.nextPollAt, paused: false,
  };
}

function withNotice(o: PollOutcome, notice: string | undefined): PollOutcome {
  if (notice) o.notice = notice;
  return o;
}

/**
 * ISO strings of the last instant asked: the polls of a round mostly share their
 * millisecond, and formatting a date was another tenth of a 304's cost.
 */
function isoMemo() {
  let ms = Number.NaN;
  let text = '';
  return { iso: (t: number) => (t === ms ? text : ((ms = t), (text = new Date(t).toISOString()))) };
}
const AT = isoMemo();
const NEXT = isoMemo();

/** Date.parse of the last string asked (a round's next-poll times are mostly one string). */
let parsedText = '';
let parsedMs = Number.NaN;
function parseTime(text: string): number {
  if (text !== parsedText) {
    parsedText = text;
    parsedMs = Date.parse(text);
  }
  return parsedMs;
}
