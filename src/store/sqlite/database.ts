/**
 * The embedded store's one SQLite file (<dataDir>/storywatch.db), in WAL mode: opened,
 * checked and migrated here. Migrations are numbered and run in one transaction each,
 * recorded in PRAGMA user_version, so an old file is brought forward exactly once and a
 * file from a newer storywatch is refused rather than misread.
 *
 * A file that is not a readable database is never replaced or re-created: that would
 * forget which feeds were primed and what was seen, and alert the whole backlog again.
 */
import Database from 'better-sqlite3';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { AppError } from '../../domain/errors.js';

export type Db = Database.Database;

export const DB_NAME = 'storywatch.db';

/**
 * Each entry moves the schema one version on. Tables are added, never changed in place:
 * new columns or tables (thread refs, digest markers, mutes) go in a new entry.
 */
const MIGRATIONS: string[] = [
  `CREATE TABLE feeds (feed_id TEXT PRIMARY KEY, state TEXT NOT NULL);
   CREATE TABLE primed (url TEXT PRIMARY KEY) WITHOUT ROWID;
   -- Ids outlive their articles: a feed may repeat an item long after it was analysed.
   CREATE TABLE seen (id TEXT PRIMARY KEY, at INTEGER NOT NULL) WITHOUT ROWID;
   CREATE INDEX seen_at ON seen(at);
   -- The knowledge log: seq is the cursor the engine catches up from.
   CREATE TABLE articles (
     seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, feed_id TEXT NOT NULL,
     url TEXT NOT NULL, development_id TEXT, at INTEGER NOT NULL, entry TEXT NOT NULL);
   CREATE INDEX articles_at ON articles(at);
   CREATE INDEX articles_url ON articles(url);
   -- What stays listable after the articles that made it are gone.
   CREATE TABLE developments (
     id TEXT PRIMARY KEY, headline TEXT NOT NULL, first_at INTEGER NOT NULL, last_at INTEGER NOT NULL,
     reports INTEGER NOT NULL, alert_id TEXT);
   CREATE INDEX developments_last ON developments(last_at);
   CREATE TABLE alerts (
     seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, development_id TEXT,
     follow_up INTEGER NOT NULL, at INTEGER NOT NULL, record TEXT NOT NULL);
   CREATE INDEX alerts_dev ON alerts(development_id);
   CREATE INDEX alerts_at ON alerts(at);
   -- One row per alert/target pair; delivered_at NULL while it waits.
   CREATE TABLE deliveries (
     alert_id TEXT NOT NULL, target TEXT NOT NULL, delivered_at TEXT, PRIMARY KEY (alert_id, target)) WITHOUT ROWID;
   CREATE INDEX deliveries_pending ON deliveries(alert_id) WHERE delivered_at IS NULL;
   -- A channel's settings as one JSON document: new settings need no migration.
   CREATE TABLE channels (channel TEXT PRIMARY KEY, settings TEXT NOT NULL);
   CREATE TABLE engine_snapshots (
     key TEXT PRIMARY KEY, version TEXT NOT NULL, cursor INTEGER NOT NULL, taken_at TEXT NOT NULL, data BLOB NOT NULL);
   CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);`,
  // 2: where each development's alert went per channel (threads across restarts), and the
  // digest periods each channel has claimed (a period is posted once, ever).
  `CREATE TABLE threads (channel TEXT NOT NULL, development_id TEXT NOT NULL, ref TEXT NOT NULL,
     PRIMARY KEY (channel, development_id)) WITHOUT ROWID;
   CREATE TABLE digest_claims (channel TEXT NOT NULL, period TEXT NOT NULL, claimed_at TEXT NOT NULL,
     PRIMARY KEY (channel, period)) WITHOUT ROWID;`,
  // No query looks articles up by URL: the index was a page written with every article's commit.
  'DROP INDEX IF EXISTS articles_url;',
  // Which developments each channel has been sent (knowledge is per audience). A thread
  // exists only where a development was posted, so those channels know theirs already.
  `CREATE TABLE audience (channel TEXT NOT NULL, development_id TEXT NOT NULL,
     PRIMARY KEY (channel, development_id)) WITHOUT ROWID;
   INSERT OR IGNORE INTO audience (channel, development_id) SELECT channel, development_id FROM threads;
   INSERT OR IGNORE INTO audience (channel, development_id)
     SELECT d.target, a.development_id FROM deliveries d JOIN alerts a ON a.id = d.alert_id
     WHERE d.delivered_at IS NOT NULL AND a.development_id IS NOT NULL
       AND d.target NOT LIKE 'slack:%' AND d.target NOT LIKE 'discord:%';`,
  // Posts started and not yet confirmed (deleted with their delivery mark): after a crash
  // between the platform accepting a post and its mark, the platform is asked before re-posting.
  `CREATE TABLE posting (alert_id TEXT NOT NULL, target TEXT NOT NULL, started_at TEXT NOT NULL,
     PRIMARY KEY (alert_id, target)) WITHOUT ROWID;`,
  // When each development was last posted to each channel (ms), so what retired developments
  // leave behind (audience rows, thread refs) is trimmed; rows from before age from now.
  `ALTER TABLE audience ADD COLUMN sent_at INTEGER;
   UPDATE audience SET sent_at = CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER);
   CREATE INDEX audience_sent_at ON audience(sent_at);`,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

export function unreadable(file: string, err: Error): AppError {
  return new AppError(`${file} is not a readable storywatch database (${err.message})`, 'CONFIG_INVALID',
    `storywatch will not start on it and will not replace it (a new file would alert every feed's backlog again). ` +
    `Restore it from a backup, or try \`sqlite3 ${file} ".recover"\` into a new file; to start afresh instead, move it (and its -wal/-shm files) aside`,
    { cause: err });
}

/** Opens (creating if absent) the data directory's database, checked and migrated. */
export function openDatabase(dir: string): { db: Db; file: string; created: boolean } {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (err) {
    throw new AppError(`cannot create data directory ${dir}: ${(err as Error).message}`, 'CONFIG_INVALID',
      'set STORYWATCH_DATA_DIR to a writable directory', { cause: err });
  }
  const file = path.join(dir, DB_NAME);
  const created = !existsSync(file);
  // SQLite takes a zero-length file for an empty database and would start afresh on it:
  // every feed's backlog learned again, dedup and threads gone. A file storywatch made is
  // never empty after its first start, so an empty one was truncated (a bad copy, a full disk).
  if (!created && statSync(file).size === 0) {
    throw new AppError(`${file} is empty (0 bytes): its history, dedup records and threads are gone`, 'CONFIG_INVALID',
      'restore it from a backup; if this data directory is new and nothing was ever recorded in it, delete the empty file and start again');
  }
  let db: Db;
  try {
    db = new Database(file);
  } catch (err) {
    throw new AppError(`cannot open ${file}: ${(err as Error).message}`, 'CONFIG_INVALID', 'check that the data directory is writable by this user', { cause: err });
  }
  try {
    db.pragma('journal_mode = WAL');
    // NORMAL in WAL mode: a power cut may lose the last commits, never corrupt the file; the
    // store syncs before anything is posted and with every delivery mark (see syncNow).
    db.pragma('synchronous = NORMAL');
    // Another process holding a write lock (a sqlite3 shell in a transaction) fails a write after this.
    db.pragma('busy_timeout = 2000');
    // Statement journals (an article's savepoint inside an analysis batch) in memory: a new
    // temp file per batch would fail the batch whenever the process is out of descriptors.
    db.pragma('temp_store = MEMORY');
    // Reads the header and the schema: a file that is not a database fails here. (A full
    // integrity check reads every page: seconds on a large file, so not at every start.)
    db.prepare('SELECT count(*) FROM sqlite_master').get();
    // Every page's structure (not the indexes' agreement, which integrity_check adds): a file
    // damaged mid-way is refused now, with advice, instead of failing at some later read.
    if (!created) quickCheck(db);
    migrate(db, file);
    writable(db, file);
  } catch (err) {
    db.close();
    if (err instanceof AppError) throw err;
    const code = (err as { code?: string }).code ?? '';
    if (/SQLITE_(NOTADB|CORRUPT)/.test(code)) throw unreadable(file, err as Error);
    if (/SQLITE_(READONLY|CANTOPEN)/.test(code)) throw readOnly(file, err as Error);
    throw new AppError(`cannot use ${file}: ${(err as Error).message}`, 'CONFIG_INVALID', 'check the disk and the data directory\'s permissions', { cause: err });
  }
  return { db, file, created };
}

function quickCheck(db: Db): void {
  const result = db.pragma('quick_check(1)', { simple: true }) as string;
  if (result !== 'ok') throw Object.assign(new Error(`damaged: ${result}`), { code: 'SQLITE_CORRUPT' });
}

/**
 * SQLite opens a file it may not write read-only without a word, and every write would
 * then fail while the process runs on: a monitor that cannot keep its state is refused.
 */
function writable(db: Db, file: string): void {
  try {
    db.prepare(`INSERT INTO meta (key, value) VALUES ('opened_at', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`).run(new Date().toISOString());
  } catch (err) {
    throw readOnly(file, err as Error);
  }
}

function readOnly(file: string, err: Error): AppError {
  return new AppError(`${file} cannot be written (${err.message}): storywatch would keep nothing it learns`, 'CONFIG_INVALID',
    `make the file, its -wal and -shm files and ${path.dirname(file)} writable by this user (uid ${process.getuid?.() ?? '?'}), or point STORYWATCH_DATA_DIR at a writable directory`,
    { cause: err });
}

function migrate(db: Db, file: string): void {
  const at = db.pragma('user_version', { simple: true }) as number;
  if (at > SCHEMA_VERSION) {
    throw new AppError(`${file} has schema version ${at}, newer than this storywatch understands (${SCHEMA_VERSION})`, 'CONFIG_INVALID',
      'run the storywatch version that wrote it, or restore a backup from before the upgrade');
  }
  for (let v = at; v < SCHEMA_VERSION; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v]!);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
}
