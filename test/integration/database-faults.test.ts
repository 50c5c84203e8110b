/**
 * A damaged data directory is refused at start with what to do, and left as it was:
 * a zero-length storywatch.db (SQLite would take it for a new, empty database), one with
 * 8 KB overwritten mid-file, and one this user may not write (SQLite would open it
 * read-only without a word, and the process would keep nothing it learned).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { chmodSync, chownSync, closeSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { DB_NAME } from '../../src/store/sqlite/database.js';
import { ROOT } from '../helpers/paths.js';
import { appRootForOthers } from '../helpers/other-user.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

function dataDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'sw-db-fault-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function runOnce(dir: string, as?: { uid: number; gid: number }, opts: { feeds?: string; fileSizeLimit?: number } = {}) {
  // No feeds unless given: whatever the outcome, it comes from the database alone.
  const root = as ? appRootForOthers() : ROOT;
  const node = [process.execPath, path.join(root, 'bin', 'storywatch.js'), 'run', '--once'];
  const [cmd, ...args] = opts.fileSizeLimit ? ['prlimit', `--fsize=${opts.fileSizeLimit}`, ...node] : node;
  const proc = spawn(cmd!, args, {
    cwd: root, ...(as ?? {}),
    env: {
      PATH: process.env.PATH ?? '', HOME: dir, STORYWATCH_ENV_FILE: 'off', STORYWATCH_DATA_DIR: dir, STORYWATCH_CONFIG: path.join(dir, 'none.yaml'),
      ...(opts.feeds ? { STORYWATCH_FEEDS: opts.feeds, STORYWATCH_ALLOW_PRIVATE_HOSTS: '127.0.0.1' } : { STORYWATCH_FEEDS: '' }),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout!.on('data', (c) => (out += c));
  proc.stderr!.on('data', (c) => (out += c));
  cleanups.push(() => proc.kill('SIGKILL'));
  const code = await new Promise<number | null>((r) => proc.on('exit', r));
  return { code, out };
}

/** A store with some history: a few hundred articles, so the file has pages well past its schema. */
async function populated(dir: string): Promise<string> {
  const store = createSqliteStore({ dir, warn: () => {} });
  for (let i = 0; i < 300; i++) {
    const id = `a${i}`;
    await store.recordArticle({
      article: { id, title: `t${id}`, url: `https://x.test/${id}`, source: 's', publishedAt: '2025-05-01T00:00:00Z', content: `word${i} `.repeat(300) },
      feedId: 'f', processedAt: '2025-05-01T00:00:00Z',
      decision: { relevant: true, novel: false, developmentId: null, duplicateOf: null, relevance: 1, novelty: 0, summary: '', facts: [], reasons: [] },
    } as never);
  }
  await store.close();
  return path.join(dir, DB_NAME);
}

describe('database faults at start', () => {
  it('a zero-length storywatch.db is refused with advice, not started afresh', async () => {
    const dir = dataDir();
    writeFileSync(path.join(dir, 'none.yaml'), 'feeds: []\n');
    writeFileSync(path.join(dir, DB_NAME), '');
    const r = await runOnce(dir);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/storywatch\.db is empty \(0 bytes\): its history, dedup records and threads are gone/);
    expect(r.out).toMatch(/restore it from a backup/);
    expect(statSync(path.join(dir, DB_NAME)).size).toBe(0);
  });

  it('a database with 8 KB overwritten mid-file is refused with advice and left exactly as it was', async () => {
    const dir = dataDir();
    writeFileSync(path.join(dir, 'none.yaml'), 'feeds: []\n');
    const file = await populated(dir);
    const size = statSync(file).size;
    expect(size).toBeGreaterThan(200_000);
    const fd = openSync(file, 'r+');
    writeSync(fd, Buffer.alloc(8192, 0xab), 0, 8192, Math.floor(size / 2 / 4096) * 4096);
    closeSync(fd);
    const before = readFileSync(file);
    const r = await runOnce(dir);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/storywatch\.db is not a readable storywatch database/);
    expect(r.out).toMatch(/Restore it from a backup, or try `sqlite3 .* "\.recover"`/);
    expect(readFileSync(file).equals(before)).toBe(true);
  });

  it('a database file this user may not write is refused with advice, not run in memory', async () => {
    const dir = dataDir();
    writeFileSync(path.join(dir, 'none.yaml'), 'feeds: []\n');
    const file = await populated(dir);
    // root writes whatever the mode says: then the run is another user's, who may write the
    // directory (its lock file) but not the database.
    const root = process.getuid?.() === 0;
    if (root) {
      chownSync(dir, 65534, 65534);
      chmodSync(dir, 0o755);
      chmodSync(path.join(dir, 'none.yaml'), 0o644);
    }
    chmodSync(file, 0o444);
    const r = await runOnce(dir, root ? { uid: 65534, gid: 65534 } : undefined);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/storywatch\.db cannot be written \(.*\): storywatch would keep nothing it learns/);
    expect(r.out).toMatch(/make the file, its -wal and -shm files and .* writable by this user/);
  });

  it('run --once exits 1 when what it polled cannot be kept (the disk refuses to grow the files)', async () => {
    const dir = dataDir();
    writeFileSync(path.join(dir, 'none.yaml'), 'feeds: []\n');
    expect((await runOnce(dir)).code).toBe(0);
    // A feed of 60 long items: their records outgrow a 128 KiB file size limit.
    const items = Array.from({ length: 60 }, (_, i) => `<item><title>Rada ratifies US minerals deal, part ${i}</title><link>https://news.example.com/${i}</link><guid>g${i}</guid>` +
      `<pubDate>Thu, 08 May 2025 10:${String(i).padStart(2, '0')}:00 GMT</pubDate><description>${`Ukraine ratified the minerals agreement with the United States, clause ${i}. `.repeat(40)}</description></item>`).join('');
    const server = createServer((_q, res) => res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(`<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><link>https://news.example.com/</link>${items}</channel></rss>`));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    cleanups.push(() => new Promise((r) => server.close(r)));
    const r = await runOnce(dir, undefined, { feeds: `http://127.0.0.1:${(server.address() as AddressInfo).port}/feed.xml`, fileSizeLimit: 128 * 1024 });
    expect(r.code, r.out).toBe(1);
    expect(r.out).toMatch(/disk I\/O error \(committing an analysis batch to .*storywatch\.db; its writes are rolled back\)/);
  });
});
