/**
 * The SQLite store under writes cut short (issue 11, item 5, on the store that replaced
 * the JSONL files): the file size limit (RLIMIT_FSIZE, set on a live process with prlimit)
 * and kill -9 in the middle of a burst of records. Afterwards the file is whole, every
 * article is there with its alert and delivery rows or not at all, and nothing that was
 * posted is posted again.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import Database from 'better-sqlite3';
import { createSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { DB_NAME } from '../../src/store/sqlite/database.js';
import { ROOT } from '../helpers/paths.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

/** A child process driving the built SQLite store, one command per stdin line. */
const CHILD = `
import { createSqliteStore } from ${JSON.stringify(path.join(ROOT, 'dist/store/sqlite/sqlite-store.js'))};
import { createInterface } from 'node:readline';
const store = createSqliteStore({ dir: process.argv[1], warn: (m) => console.log('warn ' + m) });
const entry = (id) => ({ article: { id, title: 't' + id, url: 'https://x/' + id, source: 's', publishedAt: '', content: 'x'.repeat(3000) }, feedId: 'f',
  decision: { relevant: true, novel: true, developmentId: 'dev-' + id, duplicateOf: null, relevance: 1, novelty: 1, summary: '', facts: [], reasons: [] }, processedAt: '' });
const alert = (id) => ({ alert: { id: 'dev-' + id + ':' + id, developmentId: 'dev-' + id, kind: 'development', headline: 'h' }, targets: ['console', 'slack:C1'], createdAt: '' });
for await (const line of createInterface({ input: process.stdin })) {
  const [cmd, id] = line.split(' ');
  try {
    if (cmd === 'record') await store.recordArticle(entry(id), alert(id));
    if (cmd === 'burst') {
      console.log('ok burst started');
      for (let i = 0; ; i++) await store.recordArticle(entry(id + '-' + i), alert(id + '-' + i));
    }
    if (cmd === 'deliver') await store.markDelivered('dev-' + id + ':' + id, 'console');
    if (cmd === 'pending') {
      console.log('pending ' + (await store.pendingDeliveries()).filter((p) => p.target === 'console').map((p) => p.record.alert.id).join(','));
      continue;
    }
    if (cmd === 'exit') { await store.close(); process.exit(0); }
    console.log('ok ' + line);
  } catch (err) {
    console.log('failed ' + line + ' ' + (err.code ?? err.message));
  }
}`;

function child(dir: string) {
  const proc = spawn(process.execPath, ['--input-type=module', '-e', CHILD, dir], { stdio: ['pipe', 'pipe', 'inherit'] });
  cleanups.push(() => proc.kill('SIGKILL'));
  const lines = createInterface({ input: proc.stdout! })[Symbol.asyncIterator]();
  const log: string[] = [];
  const send = async (cmd: string) => {
    proc.stdin!.write(`${cmd}\n`);
    for (;;) {
      const next = await lines.next();
      if (next.done) throw new Error(`child exited during "${cmd}"; it said ${log.join(' | ')}`);
      log.push(next.value);
      if (next.value.startsWith('ok ') || next.value.startsWith('failed ') || next.value.startsWith('pending ')) return next.value;
    }
  };
  const limit = (bytes: number | 'unlimited') => execFileSync('prlimit', ['--pid', String(proc.pid), `--fsize=${bytes}:unlimited`]);
  const exit = async () => {
    proc.stdin!.write('exit\n');
    await new Promise((r) => proc.once('exit', r));
  };
  const kill = async () => {
    proc.kill('SIGKILL');
    await new Promise((r) => proc.once('exit', r));
  };
  return { send, limit, exit, kill, log };
}

function tmp(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'sw-torn-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** The file is a whole database, and each article has its alert and both delivery rows. */
function checkWhole(dir: string): number {
  const db = new Database(path.join(dir, DB_NAME));
  try {
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    const articles = db.prepare('SELECT count(*) FROM articles').pluck().get() as number;
    expect(db.prepare('SELECT count(*) FROM alerts').pluck().get()).toBe(articles);
    expect(db.prepare('SELECT count(*) FROM deliveries').pluck().get()).toBe(articles * 2);
    expect(db.prepare('SELECT count(*) FROM seen').pluck().get()).toBe(articles);
    return articles;
  } finally {
    db.close();
  }
}

const sizes = (dir: string) => ['', '-wal'].reduce((n, s) => {
  try {
    return n + statSync(path.join(dir, DB_NAME + s)).size;
  } catch {
    return n;
  }
}, 0);

describe('SQLite store under writes cut short', () => {
  it('a record refused by the file size limit leaves nothing behind; once the limit is lifted the retry records it whole', async () => {
    const dir = tmp();
    const c = child(dir);
    expect(await c.send('record a1')).toBe('ok record a1');
    // Below what the files hold already: the next page written past it fails.
    c.limit(Math.max(4096, sizes(dir) - 4096));
    expect(await c.send('record a2')).toMatch(/^failed record a2 SQLITE_(FULL|IOERR)/);
    c.limit('unlimited');
    expect(await c.send('record a2')).toBe('ok record a2');
    await c.exit();
    expect(checkWhole(dir)).toBe(2);
    const reopened = createSqliteStore({ dir, warn: () => {} });
    expect(await reopened.hasSeen('a2')).toBe(true);
    await reopened.close();
  });

  it('a delivery mark refused by the limit is written later; delivery waits meanwhile; after a restart nothing is posted again', async () => {
    const dir = tmp();
    const c = child(dir);
    for (const id of ['a1', 'a2', 'a3']) await c.send(`record ${id}`);
    await c.send('deliver a1');
    c.limit(Math.max(4096, sizes(dir) - 4096));
    // The post of a2 happened; its mark cannot be written.
    await c.send('deliver a2');
    expect(c.log.some((l) => /warn cannot write a delivery mark .*delivery paused/.test(l))).toBe(true);
    // Posting a3 now would only post it again after a restart: delivery waits.
    expect(await c.send('pending')).toBe('pending ');
    c.limit('unlimited');
    expect(await c.send('pending')).toBe('pending dev-a3:a3');
    await c.send('deliver a3');
    await c.exit();
    const reopened = createSqliteStore({ dir, warn: () => {} });
    expect((await reopened.pendingDeliveries()).filter((p) => p.target === 'console')).toEqual([]);
    await reopened.close();
  });

  it('kill -9 in the middle of a burst of records: the file is whole and every article has all of its rows', async () => {
    const dir = tmp();
    for (let round = 0; round < 3; round++) {
      const c = child(dir);
      await c.send(`burst r${round}`);
      await new Promise((r) => setTimeout(r, 150 + round * 100));
      await c.kill();
    }
    expect(checkWhole(dir)).toBeGreaterThan(0);
  });
});
