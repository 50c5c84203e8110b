/**
 * Store ports: everything the pipeline persists. The SQLite store (embedded default)
 * and the Redis store (scale-out) implement the same interfaces and pass one
 * contract suite.
 */
import type { Alert, DecisionSummary } from '../domain/alert.js';
import type { Article } from '../domain/article.js';
import type { RetentionReport } from './retention.js';

/** The engine's learned state as of a knowledge-log cursor (see src/analysis/snapshot.ts). */
export interface EngineSnapshot {
  /** Which engine, story and corpus made it: any other is rebuilt from the log instead. */
  version: string;
  /** Everything in the log up to this cursor is in `data`. */
  cursor: number;
  takenAt: string;
  data: Uint8Array;
}

export interface FeedState {
  feedId: string;
  url: string;
  /** Where the last answer came from (informational: polls never go there by themselves). */
  finalUrl?: string | undefined;
  /** Where `url` moved for good (301/308); polled instead of `url` while `url` is configured. */
  movedTo?: string | undefined;
  etag?: string | undefined;
  lastModified?: string | undefined;
  bodyHash?: string | undefined;
  /** False until the first successful poll has loaded the backlog silently. */
  primed: boolean;
  lastPollAt?: string | undefined;
  lastSuccessAt?: string | undefined;
  consecutiveFailures: number;
  lastError?: string | undefined;
  /** Earliest time of the next poll (backoff, Retry-After). */
  nextPollAt?: string | undefined;
  /** Set after repeated or permanent failures: polled only every few hours, channels told. */
  paused?: boolean | undefined;
}

export interface ProcessedArticle {
  article: Article;
  feedId: string;
  decision: DecisionSummary;
  processedAt: string;
}

export interface AlertRecord {
  alert: Alert;
  /** Channels the alert goes to, e.g. "console", "discord:123", "slack:C01". */
  targets: string[];
  createdAt: string;
  /** The feed of the article that raised it: who else may be told about it (absent on older records). */
  feedId?: string | undefined;
}

export interface StateStore {
  getFeedState(feedId: string): Promise<FeedState | undefined>;
  putFeedState(state: FeedState): Promise<void>;
  /**
   * Whether a feed (by its configured URL) has had its first poll, whose backlog is learned
   * silently. Kept with the seen articles, apart from feed state (validators, backoff), so
   * losing or resetting feed state never re-primes a feed and hides what it published.
   */
  isPrimed(feedUrl: string): Promise<boolean>;
  /** Recorded once the feed's backlog is recorded (or queued with its backlog flag). */
  markPrimed(feedUrl: string): Promise<void>;
  /** True once an article id has been recorded (whatever the decision). */
  hasSeen(articleId: string): Promise<boolean>;
  /** `hasSeen` of each id, in order, asked at once (a feed's items: one round trip, not one each). */
  seenEach(articleIds: string[]): Promise<boolean[]>;
  /**
   * Records an analysed article and, if it raised one, its alert, in one step:
   * after a crash either both are there or neither is. False if the article was
   * already recorded (nothing is written then).
   */
  recordArticle(entry: ProcessedArticle, alert?: AlertRecord): Promise<boolean>;
  /**
   * Runs `work` with this store's writes in one transaction, committed when it ends (also
   * when it throws: what it wrote before then stands, as with separate writes). One commit
   * instead of one per article. If the commit fails, or the store had to roll back, every
   * write of `work` is gone and `BatchLost` is thrown: whoever learned from those writes
   * must forget it. Absent: every write commits on its own.
   */
  inBatch?<T>(work: () => Promise<T>): Promise<T>;
  /**
   * Recorded articles after position `cursor` of the log, in processing order (at most
   * `limit` of them), and the cursor to ask from next time. The engine learns the relevant
   * ones to catch up. Articles past retention are no longer in the log.
   */
  knowledgeSince(cursor: number, limit?: number): Promise<{ entries: ProcessedArticle[]; cursor: number }>;
  /** How many articles the log holds after `cursor` (for progress lines). */
  knowledgeCount?(cursor: number): Promise<number>;
  /** The cursor after the last recorded article (what a snapshot taken now is as of). */
  knowledgeEnd?(): Promise<number>;
  /** The engine snapshot saved under `key` (one per story), if any. */
  loadSnapshot?(key: string): Promise<EngineSnapshot | undefined>;
  saveSnapshot?(key: string, snapshot: EngineSnapshot): Promise<void>;
  /**
   * Drops what retention no longer keeps, as of `now`. Stores also sweep by themselves as
   * the processing times they record move on; this is for an explicit sweep.
   */
  applyRetention?(now: Date): Promise<RetentionReport>;
  /** The alert that first announced a development, if one did. */
  findDevelopmentAlert(developmentId: string): Promise<AlertRecord | undefined>;
  /** The alert raised by an alert id, if any. */
  getAlert(alertId: string): Promise<AlertRecord | undefined>;
  /** Whether an alert/target pair still waits for delivery. */
  isPending(alertId: string, target: string): Promise<boolean>;
  /** Alert/target pairs not yet delivered. */
  pendingDeliveries(): Promise<Array<{ record: AlertRecord; target: string }>>;
  markDelivered(alertId: string, target: string): Promise<void>;
  /**
   * Records, durably and before anything is sent, that a post of these alert/target pairs
   * starts at `at`. A pair whose post was started and never marked delivered may have been
   * posted (a crash after the platform accepted it): the platform is asked before it is
   * posted again. Absent: no such record (posts are at least once).
   */
  notePosting?(pairs: Array<{ alertId: string; target: string }>, at: string): Promise<void>;
  /** The platform refused these posts outright (nothing was posted): no lookup needed before the next try. */
  forgetPosting?(pairs: Array<{ alertId: string; target: string }>): Promise<void>;
  /** When a post of this pair was started and not yet marked delivered, if one was. */
  postingSince?(alertId: string, target: string): Promise<string | undefined>;
  recentAlerts(limit: number): Promise<AlertRecord[]>;
  /**
   * A short exclusive claim (e.g. on delivering one development to one channel), so two
   * workers never post the same thing at once. Resolves to a release function, or to
   * undefined when someone else holds it. Expires by itself after `ttlMs`.
   */
  tryLock(key: string, ttlMs: number): Promise<LockRelease | undefined>;
  /**
   * Whether the store's last writes went through (for /readyz); the error if not. Absent:
   * every write is awaited by its caller, who sees the failure itself.
   */
  writeHealth?(): { ok: boolean; error?: string | undefined };
  close(): Promise<void>;
}

