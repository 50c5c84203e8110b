/**
 * Fault injection on the embedded runner (issue 11, "must show", on the SQLite store of
 * issue 13): real `storywatch run` processes over a loopback fixture feed server, with
 * write failures injected into the live process (another process holding the database's
 * write lock, EMFILE and the file size limit via prlimit), kill -9 at random points of
 * bursts (20 rounds), a feed that 301s mid-run
 * and a feed list edited between runs. After recovery every development of the fixture
 * stream must have been alerted exactly once, and nothing posted twice.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import Database from 'better-sqlite3';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { serve } from '../helpers/http.js';
import { DB_NAME } from '../../src/store/sqlite/database.js';
import { waitFor, type WorkerProc } from '../helpers/workers.js';
import { faultRows, fixture, printFaultTable, startRun, stop, tally, type Expected, type Tally } from './fault-harness.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});
afterAll(() => printFaultTable());


async function setup(owner?: number) {
  const f = await fixture();
  cleanups.push(() => f.server.close());
  const root = mkdtempSync(path.join(tmpdir(), 'sw-faults-'));
  cleanups.push(() => rmSync(root, { recursive: true, force: true }));
  const dir = path.join(root, 'data');
  const sinkDir = path.join(root, 'sink');
  for (const d of [dir, sinkDir]) {
    mkdirSync(d);
    if (owner !== undefined) chownSync(d, owner, owner);
  }
  if (owner !== undefined) chmodSync(root, 0o755);
  const sink = path.join(sinkDir, 'alerts.jsonl');
  const feeds = Object.values(f.server.feedUrls);
  const env = (list = feeds) => ({
    STORYWATCH_DATA_DIR: dir, STORYWATCH_FEEDS: list.join(','), STORYWATCH_ALLOW_PRIVATE_HOSTS: '127.0.0.1', STORYWATCH_PER_HOST_INTERVAL_MS: '0',
    STORYWATCH_POLL_INTERVAL: '1', STORYWATCH_TARGETS: `jsonl:${sink}`, STORYWATCH_FOLLOWUP_MERGE_SECONDS: '0', STORYWATCH_LOG_LEVEL: 'info',
  });
  return { ...f, dir, sink, feeds, env };
}

function track(w: WorkerProc): WorkerProc {
  cleanups.push(() => stop(w, 'SIGKILL'));
  return w;
}

/** Waits until every expected development reached the sink and nothing more arrives for a while. */
async function settle(sink: string, expected: Expected, w?: WorkerProc): Promise<Tally> {
  await waitFor('every development in the sink', () => tally(sink, expected).missing.length === 0, 45_000, 200).catch((err: Error) => {
    throw new Error(`${err.message}: ${JSON.stringify(tally(sink, expected))}${w ? `\n${w.output().slice(-4000)}` : ''}`);
  });
  // Late duplicates would arrive within a few delivery rounds.
  let size = -1;
  await waitFor('the sink to stay still', () => {
    const now = existsSync(sink) ? statSync(sink).size : 0;
    const still = now === size;
    size = now;
    return still;
  }, 20_000, 1500);
  return tally(sink, expected);
}

/**
 * Every feed has had its first poll (its backlog learned silently), as the database says:
 * a feed slow to answer is polled in a later tick, so one "poll finished" may not cover all.
 */
async function primed(w: WorkerProc, dir: string, feeds: number): Promise<void> {
  const count = () => {
    if (!existsSync(path.join(dir, DB_NAME))) return 0;
    const db = new Database(path.join(dir, DB_NAME), { readonly: true, fileMustExist: true });
    try {
      return db.prepare('SELECT count(*) FROM primed').pluck().get() as number;
    } catch {
      return 0;
    } finally {
      db.close();
    }
  };
  await waitFor(`every feed's first poll\n${w.output().slice(-2000)}`, () => count() >= feeds, 20_000);
}

function record(faults: string, t: Tally) {
  faultRows.push({ runner: 'embedded', faults, tally: t });
  expect(t.missing).toEqual([]);
  expect(t.unexpected).toEqual([]);
  expect(t.duplicates).toBe(0);
  expect(t.delivered).toBe(t.expected);
  expect(t.expected).toBeGreaterThan(0);
}

interface MidRun {
  name: string;
  owner?: number;
  inject(ctx: { pid: number; dir: string }): void;
  heal(ctx: { pid: number; dir: string }): void;
  /** What the process says once the fault hit a poll cycle's writes (healed only then). */
  seen: RegExp;
}

const prlimit = (pid: number, arg: string) => execFileSync('prlimit', ['--pid', String(pid), arg]);
let savedNofile = '';

/** A second connection to the runner's database, as a sqlite3 shell would be. */
let holder: Database.Database | undefined;

