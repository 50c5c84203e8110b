/**
 * Group commit for the SQLite store: an analysis batch's writes (each article still in its
 * own savepoint, so one that fails leaves the others) go to disk in one commit. A commit
 * per article wrote every touched B-tree page to the WAL again for each article: most of
 * an embedded poll cycle's time after its fetches (`npm run bench`, embedded cycle row).
 */
import type { Database as Db } from 'better-sqlite3';
import { BatchLost } from '../ports.js';

export function batcher(db: Db, file: string, committed: () => void) {
  let depth = 0;
  const open = () => depth > 0;

  const run = async <T>(work: () => Promise<T>): Promise<T> => {
    // Nested, or inside a transaction of the caller's: part of that one.
    if (depth > 0 || db.inTransaction) return work();
    db.exec('BEGIN');
    depth++;
    try {
      return await work();
    } finally {
      // Also when `work` threw: what it wrote before then stands. A lost commit (BatchLost) wins.
      depth--;
      end();
    }
  };

  /** Commits what the batch wrote; BatchLost when SQLite rolled it back or the commit fails. */
  const end = () => {
    // Some errors (a full disk, an I/O error) make SQLite roll back the whole transaction.
    if (!db.inTransaction) throw new BatchLost(`the writes of an analysis batch to ${file} were rolled back by SQLite`);
    try {
      db.exec('COMMIT');
      committed();
    } catch (err) {
      if (db.inTransaction) db.exec('ROLLBACK');
      throw new BatchLost(`${(err as Error).message} (committing an analysis batch to ${file}; its writes are rolled back)`, { cause: err });
    }
  };

  return { run, open };
}
