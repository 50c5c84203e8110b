/**
 * SQLite store for the embedded default: one file in the data directory (see database.ts
 * for the tables). Recording an article with its alert and delivery rows is one
 * transaction, as is a delivery mark: after a crash at any point either all of it is
 * there or none, so nothing is lost (an unrecorded article is analysed again on the next
 * poll) and nothing is posted twice.
 *
 * Commits are synced in batches (synchronous=NORMAL), except that everything is synced
 * before an alert can be posted and with each delivery mark: a power cut never loses an
 * alert that was posted, nor the mark that says so.
 */
import type { Statement } from 'better-sqlite3';
import type { AlertRecord, EngineSnapshot, FeedState, LockRelease, ProcessedArticle, StateStore } from '../ports.js';
import { cutoffs, DEFAULT_RETENTION, sweepClock, type RetentionPolicy, type RetentionReport } from '../retention.js';
import { unreadable, type Db } from './database.js';
import { openStoreDatabase } from './open.js';
import { batcher } from './batch.js';
import { recorder, time } from './records.js';

export interface SqliteStoreDeps {
  dir: string;
  /** Told about what could not be read or written, with what to do. */
  warn: (message: string) => void;
  /** Told about one-off events (the JSONL import). */
  info?: (message: string) => void;
  retention?: RetentionPolicy;
  /** A database already opened on `dir` (shared with the channel store). */
  db?: Db;
}


function statements(db: Db) {
  const q = (sql: string) => db.prepare(sql);
  return {
    getFeed: q('SELECT state FROM feeds WHERE feed_id = ?').pluck(),
    putFeed: q('INSERT INTO feeds (feed_id, state) VALUES (?, ?) ON CONFLICT (feed_id) DO UPDATE SET state = excluded.state'),
    isPrimed: q('SELECT 1 FROM primed WHERE url = ?').pluck(),
    markPrimed: q('INSERT OR IGNORE INTO primed (url) VALUES (?)'),
    hasSeen: q('SELECT 1 FROM seen WHERE id = ?').pluck(),
    since: q('SELECT seq, entry FROM articles WHERE seq > ? ORDER BY seq LIMIT ?').raw(),
    countSince: q('SELECT count(*) FROM articles WHERE seq > ?').pluck(),
    lastSeq: q('SELECT coalesce(max(seq), 0) FROM articles').pluck(),
    devAlert: q('SELECT record FROM alerts WHERE development_id = ? AND follow_up = 0 ORDER BY seq LIMIT 1').pluck(),
    alert: q('SELECT record FROM alerts WHERE id = ?').pluck(),
    pendingOne: q('SELECT 1 FROM deliveries WHERE alert_id = ? AND target = ? AND delivered_at IS NULL').pluck(),
    pending: q(`SELECT a.record, d.target FROM deliveries d JOIN alerts a ON a.id = d.alert_id
      WHERE d.delivered_at IS NULL ORDER BY a.seq, d.target`).raw(),
    deliver: q('UPDATE deliveries SET delivered_at = ? WHERE alert_id = ? AND target = ? AND delivered_at IS NULL'),
    notePosting: q('INSERT OR IGNORE INTO posting (alert_id, target, started_at) VALUES (?, ?, ?)'),
    postingSince: q('SELECT started_at FROM posting WHERE alert_id = ? AND target = ?').pluck(),
    posted: q('DELETE FROM posting WHERE alert_id = ? AND target = ?'),
    recent: q('SELECT record FROM alerts ORDER BY seq DESC LIMIT ?').pluck(),
    loadSnap: q('SELECT version, cursor, taken_at, data FROM engine_snapshots WHERE key = ?'),
    saveSnap: q(`INSERT INTO engine_snapshots (key, version, cursor, taken_at, data) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT (key) DO UPDATE SET version = excluded.version, cursor = excluded.cursor, taken_at = excluded.taken_at, data = excluded.data`),
    touchMeta: q(`INSERT INTO meta (key, value) VALUES ('synced_at', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`),
  };
}

