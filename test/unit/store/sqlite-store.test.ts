/**
 * What only the SQLite store does: the one-time import of a JSONL data directory (kept
 * as a backup), and refusing a database file it cannot read (never re-creating it, which
 * would re-prime every feed) or one written by a newer schema; feed states written in
 * batches, a state whose poll times alone moved kept until a minute later or close.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { createSqliteStore } from '../../../src/store/sqlite/sqlite-store.js';
import { createSqliteChannelStore } from '../../../src/store/sqlite/channel-store.js';
import { DB_NAME } from '../../../src/store/sqlite/database.js';
import type { ProcessedArticle } from '../../../src/store/ports.js';

const dirs: string[] = [];
afterEach(() => {
  while (dirs.length) rmSync(dirs.pop()!, { recursive: true, force: true });
});
function tmp() {
  const d = mkdtempSync(path.join(tmpdir(), 'sw-sqlite-'));
  dirs.push(d);
  return d;
}

const entry = (id: string, relevant = true): ProcessedArticle => ({
  article: { id, title: `t ${id}`, url: `https://x/${id}`, source: 's', publishedAt: '2026-11-01T00:00:00Z', content: 'c' },
  feedId: 'f1',
  decision: { relevant, novel: relevant, developmentId: relevant ? `dev-${id}` : null, duplicateOf: null, relevance: 1, novelty: 1, summary: '', facts: [], reasons: [] },
  processedAt: '2026-11-01T00:00:00Z',
});
const alert = (id: string, targets: string[]) => ({ alert: { id: `dev-${id}:${id}`, developmentId: `dev-${id}`, headline: `h ${id}` } as never, targets, createdAt: '2026-11-01T00:00:00Z' });

/** A data directory as the JSONL file store left it, with a torn last line. */
function jsonlDir(): string {
  const dir = tmp();
  const lines = [
    { primed: 'https://x/feed' },
    { entry: entry('1'), alert: alert('1', ['console', 'slack:C1']) },
    { entry: entry('2', false) },
    { entry: entry('3'), alert: alert('3', ['console']) },
  ];
  writeFileSync(path.join(dir, 'articles.jsonl'), `${lines.map((l) => JSON.stringify(l)).join('\n')}\n{"entry":{"article":{"id":"4"`);
  writeFileSync(path.join(dir, 'deliveries.jsonl'), `${JSON.stringify({ alertId: 'dev-1:1', target: 'console', at: '2026-11-01T00:01:00Z' })}\n`);
  writeFileSync(path.join(dir, 'feeds.json'), JSON.stringify({ f1: { feedId: 'f1', url: 'https://x/feed', primed: true, consecutiveFailures: 0, etag: '"e"' } }));
  writeFileSync(path.join(dir, 'channels.json'), JSON.stringify([{ channel: 'slack:C1', watch: ['lithium'], feeds: [] }]));
  return dir;
}

describe('SQLite store: JSONL import', () => {
  it('imports a JSONL data directory once, says so, and keeps the old files as a backup', async () => {
    const dir = jsonlDir();
    const said: string[] = [];
    const s = createSqliteStore({ dir, warn: (m) => said.push(`warn ${m}`), info: (m) => said.push(`info ${m}`) });
    expect(said).toEqual([
      expect.stringMatching(/^warn .*articles\.jsonl:5: unreadable line skipped/),
      expect.stringMatching(/^info imported the JSONL data directory into .*storywatch\.db: 3 article\(s\), 2 alert\(s\), 1 delivery mark\(s\), 1 feed state\(s\), 1 primed feed\(s\), 1 channel\(s\); the old files are kept in .*jsonl-backup/),
    ]);
    expect((await s.knowledgeSince(0)).entries.map((e) => e.article.id)).toEqual(['1', '2', '3']);
    expect(await s.hasSeen('2')).toBe(true);
    expect(await s.isPrimed('https://x/feed')).toBe(true);
    expect(await s.getFeedState('f1')).toMatchObject({ etag: '"e"' });
    expect((await s.pendingDeliveries()).map((p) => `${p.record.alert.id} ${p.target}`)).toEqual(['dev-1:1 slack:C1', 'dev-3:3 console']);
    expect((await createSqliteChannelStore({ dir, warn: () => {} }).getChannel('slack:C1')).watch).toEqual(['lithium']);
    expect(readdirSync(dir).filter((f) => f.endsWith('.json') || f.endsWith('.jsonl'))).toEqual([]);
    expect(readdirSync(path.join(dir, 'jsonl-backup')).sort()).toEqual(['articles.jsonl', 'channels.json', 'deliveries.jsonl', 'feeds.json']);
    await s.close();
    // Once: a restart imports nothing and says nothing.
    const again: string[] = [];
    const t = createSqliteStore({ dir, warn: (m) => again.push(m), info: (m) => again.push(m) });
    expect(again).toEqual([]);
    expect((await t.knowledgeSince(0)).entries).toHaveLength(3);
  });

  it('an import interrupted after its commit only moves the files next time, importing nothing twice', async () => {
    const dir = jsonlDir();
    await createSqliteStore({ dir, warn: () => {} }).close();
    // As if the process died between the commit and the move: the old files are back.
    for (const f of readdirSync(path.join(dir, 'jsonl-backup'))) writeFileSync(path.join(dir, f), readFileSync(path.join(dir, 'jsonl-backup', f)));
    const said: string[] = [];
    const s = createSqliteStore({ dir, warn: (m) => said.push(m), info: (m) => said.push(m) });
    expect(said).toEqual([]);
    expect((await s.knowledgeSince(0)).entries).toHaveLength(3);
    expect(existsSync(path.join(dir, 'articles.jsonl'))).toBe(false);
  });
});