const MID_RUN: MidRun[] = [
  {
    name: 'SQLITE_BUSY (another process holds the database\'s write lock)',
    inject: ({ dir }) => {
      holder = new Database(path.join(dir, DB_NAME));
      holder.exec('BEGIN EXCLUSIVE');
    },
    heal: () => {
      holder?.exec('COMMIT');
      holder?.close();
      holder = undefined;
    },
    seen: /tick failed: database is locked/,
  },
  {
    name: 'EMFILE (open-files limit reached, prlimit)',
    inject: ({ pid }) => {
      savedNofile = execFileSync('prlimit', ['--pid', String(pid), '--nofile', '--noheadings', '--raw', '--output=SOFT']).toString().trim();
      // New descriptors take the lowest free number: a limit at the first gap refuses every open.
      const open = readdirSync(`/proc/${pid}/fd`).map(Number).sort((a, b) => a - b);
      const gap = open.findIndex((fd, i) => fd !== i);
      prlimit(pid, `--nofile=${gap < 0 ? open.length : gap}:`);
    },
    heal: ({ pid }) => prlimit(pid, `--nofile=${savedNofile}:`),
    // The database needs no new descriptor; the alert sink (a file opened per post) does:
    // the alerts are recorded, and posting them fails until the limit is lifted.
    seen: /poll finished .*alerts=[1-9]/,
  },
  {
    name: 'EFBIG (file size limit under the database\'s pages, prlimit)',
    // At the database log's current end: the next page written past it fails.
    inject: ({ pid, dir }) => prlimit(pid, `--fsize=${Math.max(4096, statSync(path.join(dir, `${DB_NAME}-wal`)).size)}:`),
    heal: ({ pid }) => prlimit(pid, '--fsize=unlimited:'),
    seen: /tick failed: (database or disk is full|disk I\/O error)/,
  },
];

describe('embedded runner under faults: every development once', () => {
  for (const fault of MID_RUN) {
    it(`${fault.name}, injected into the running process and lifted`, async () => {
      const s = await setup(fault.owner);
      const w = track(startRun(s.env(), { uid: fault.owner }));
      await primed(w, s.dir, s.feeds.length);
      const ctx = { pid: w.proc.pid!, dir: s.dir };
      const mark = w.output().length;
      fault.inject(ctx);
      s.server.reveal(8);
      await waitFor(`the fault to bite (${fault.seen})\n${w.output().slice(-2000)}`, () => fault.seen.test(w.output().slice(mark)), 20_000);
      fault.heal(ctx);
      s.server.reveal(s.articles.length);
      const t = await settle(s.sink, s.expected, w);
      await stop(w);
      record(fault.name, t);
    });
  }

  it('kill -9 at random points of bursts, 20 rounds, then a clean run', async () => {
    const s = await setup();
    let seed = Number(process.env.STORYWATCH_FAULT_SEED ?? Date.now() % 100_000);
    console.log(`kill -9 rounds: seed ${seed} (STORYWATCH_FAULT_SEED to replay)`);
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const points: number[] = [];
    // The first run primes the feeds (their backlog is learned silently) before any burst.
    const primer = track(startRun(s.env()));
    await primed(primer, s.dir, s.feeds.length);
    await stop(primer, 'SIGKILL');
    for (let round = 0; round < 20; round++) {
      const w = track(startRun(s.env()));
      s.server.reveal(2);
      // Anywhere from start-up through polling, analysis and delivery.
      const at = Math.round(300 + random() * 1700);
      points.push(at);
      await new Promise((r) => setTimeout(r, at));
      await stop(w, 'SIGKILL');
    }
    const last = track(startRun(s.env()));
    s.server.reveal(s.articles.length);
    const t = await settle(s.sink, s.expected, last);
    await stop(last);
    record(`kill -9 ×20 (at ${Math.min(...points)}–${Math.max(...points)} ms into each run)`, t);
  });

  it('a feed that 301s (and one that 308s) mid-run', async () => {
    const s = await setup();
    const w = track(startRun(s.env()));
    await primed(w, s.dir, s.feeds.length);
    s.server.reveal(10);
    await waitFor('some alerts', () => tally(s.sink, s.expected).delivered > 0, 20_000);
    s.server.move('kyivwire', 301);
    s.server.move('linefeed', 308);
    s.server.reveal(s.articles.length);
    const t = await settle(s.sink, s.expected, w);
    expect(w.output()).toMatch(/moved permanently to .*\/moved\/kyivwire\.xml/);
    await stop(w);
    record('feeds moved mid-run (301, 308)', t);
  });

  it('a feed list edited between runs (a feed added in front, the rest reordered)', async () => {
    const s = await setup();
    const extra = await serve((_req, res) => res.writeHead(200, { 'content-type': 'application/rss+xml' }).end('<?xml version="1.0"?><rss version="2.0"><channel><title>Extra</title></channel></rss>'));
    cleanups.push(extra.close);
    const first = track(startRun(s.env()));
    await primed(first, s.dir, s.feeds.length);
    s.server.reveal(10);
    await waitFor('some alerts', () => tally(s.sink, s.expected).delivered > 0, 20_000);
    await stop(first);
    const second = track(startRun(s.env([`${extra.url}/extra.xml`, ...[...s.feeds].reverse()])));
    s.server.reveal(s.articles.length);
    const t = await settle(s.sink, s.expected, second);
    await stop(second);
    record('feed list edited between runs', t);
  });
});