/** Deletes what retention no longer keeps, in one transaction. */
function sweeper(db: Db) {
  const gone = '(follow_up = 1 AND at < @before) OR development_id IN (SELECT id FROM developments WHERE last_at < @before)';
  const run: Record<'articles' | 'posting' | 'deliveries' | 'alerts' | 'developments' | 'seen', Statement> = {
    articles: db.prepare('DELETE FROM articles WHERE at < @before'),
    posting: db.prepare(`DELETE FROM posting WHERE alert_id IN (SELECT id FROM alerts WHERE ${gone})`),
    deliveries: db.prepare(`DELETE FROM deliveries WHERE alert_id IN (SELECT id FROM alerts WHERE ${gone})`),
    alerts: db.prepare(`DELETE FROM alerts WHERE ${gone}`),
    developments: db.prepare('DELETE FROM developments WHERE last_at < @before'),
    seen: db.prepare('DELETE FROM seen WHERE at < @seenBefore'),
  };
  return db.transaction((c: { before: number; seenBefore: number }): RetentionReport => {
    const articles = run.articles.run(c).changes;
    run.posting.run(c);
    run.deliveries.run(c);
    const alerts = run.alerts.run(c).changes;
    const developments = run.developments.run(c).changes;
    const seen = run.seen.run(c).changes;
    return { articles, alerts, developments, seen };
  });
}