/**
 * Releases a claim. `renew` pushes its expiry `ttlMs` on from now, for a holder still at
 * work (so the claim can be short and die soon with a killed holder); false: it was lost.
 */
export type LockRelease = (() => Promise<void>) & { renew?: () => Promise<boolean> };

/** A chat channel's own settings, managed with /storywatch watch and feeds. */
export interface ChannelSettings {
  /** Delivery target of the channel, e.g. "slack:C0123" or "discord:987". */
  channel: string;
  /** Watch terms as written: word, "phrase" or /regex/. Empty: every alert. */
  watch: string[];
  /** Feeds this channel added. */
  feeds: Array<{ id: string; url: string }>;
  /** Muted development ids (or the story id: every alert), until a time or for good. */
  mutes?: Array<{ target: string; until?: string | undefined }> | undefined;
  /** Alerts paused (until a time, or until `resume`); nothing is posted meanwhile. */
  paused?: { until?: string | undefined } | undefined;
  /** A scheduled digest of the period's developments. */
  digest?: DigestSchedule | undefined;
  /** A role (Discord) or user group (Slack) mentioned on new-development alerts. */
  notify?: { mention: Mention; minConfidence: number } | undefined;
  /** Stories whose alerts this channel gets; absent or empty: the default story. */
  stories?: string[] | undefined;
}

export interface DigestSchedule {
  cadence: 'daily' | 'weekly';
  /** ISO weekday of a weekly digest: 1 = Monday … 7 = Sunday. */
  weekday?: number | undefined;
  /** Local time of day, HH:MM. */
  time: string;
  /** IANA time zone, e.g. Europe/Kyiv. */
  zone: string;
  /** When it was set: no period ending before it is posted. */
  since: string;
}

export interface Mention {
  kind: 'role' | 'usergroup';
  /** Discord role id or Slack user-group (subteam) id. */
  id: string;
}

export interface ChannelStore {
  getChannel(channel: string): Promise<ChannelSettings>;
  putChannel(settings: ChannelSettings): Promise<void>;
  listChannels(): Promise<ChannelSettings[]>;
  /** Where a development's alert went in a channel (Slack ts, Discord message/thread), across restarts. */
  getThread(channel: string, developmentId: string): Promise<string | undefined>;
  putThread(channel: string, developmentId: string, ref: string): Promise<void>;
  /**
   * Whether a development has been posted to a channel (knowledge is per audience: until
   * then, its first report there is a new-development alert, whatever other channels saw).
   */
  wasSent(channel: string, developmentId: string): Promise<boolean>;
  /**
   * Recorded after each post of the development (never for one held back by pause or mute),
   * at `at` (ms; default now): the store's clock, as an article's processing time is.
   */
  markSent(channel: string, developmentId: string, at?: number): Promise<void>;
  /**
   * Forgets which developments were sent where, and their threads, for pairs last posted
   * before `before` (ms): developments that quiet are retired. The store also does this by
   * itself, once an hour of its clock, with its retention window. Returns the pairs forgotten.
   */
  forgetSentBefore(before: number): Promise<number>;
  /**
   * Claims one digest period of a channel: true for exactly one caller ever (across
   * processes and restarts), false for everyone after. Claimed before posting, so a
   * digest is never posted twice.
   */
  claimDigest(channel: string, periodKey: string): Promise<boolean>;
}

export function emptyChannel(channel: string): ChannelSettings {
  return { channel, watch: [], feeds: [] };
}

/** A batch's writes were rolled back (see StateStore.inBatch): nothing of it is recorded. */
export class BatchLost extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BatchLost';
  }
}
