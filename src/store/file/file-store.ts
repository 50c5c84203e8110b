/**
 * File store for the embedded default: a local data directory with
 *   feeds.json        feed state, rewritten atomically (temp file + rename), writes coalesced
 *   articles.jsonl    one line per analysed article, its alert inline, and one per feed
 *                     whose first poll is done (append-only: what was seen and primed)
 *   deliveries.jsonl  one line per delivered alert/target pair (append-only)
 * One appended line is the unit of atomicity: a write that fails part-way (file size
 * limit, disk full) is cut back off the file at once, and a tail left by a crash mid-write
 * is cut off at the next start, so no partial record is ever glued to the next one. That
 * article was never acknowledged: it is simply analysed again on the next poll.
 */
import { closeSync, existsSync, fstatSync, fsyncSync, ftruncateSync, mkdirSync, openSync, readFileSync, renameSync, truncateSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { AppError } from '../../domain/errors.js';
import type { AlertRecord, FeedState, ProcessedArticle, StateStore } from '../ports.js';

export interface FileStoreDeps {
  dir: string;
  /** Told about lines that could not be read, with file and line number. */
  warn: (message: string) => void;
}

interface ArticleLine {
  entry: ProcessedArticle;
  alert?: AlertRecord;
  /** A line of its own: this feed URL's first poll is done. */
  primed?: string;
}

export function createFileStore(deps: FileStoreDeps): StateStore {
  const { dir, warn } = deps;
  try {
    mkdirSync(dir, { recursive: true });
  } catch (err) {
    throw new AppError(`cannot create data directory ${dir}: ${(err as Error).message}`, 'CONFIG_INVALID',
      'set STORYWATCH_DATA_DIR to a writable directory', { cause: err });
  }
  const files = {
    feeds: path.join(dir, 'feeds.json'),
    articles: path.join(dir, 'articles.jsonl'),
    deliveries: path.join(dir, 'deliveries.jsonl'),
  };
  for (const f of [files.articles, files.deliveries]) cutTornTail(f, warn);
  /** Files whose last write failed, with why: what /readyz reports. */
  const writeErrors = new Map<string, string>();
  const appender = createAppender((file, err) => (err ? writeErrors.set(file, err.message) : writeErrors.delete(file)));
  const feeds = loadFeeds(files.feeds, warn);
  // Feed state written before primed lines existed still counts.
  const primed = new Set([...feeds.values()].filter((f) => f.primed).map((f) => f.url));
  const seen = new Set<string>();
  const log: ProcessedArticle[] = [];
  const alerts: AlertRecord[] = [];
  for (const line of readJsonl<ArticleLine>(files.articles, warn)) {
    if (typeof line?.primed === 'string') {
      primed.add(line.primed);
      continue;
    }
    if (!line?.entry?.article?.id || !line.entry.decision) {
      warn(`${files.articles}: a line without an article was skipped`);
      continue;
    }
    if (seen.has(line.entry.article.id)) continue;
    seen.add(line.entry.article.id);
    log.push(line.entry);
    if (line.alert) alerts.push(line.alert);
  }
  const delivered = new Set<string>();
  // One process owns a data directory, so claims can live in memory.
  const locks = new Map<string, number>();
  for (const d of readJsonl<{ alertId: string; target: string }>(files.deliveries, warn)) {
    if (d?.alertId && d.target) delivered.add(`${d.alertId}\u0000${d.target}`);
  }

  // Feed state is rewritten whole; coalesce writes so 10k feeds per poll is not 10k rewrites.
  // Losing the last second of it in a crash only means a re-fetch: seen ids still dedupe.
  // (At 200 ms, a 10k-feed round spent an eighth of its CPU re-serialising the whole map.)
  let flushTimer: NodeJS.Timeout | undefined;
  const flushFeeds = () => {
    if (flushTimer) clearTimeout(flushTimer);
    flushTimer = undefined;
    try {
      writeAtomic(files.feeds, JSON.stringify(Object.fromEntries(feeds), null, 2));
      writeErrors.delete(files.feeds);
    } catch (err) {
      writeErrors.set(files.feeds, (err as Error).message);
      // Runs from a timer: report and keep going; the next change tries again.
      warn(`cannot write ${files.feeds}: ${(err as Error).message}; feed state is kept in memory and written on the next change`);
    }
  };

  let articlesDirty = false;
  let syncTimer: NodeJS.Timeout | undefined;
  const syncArticles = () => {
    if (syncTimer) clearTimeout(syncTimer);
    syncTimer = undefined;
    if (!articlesDirty) return;
    articlesDirty = false;
    try {
      const fd = openSync(files.articles, 'r');
      try {
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
    } catch (err) {
      articlesDirty = true;
      warn(`cannot sync ${files.articles}: ${(err as Error).message}; tried again before the next delivery`);
    }
  };

  const unwrittenMarks: string[] = [];
  /** Writes the delivery marks still owed to the file; false while it refuses them. */
  const flushMarks = (): boolean => {
    while (unwrittenMarks.length) {
      try {
        appender.append(files.deliveries, unwrittenMarks[0]!, true);
      } catch (err) {
        warn(`cannot write ${files.deliveries}: ${(err as Error).message}; delivery paused until it can be written (posting now would post again after a restart)`);
        return false;
      }
      unwrittenMarks.shift();
    }
    return true;
  };

  return {
    async getFeedState(feedId) {
      const s = feeds.get(feedId);
      return s ? { ...s } : undefined;
    },
    async putFeedState(state) {
      feeds.set(state.feedId, { ...state });
      flushTimer ??= setTimeout(flushFeeds, 1000);
      flushTimer.unref();
    },
    async isPrimed(feedUrl) {
      return primed.has(feedUrl);
    },
    async markPrimed(feedUrl) {
      if (primed.has(feedUrl)) return;
      appender.append(files.articles, JSON.stringify({ primed: feedUrl }), false);
      articlesDirty = true;
      primed.add(feedUrl);
    },
    async hasSeen(articleId) {
      return seen.has(articleId);
    },
    async recordArticle(entry, alert) {
      if (seen.has(entry.article.id)) return false;
      // Written at once (a process crash loses nothing), made durable in batches: one fsync
      // before any delivery reads it, not one per article (a first poll records hundreds).
      appender.append(files.articles, JSON.stringify(alert ? { entry, alert } : { entry }), false);
      articlesDirty = true;
      syncTimer ??= setTimeout(syncArticles, 200);
      syncTimer.unref();
      seen.add(entry.article.id);
      log.push(entry);
      if (alert) alerts.push(alert);
      return true;
    },
    async knowledgeSince(cursor) {
      return { entries: log.slice(cursor), cursor: log.length };
    },
    async findDevelopmentAlert(developmentId) {
      return alerts.find((a) => a.alert.developmentId === developmentId && a.alert.kind !== 'follow-up');
    },
    async getAlert(alertId) {
      return alerts.find((a) => a.alert.id === alertId);
    },
    async isPending(alertId, target) {
      const record = alerts.find((a) => a.alert.id === alertId);
      return !!record && record.targets.includes(target) && !delivered.has(`${alertId}\u0000${target}`);
    },
    async pendingDeliveries() {
      // An alert is on disk before it can be posted: after a power cut it is never re-alerted.
      syncArticles();
      // While delivery marks cannot be written, posting more would only repost them after a
      // restart: hold back until the file takes writes again.
      if (!flushMarks()) return [];
      return alerts.flatMap((record) =>
        record.targets.filter((t) => !delivered.has(`${record.alert.id}\u0000${t}`)).map((target) => ({ record, target })));
    },
    async markDelivered(alertId, target) {
      const key = `${alertId}\u0000${target}`;
      if (delivered.has(key)) return;
      // The post has happened: this process must never post it again, even if the mark
      // cannot be written yet (it is retried before the next delivery and on close).
      delivered.add(key);
      unwrittenMarks.push(JSON.stringify({ alertId, target, at: new Date().toISOString() }));
      flushMarks();
    },
    async tryLock(key, ttlMs) {
      const now = Date.now();
      if ((locks.get(key) ?? 0) > now) return undefined;
      locks.set(key, now + ttlMs);
      return async () => {
        locks.delete(key);
      };
    },
    async recentAlerts(limit) {
      return alerts.slice(-limit).reverse();
    },
    writeHealth() {
      const [file, error] = [...writeErrors][0] ?? [];
      return file ? { ok: false, error: `cannot write ${file}: ${error}` } : { ok: true };
    },
    async close() {
      if (flushTimer) flushFeeds();
      syncArticles();
      if (!flushMarks()) warn(`${unwrittenMarks.length} delivery mark(s) could not be written to ${files.deliveries}; those alerts will be posted again on the next start`);
    },
  };
}

function loadFeeds(file: string, warn: (m: string) => void): Map<string, FeedState> {
  if (!existsSync(file)) return new Map();
  try {
    return new Map(Object.entries(JSON.parse(readFileSync(file, 'utf8')) as Record<string, FeedState>));
  } catch (err) {
    // Feed state is validators and backoff only: losing it costs a re-fetch, never an alert
    // (which feeds were primed, and what was seen, lives in articles.jsonl). Kept for a look.
    const aside = `${file}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    let kept = `kept as ${aside}`;
    try {
      renameSync(file, aside);
    } catch (e) {
      kept = `could not be moved aside (${(e as Error).message}); it is overwritten on the next write`;
    }
    warn(`${file} is unreadable (${(err as Error).message}); ${kept}. Feed validators and backoff start afresh: every feed is fetched again, ` +
      'no feed is re-primed and nothing seen is alerted again. Nothing to do unless it happens again (then check the disk and what else writes to the data directory)');
    return new Map();
  }
}

function readJsonl<T>(file: string, warn: (m: string) => void): T[] {
  if (!existsSync(file)) return [];
  const out: T[] = [];
  readFileSync(file, 'utf8').split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    try {
      out.push(JSON.parse(line) as T);
    } catch {
      warn(`${file}:${i + 1}: unreadable line skipped (torn write?); the rest is loaded`);
    }
  });
  return out;
}

/**
 * A crash mid-append can leave a last line without its newline: a record nobody was told
 * about. Cut it off, so the file holds whole records only and the next append starts clean.
 */
function cutTornTail(file: string, warn: (m: string) => void): void {
  if (!existsSync(file)) return;
  const text = readFileSync(file);
  if (!text.length || text[text.length - 1] === 0x0a) return;
  const keep = text.lastIndexOf(0x0a) + 1;
  truncateSync(file, keep);
  warn(`${file}: an incomplete last record (${text.length - keep} bytes, a write cut short) was removed; that article is analysed again`);
}

/**
 * Appends whole lines or nothing. A write that stops part-way (EFBIG at the file size
 * limit, ENOSPC) is truncated back to where it began before the error is passed on; if
 * even that fails, the next append truncates first.
 */
function createAppender(outcome: (file: string, err?: Error) => void) {
  const owed = new Map<string, number>();
  return {
    append(file: string, line: string, sync: boolean): void {
      try {
        appendWhole(file, line, sync);
        outcome(file);
      } catch (err) {
        outcome(file, err as Error);
        throw err;
      }
    },
  };

  function appendWhole(file: string, line: string, sync: boolean): void {
    const fd = openSync(file, 'a');
    try {
      const cut = owed.get(file);
      if (cut !== undefined) {
        ftruncateSync(fd, cut);
        owed.delete(file);
      }
      const start = fstatSync(fd).size;
      const buf = Buffer.from(`${line}\n`);
      try {
        for (let off = 0; off < buf.length;) off += writeSync(fd, buf, off, buf.length - off);
      } catch (err) {
        try {
          ftruncateSync(fd, start);
        } catch {
          owed.set(file, start);
        }
        throw err;
      }
      if (sync) fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }
}

export function writeAtomic(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}
