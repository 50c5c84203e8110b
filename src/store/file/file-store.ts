/**
 * File store for the embedded default: a local data directory with
 *   feeds.json        feed state, rewritten atomically (temp file + rename), writes coalesced
 *   articles.jsonl    one line per analysed article, its alert inline (append-only)
 *   deliveries.jsonl  one line per delivered alert/target pair (append-only)
 * One appended line is the unit of atomicity: a torn last line (crash mid-write) is
 * reported and ignored, and that article is simply analysed again on the next poll.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync, openSync, fsyncSync, closeSync } from 'node:fs';
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
  for (const f of [files.articles, files.deliveries]) sealTornLine(f);
  const feeds = loadFeeds(files.feeds, warn);
  const seen = new Set<string>();
  const log: ProcessedArticle[] = [];
  const alerts: AlertRecord[] = [];
  for (const line of readJsonl<ArticleLine>(files.articles, warn)) {
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
  // Losing the last few hundred ms of it in a crash only means a re-fetch: seen ids still dedupe.
  let flushTimer: NodeJS.Timeout | undefined;
  const flushFeeds = () => {
    if (flushTimer) clearTimeout(flushTimer);
    flushTimer = undefined;
    try {
      writeAtomic(files.feeds, JSON.stringify(Object.fromEntries(feeds), null, 2));
    } catch (err) {
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

  return {
    async getFeedState(feedId) {
      const s = feeds.get(feedId);
      return s ? { ...s } : undefined;
    },
    async putFeedState(state) {
      feeds.set(state.feedId, { ...state });
      flushTimer ??= setTimeout(flushFeeds, 200);
      flushTimer.unref();
    },
    async hasSeen(articleId) {
      return seen.has(articleId);
    },
    async recordArticle(entry, alert) {
      if (seen.has(entry.article.id)) return false;
      // Written at once (a process crash loses nothing), made durable in batches: one fsync
      // before any delivery reads it, not one per article (a first poll records hundreds).
      appendFileSync(files.articles, `${JSON.stringify(alert ? { entry, alert } : { entry })}\n`);
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
      return alerts.flatMap((record) =>
        record.targets.filter((t) => !delivered.has(`${record.alert.id}\u0000${t}`)).map((target) => ({ record, target })));
    },
    async markDelivered(alertId, target) {
      const key = `${alertId}\u0000${target}`;
      if (delivered.has(key)) return;
      appendLine(files.deliveries, JSON.stringify({ alertId, target, at: new Date().toISOString() }));
      delivered.add(key);
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
    async close() {
      if (flushTimer) flushFeeds();
      syncArticles();
    },
  };
}

function loadFeeds(file: string, warn: (m: string) => void): Map<string, FeedState> {
  if (!existsSync(file)) return new Map();
  try {
    return new Map(Object.entries(JSON.parse(readFileSync(file, 'utf8')) as Record<string, FeedState>));
  } catch (err) {
    warn(`${file}: unreadable (${(err as Error).message}); feed state starts afresh (feeds are re-fetched, seen articles are not re-alerted)`);
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

/** A crash mid-append leaves a line without its newline; seal it so the next append starts clean. */
function sealTornLine(file: string): void {
  if (!existsSync(file)) return;
  const text = readFileSync(file);
  if (text.length && text[text.length - 1] !== 0x0a) appendFileSync(file, '\n');
}

function appendLine(file: string, line: string): void {
  const fd = openSync(file, 'a');
  try {
    appendFileSync(fd, `${line}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

export function writeAtomic(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}
