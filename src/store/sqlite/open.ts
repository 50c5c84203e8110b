/** Opens the data directory's database for the stores: checked, migrated, JSONL imported once. */
import { openDatabase, type Db } from './database.js';
import { importJsonlOnce } from './jsonl-import.js';

export function openStoreDatabase(deps: { dir: string; warn: (m: string) => void; info?: (m: string) => void }): { db: Db; file: string } {
  const { db, file } = openDatabase(deps.dir);
  try {
    importJsonlOnce(db, deps.dir, { warn: deps.warn, info: deps.info ?? deps.warn });
  } catch (err) {
    db.close();
    throw err;
  }
  return { db, file };
}
