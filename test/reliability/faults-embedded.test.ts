/**
 * Fault injection on the embedded runner (issue 11, "must show"): real `storywatch run`
 * processes over a loopback fixture feed server, with write failures injected into the
 * live process (EISDIR, EMFILE and the file size limit via prlimit, a read-only data
 * directory), kill -9 at random points of bursts (20 rounds), a feed that 301s mid-run
 * and a feed list edited between runs. After recovery every development of the fixture
 * stream must have been alerted exactly once, and nothing posted twice.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { serve } from '../helpers/http.js';
import { waitFor, type WorkerProc } from '../helpers/workers.js';
import { faultRows, fixture, printFaultTable, startRun, stop, tally, type Expected, type Tally } from './fault-harness.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});
afterAll(() => printFaultTable());

const NOBODY = 65534;
const asRoot = process.getuid?.() === 0;

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

const MID_RUN: MidRun[] = [
  {
    name: 'EISDIR (articles.jsonl replaced by a directory)',
    inject: ({ dir }) => {
      renameSync(path.join(dir, 'articles.jsonl'), path.join(dir, 'articles.kept'));
      mkdirSync(path.join(dir, 'articles.jsonl'));
    },
    heal: ({ dir }) => {
      rmSync(path.join(dir, 'articles.jsonl'), { recursive: true });
      renameSync(path.join(dir, 'articles.kept'), path.join(dir, 'articles.jsonl'));
    },
    seen: /tick failed: EISDIR/,
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
    // Whichever write or socket runs out first: the feed state's write, an article's, a fetch.
    seen: /EMFILE/,
  },
  {
    name: 'EFBIG (file size limit mid-record, prlimit)',
    inject: ({ pid, dir }) => prlimit(pid, `--fsize=${statSync(path.join(dir, 'articles.jsonl')).size + 300}:`),
    heal: ({ pid }) => prlimit(pid, '--fsize=unlimited:'),
    seen: /tick failed: EFBIG/,
  },
  {
    name: 'read-only data directory (chmod, process not root)',
    owner: asRoot ? NOBODY : undefined,
    inject: ({ dir }) => {
      for (const f of readdirSync(dir)) if (f.endsWith('.json') || f.endsWith('.jsonl')) chmodSync(path.join(dir, f), 0o444);
      chmodSync(dir, 0o555);
    },
    heal: ({ dir }) => {
      chmodSync(dir, 0o755);
      for (const f of readdirSync(dir)) if (f.endsWith('.json') || f.endsWith('.jsonl')) chmodSync(path.join(dir, f), 0o644);
    },
    seen: /tick failed: (EACCES|EROFS|EPERM)/,
  },
];

describe('embedded runner under faults: every development once', () => {
  for (const fault of MID_RUN) {
    it(`${fault.name}, injected into the running process and lifted`, async () => {
      const s = await setup(fault.owner);
      const w = track(startRun(s.env(), { uid: fault.owner }));
      await waitFor('the first poll', () => /poll finished/.test(w.output()), 20_000);
      const ctx = { pid: w.proc.pid!, dir: s.dir };
      fault.inject(ctx);
      s.server.reveal(8);
      await waitFor(`the fault to bite (${fault.seen})\n${w.output().slice(-2000)}`, () => fault.seen.test(w.output()), 20_000);
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
    await waitFor('the first poll', () => /poll finished/.test(primer.output()), 20_000);
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
    await waitFor('the first poll', () => /poll finished/.test(w.output()), 20_000);
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
    await waitFor('the first poll', () => /poll finished/.test(first.output()), 20_000);
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