describe('SQLite store: a file it cannot use', () => {
  it('a corrupt database file is reported with what to do, and left exactly as it was', () => {
    const dir = tmp();
    const garbage = Buffer.concat([Buffer.from('not a database at all '), Buffer.alloc(8192, 7)]);
    writeFileSync(path.join(dir, DB_NAME), garbage);
    expect(() => createSqliteStore({ dir, warn: () => {} })).toThrow(/storywatch\.db is not a readable storywatch database/);
    try {
      createSqliteStore({ dir, warn: () => {} });
    } catch (err) {
      expect((err as { hint?: string }).hint).toMatch(/will not replace it.*Restore it from a backup.*move it .* aside/);
    }
    expect(readFileSync(path.join(dir, DB_NAME))).toEqual(garbage);
    expect(readdirSync(dir)).toEqual([DB_NAME]);
  });

  it('a database whose pages were overwritten is refused the same way', async () => {
    const dir = tmp();
    const s = createSqliteStore({ dir, warn: () => {} });
    for (let i = 0; i < 300; i++) await s.recordArticle(entry(`a${i}`));
    await s.close();
    const file = path.join(dir, DB_NAME);
    const bytes = readFileSync(file);
    // Keep the header, scribble over the schema page and what follows.
    bytes.fill(0xab, 100, bytes.length);
    writeFileSync(file, bytes);
    expect(() => createSqliteStore({ dir, warn: () => {} })).toThrow(/not a readable storywatch database/);
    expect(readFileSync(file)).toEqual(bytes);
  });

  it('a database from a newer storywatch is refused, not misread', () => {
    const dir = tmp();
    mkdirSync(dir, { recursive: true });
    const db = new Database(path.join(dir, DB_NAME));
    db.pragma('user_version = 99');
    db.close();
    expect(() => createSqliteStore({ dir, warn: () => {} })).toThrow(/schema version 99, newer than this storywatch understands/);
  });
});

describe('SQLite store: feed states', () => {
  const onDisk = (dir: string, feedId: string) => {
    const db = new Database(path.join(dir, DB_NAME), { readonly: true });
    try {
      const raw = db.prepare('SELECT state FROM feeds WHERE feed_id = ?').pluck().get(feedId) as string | undefined;
      return raw ? JSON.parse(raw) : undefined;
    } finally {
      db.close();
    }
  };

  it('a change that matters is on disk within the batch window; a poll time only is kept until close', async () => {
    const dir = tmp();
    const store = createSqliteStore({ dir, warn: () => {} });
    const base = { feedId: 'f1', url: 'https://x/feed', primed: true, consecutiveFailures: 0 };
    await store.putFeedState({ ...base, etag: '"a"', lastPollAt: '2026-11-01T00:00:00Z' });
    await new Promise((r) => setTimeout(r, 150));
    expect(onDisk(dir, 'f1')).toMatchObject({ etag: '"a"', lastPollAt: '2026-11-01T00:00:00Z' });
    // A 304's new state: only its poll times moved. Read back at once from memory, written later.
    await store.putFeedState({ ...base, etag: '"a"', lastPollAt: '2026-11-01T00:05:00Z' });
    await new Promise((r) => setTimeout(r, 150));
    expect(await store.getFeedState('f1')).toMatchObject({ lastPollAt: '2026-11-01T00:05:00Z' });
    expect(onDisk(dir, 'f1')).toMatchObject({ lastPollAt: '2026-11-01T00:00:00Z' });
    // New validators are not a poll time: written in the next batch, the pending poll time with them.
    await store.putFeedState({ ...base, etag: '"b"', lastPollAt: '2026-11-01T00:10:00Z' });
    await new Promise((r) => setTimeout(r, 150));
    expect(onDisk(dir, 'f1')).toMatchObject({ etag: '"b"', lastPollAt: '2026-11-01T00:10:00Z' });
    await store.putFeedState({ ...base, etag: '"b"', lastPollAt: '2026-11-01T00:15:00Z' });
    await store.close();
    expect(onDisk(dir, 'f1')).toMatchObject({ etag: '"b"', lastPollAt: '2026-11-01T00:15:00Z' });
    const again = createSqliteStore({ dir, warn: () => {} });
    expect(await again.getFeedState('f1')).toMatchObject({ etag: '"b"', lastPollAt: '2026-11-01T00:15:00Z' });
    await again.close();
  });
});
