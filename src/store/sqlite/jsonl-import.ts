/**
 * One-time import of a data directory written by the JSONL file store (feeds.json,
 * articles.jsonl, deliveries.jsonl, channels.json) into the SQLite file, in one
 * transaction, after which the old files are moved into jsonl-backup/ and kept. A crash
 * before the commit imports again from scratch next start; after it, only the move is
 * left to do. Unreadable lines (a torn last write) are skipped with their line number.
 */
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import path from 'node:path';
import type { AlertRecord, ChannelSettings, FeedState, ProcessedArticle } from '../ports.js';
import type { Db } from './database.js';
import { recorder, time } from './records.js';

export const JSONL_FILES = ['feeds.json', 'articles.jsonl', 'deliveries.jsonl', 'channels.json'] as const;
export const BACKUP_DIR = 'jsonl-backup';
const IMPORTED = 'jsonl_imported';

interface ArticleLine {
  entry?: ProcessedArticle;
  alert?: AlertRecord;
  primed?: string;
}

export interface ImportLog {
  warn: (m: string) => void;
  info: (m: string) => void;
}

export function importJsonlOnce(db: Db, dir: string, log: ImportLog): void {
  const present = JSONL_FILES.filter((f) => existsSync(path.join(dir, f)));
  if (!present.length) return;
  const done = db.prepare('SELECT value FROM meta WHERE key = ?').pluck().get(IMPORTED) as string | undefined;
  // Only into a database nothing has written yet: JSONL files beside one in use are strays.
  const inUse = !done && db.prepare('SELECT EXISTS (SELECT 1 FROM seen) OR EXISTS (SELECT 1 FROM feeds) OR EXISTS (SELECT 1 FROM primed)').pluck().get() === 1;
  if (inUse) {
    log.warn(`${present.join(', ')} in ${dir} were not imported: ${db.name} is in use already (it was started afresh before). ` +
      'Left as they are; to import them instead, stop storywatch, move the database aside and start again');
    return;
  }
  if (!done) {
    const counts = db.transaction(() => {
      const c = importAll(db, dir, log.warn);
      db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)').run(IMPORTED, new Date().toISOString());
      return c;
    })();
    log.info(`imported the JSONL data directory into ${db.name}: ${counts.articles} article(s), ${counts.alerts} alert(s), ` +
      `${counts.delivered} delivery mark(s), ${counts.feeds} feed state(s), ${counts.primed} primed feed(s), ${counts.channels} channel(s); ` +
      `the old files are kept in ${path.join(dir, BACKUP_DIR)} (delete them once this version runs well)`);
  }
  const backup = path.join(dir, BACKUP_DIR);
  mkdirSync(backup, { recursive: true });
  for (const f of present) {
    const to = existsSync(path.join(backup, f)) ? path.join(backup, `${f}.${Date.now()}`) : path.join(backup, f);
    renameSync(path.join(dir, f), to);
  }
}

function importAll(db: Db, dir: string, warn: (m: string) => void) {
  const record = recorder(db);
  const counts = { articles: 0, alerts: 0, delivered: 0, feeds: 0, primed: 0, channels: 0 };
  const primed = db.prepare('INSERT OR IGNORE INTO primed (url) VALUES (?)');
  const feeds = readJson<Record<string, FeedState>>(path.join(dir, 'feeds.json'), warn) ?? {};
  const putFeed = db.prepare('INSERT OR REPLACE INTO feeds (feed_id, state) VALUES (?, ?)');
  for (const [id, state] of Object.entries(feeds)) {
    putFeed.run(id, JSON.stringify(state));
    counts.feeds++;
    // Feed state written before primed lines existed still counts.
    if (state.primed && state.url) counts.primed += primed.run(state.url).changes;
  }
  for (const line of readJsonl<ArticleLine>(path.join(dir, 'articles.jsonl'), warn)) {
    if (typeof line?.primed === 'string') {
      counts.primed += primed.run(line.primed).changes;
      continue;
    }
    if (!line?.entry?.article?.id || !line.entry.decision) {
      warn(`${path.join(dir, 'articles.jsonl')}: a line without an article was skipped`);
      continue;
    }
    if (record(line.entry, line.alert, time(line.entry.processedAt))) {
      counts.articles++;
      if (line.alert) counts.alerts++;
    }
  }
  const deliver = db.prepare('UPDATE deliveries SET delivered_at = ? WHERE alert_id = ? AND target = ? AND delivered_at IS NULL');
  for (const d of readJsonl<{ alertId: string; target: string; at?: string }>(path.join(dir, 'deliveries.jsonl'), warn)) {
    if (d?.alertId && d.target) counts.delivered += deliver.run(d.at ?? new Date().toISOString(), d.alertId, d.target).changes;
  }
  const putChannel = db.prepare('INSERT OR REPLACE INTO channels (channel, settings) VALUES (?, ?)');
  for (const c of readJson<ChannelSettings[]>(path.join(dir, 'channels.json'), warn) ?? []) {
    if (!c?.channel) continue;
    putChannel.run(c.channel, JSON.stringify(c));
    counts.channels++;
  }
  return counts;
}

function readJson<T>(file: string, warn: (m: string) => void): T | undefined {
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch (err) {
    // Feed state is validators and backoff; channels are the operator's: say what was lost.
    warn(`${file} is unreadable (${(err as Error).message}) and was not imported; it is kept in ${BACKUP_DIR}/. ` +
      (file.endsWith('channels.json') ? 'Channel settings start empty: set them again with /storywatch watch and feeds' : 'Feeds are fetched afresh; nothing seen is alerted again'));
    return undefined;
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
      warn(`${file}:${i + 1}: unreadable line skipped (torn write?); the rest is imported`);
    }
  });
  return out;
}