export function createSqliteStore(deps: SqliteStoreDeps): StateStore {
  const { warn } = deps;
  const { db, file, owned } = deps.db ? { db: deps.db, file: deps.db.name, owned: false } : { ...openStoreDatabase(deps), owned: true };
  const st = statements(db);
  const policy = deps.retention ?? DEFAULT_RETENTION;
  const sweep = sweeper(db);
  const clock = sweepClock();
  let writeError: string | undefined;
  /** Commits since the last synced one. */
  let unsynced = false;
  // One process owns a data directory (the directory lock), so claims can live in memory.
  const locks = new Map<string, number>();
  /** Delivery marks of posts made whose row could not be written yet. */
  const owed = new Map<string, { alertId: string; target: string; at: string }>();
  const pair = (alertId: string, target: string) => `${alertId}\u0000${target}`;

  /** Runs a write; a failure is kept for /readyz and passed on, a corrupt file said so. */
  const write = <T>(what: string, fn: () => T): T => {
    try {
      const out = fn();
      writeError = undefined;
      unsynced = true;
      return out;
    } catch (err) {
      const code = (err as { code?: string }).code ?? '';
      if (/SQLITE_(CORRUPT|NOTADB)/.test(code)) throw unreadable(file, err as Error);
      writeError = `cannot write ${what} to ${file}: ${(err as Error).message}`;
      throw err;
    }
  };

  /** One synced commit: every commit before it is on disk too (WAL frames are in order). */
  const syncNow = () => {
    if (group.open()) throw new Error('a batch of writes is not committed yet');
    if (!unsynced) return;
    db.pragma('synchronous = FULL');
    try {
      write('a sync mark', () => st.touchMeta.run(new Date().toISOString()));
      unsynced = false;
    } finally {
      db.pragma('synchronous = NORMAL');
    }
  };

  const record = recorder(db);
  const group = batcher(db, file, () => (unsynced = true));

  /**
   * Feed states are read once and kept (the directory lock makes this process their only
   * writer), and written in batches: a poll round over thousands of feeds was a commit per
   * feed. A state not yet written when the process dies costs one full fetch of that feed
   * on the next poll, never an article: articles are committed before their feed's state.
   */
  const feedStates = new Map<string, FeedState | null>();
  const putFeeds = db.transaction((rows: FeedState[]) => {
    for (const state of rows) st.putFeed.run(state.feedId, JSON.stringify(state));
  });
  /** States waiting to be written, in one transaction, at most `delayMs` after the first. */
  const batch = (delayMs: number) => {
    const pending = new Map<string, FeedState>();
    let timer: NodeJS.Timeout | undefined;
    const flush = () => {
      clearTimeout(timer);
      timer = undefined;
      if (!pending.size || !db.open) return;
      const rows = [...pending.values()];
      try {
        write(`${rows.length} feed state(s)`, () => putFeeds(rows));
        pending.clear();
      } catch (err) {
        warn(`cannot write ${rows.length} feed state(s) to ${file}: ${(err as Error).message}; kept in memory and written again with the next ones`);
      }
    };
    return { pending, flush, later: () => void (timer ??= setTimeout(flush, delayMs).unref()) };
  };
  /** Changed states within 50 ms; those whose poll times alone moved (a 304's) within a minute. */
  const dirtyFeeds = batch(50);
  const lazyFeeds = batch(60_000);
  const flushFeeds = () => {
    dirtyFeeds.flush();
    lazyFeeds.flush();
  };

  const markOne = db.transaction((m: { alertId: string; target: string; at: string }) => {
    st.deliver.run(m.at, m.alertId, m.target);
    st.posted.run(m.alertId, m.target);
  });
  const forget = db.transaction((pairs: Array<{ alertId: string; target: string }>) => {
    for (const p of pairs) st.posted.run(p.alertId, p.target);
  });
  const notePosting = db.transaction((pairs: Array<{ alertId: string; target: string }>, at: string) => {
    for (const p of pairs) st.notePosting.run(p.alertId, p.target, at);
  });

  /** Writes the delivery marks still owed; false (with a warning) while the file refuses them. */
  const flushOwed = (): boolean => {
    // Not inside an analysis batch: a mark must not be lost with the batch's rollback.
    if (group.open()) return owed.size === 0;
    for (const [key, m] of owed) {
      try {
        write('a delivery mark', () => markOne(m));
      } catch (err) {
        warn(`cannot write a delivery mark to ${file}: ${(err as Error).message}; delivery paused until it can be written (posting now would post again after a restart)`);
        return false;
      }
      owed.delete(key);
    }
    return true;
  };

  const trySync = (): boolean => {
    try {
      syncNow();
      return true;
    } catch (err) {
      warn(`cannot sync ${file}: ${(err as Error).message}; delivery waits until it can (an alert must be on disk before it is posted)`);
      return false;
    }
  };

  const applyRetention = (now: number): RetentionReport => write('a retention sweep', () => sweep(cutoffs(policy, now)));

  return {
    async getFeedState(feedId) {
      let state = feedStates.get(feedId);
      if (state === undefined) {
        const raw = st.getFeed.get(feedId) as string | undefined;
        feedStates.set(feedId, (state = raw ? (JSON.parse(raw) as FeedState) : null));
      }
      return state ?? undefined;
    },
    async putFeedState(state) {
      const id = state.feedId;
      const before = feedStates.get(id);
      // Losing a poll time to a crash costs one early conditional GET; anything else is kept at once.
      if (before && !dirtyFeeds.pending.has(id) && onlyPollTimesMoved(before, state)) {
        // The kept state takes the new times and the poll's copy dies young: keeping the copy
        // moved every state of a round into the old generation, most of a round's GC time.
        before.lastPollAt = state.lastPollAt;
        before.lastSuccessAt = state.lastSuccessAt;
        before.nextPollAt = state.nextPollAt;
        lazyFeeds.pending.set(id, before);
        return lazyFeeds.later();
      }
      feedStates.set(id, state);
      lazyFeeds.pending.delete(id);
      dirtyFeeds.pending.set(id, state);
      if (dirtyFeeds.pending.size >= 1000) dirtyFeeds.flush();
      else dirtyFeeds.later();
    },
    async isPrimed(feedUrl) {
      return st.isPrimed.get(feedUrl) === 1;
    },
    async markPrimed(feedUrl) {
      write('a primed feed', () => st.markPrimed.run(feedUrl));
    },
    async hasSeen(articleId) {
      return st.hasSeen.get(articleId) === 1;
    },
    async seenEach(articleIds) {
      return articleIds.map((id) => st.hasSeen.get(id) === 1);
    },
    async recordArticle(entry, alert) {
      const at = time(entry.processedAt);
      const done = write('an article', () => record(entry, alert, at));
      if (done && clock.due(at)) {
        try {
          applyRetention(at);
        } catch (err) {
          // The article is recorded: a sweep that fails is tried again an hour on.
          warn(`retention sweep of ${file} failed: ${(err as Error).message}; tried again later`);
        }
      }
      return done;
    },
    inBatch: group.run,
    async knowledgeSince(cursor, limit = Number.MAX_SAFE_INTEGER) {
      const rows = st.since.all(cursor, limit) as Array<[number, string]>;
      const next = rows.length ? rows[rows.length - 1]![0] : cursor;
      return { entries: rows.map((r) => JSON.parse(r[1]) as ProcessedArticle), cursor: next };
    },
    async knowledgeCount(cursor) {
      return st.countSince.get(cursor) as number;
    },
    async knowledgeEnd() {
      return st.lastSeq.get() as number;
    },
    async findDevelopmentAlert(developmentId) {
      const raw = st.devAlert.get(developmentId) as string | undefined;
      return raw ? (JSON.parse(raw) as AlertRecord) : undefined;
    },
    async getAlert(alertId) {
      const raw = st.alert.get(alertId) as string | undefined;
      return raw ? (JSON.parse(raw) as AlertRecord) : undefined;
    },
    async isPending(alertId, target) {
      return !owed.has(pair(alertId, target)) && st.pendingOne.get(alertId, target) === 1;
    },
    async pendingDeliveries() {
      // While delivery marks cannot be written, posting more would only repost them after a
      // restart; and an alert is on disk before it can be posted (never re-alerted after a power cut).
      if (!flushOwed() || !trySync()) return [];
      return (st.pending.all() as Array<[string, string]>).map(([raw, target]) => ({ record: JSON.parse(raw) as AlertRecord, target }));
    },
    async markDelivered(alertId, target) {
      // The post has happened: this process must never post it again, even if the mark cannot
      // be written yet (it is retried before the next delivery and on close).
      owed.set(pair(alertId, target), { alertId, target, at: new Date().toISOString() });
      if (flushOwed()) trySync();
    },
    async notePosting(pairs, at) {
      // Not inside an analysis batch (its commit is later, and a rollback would lose this):
      // the batch ends within its articles' time.
      for (let waited = 0; group.open(); waited += 10) {
        if (waited > 60_000) throw new Error(`an analysis batch holds ${file} for over a minute; posting waits`);
        await new Promise((r) => setTimeout(r, 10));
      }
      write('a posting record', () => notePosting(pairs, at));
      // On disk before the post: a power cut after the platform took it must not forget it.
      syncNow();
    },
    async forgetPosting(pairs) {
      write('a posting record', () => forget(pairs));
    },
    async postingSince(alertId, target) {
      return (st.postingSince.get(alertId, target) as string | undefined) ?? undefined;
    },
    async tryLock(key, ttlMs) {
      const now = Date.now();
      if ((locks.get(key) ?? 0) > now) return undefined;
      const until = now + ttlMs;
      locks.set(key, until);
      let mine = until;
      const release: LockRelease = async () => {
        if (locks.get(key) === mine) locks.delete(key);
      };
      release.renew = async () => {
        if (locks.get(key) !== mine) return false;
        locks.set(key, (mine = Date.now() + ttlMs));
        return true;
      };
      return release;
    },
    async recentAlerts(limit) {
      return (st.recent.all(limit) as string[]).map((raw) => JSON.parse(raw) as AlertRecord);
    },
    async loadSnapshot(key) {
      const row = st.loadSnap.get(key) as { version: string; cursor: number; taken_at: string; data: Buffer } | undefined;
      return row ? { version: row.version, cursor: row.cursor, takenAt: row.taken_at, data: row.data } : undefined;
    },
    async saveSnapshot(key, s: EngineSnapshot) {
      write('the engine snapshot', () => st.saveSnap.run(key, s.version, s.cursor, s.takenAt, Buffer.from(s.data.buffer, s.data.byteOffset, s.data.byteLength)));
    },
    async applyRetention(now) {
      return applyRetention(now.getTime());
    },
    writeHealth() {
      return writeError ? { ok: false, error: writeError } : { ok: true };
    },
    async close() {
      if (!db.open) return;
      flushFeeds();
      if (!flushOwed()) warn(`${owed.size} delivery mark(s) could not be written to ${file}; those alerts will be posted again on the next start`);
      trySync();
      if (owned) db.close();
    },
  };
}

/** The same state but for when it was polled (validators, failures, moves and pauses unchanged). */
function onlyPollTimesMoved(a: FeedState, b: FeedState): boolean {
  // Field by field (every field but lastPollAt, nextPollAt, lastSuccessAt): a key walk of
  // two states per poll was a visible share of a 304's cost.
  return a.feedId === b.feedId && a.url === b.url && a.finalUrl === b.finalUrl && a.movedTo === b.movedTo
    && a.etag === b.etag && a.lastModified === b.lastModified && a.bodyHash === b.bodyHash && a.primed === b.primed
    && a.consecutiveFailures === b.consecutiveFailures && a.lastError === b.lastError && Boolean(a.paused) === Boolean(b.paused);
}
