/**
 * Start-up bench (part of `npm run bench`): an embedded data directory with a history of
 * 100k / 250k / 1M generated articles, 720 a day (one every 2 minutes, the rate of a few
 * hundred busy feeds): the generated story stream at its own pace (an item every 6 hours,
 * about one development a day, with copies and rewrites) among off-topic items. Recorded
 * by the real pipeline (engine, SQLite store, retention at its 180-day default, on the
 * history's clock) and left as the app leaves it on close (with its engine snapshot). Each start-up runs in a fresh process: createApp until the engine is
 * ready, its wall time and peak RSS; beside it, in the same run, a bare SQLite query that
 * reads every row the store holds, in its own process.
 *
 * Generating the million-article history takes minutes, so histories are made once and
 * kept under the temp directory (STORYWATCH_BENCH_CACHE to choose where; `--regen` to make
 * them again); one pass makes all three, copying the database at 100k and 250k.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { createEngine } from '../analysis/engine.js';
import { loadStory } from '../config/story.js';
import type { Article } from '../domain/article.js';
import { createLogger } from '../log.js';
import { createApp } from '../main.js';
import { analyzeArticle } from '../pipeline/analyze-article.js';
import { snapshotKey, snapshotVersion } from '../pipeline/engine-state.js';
import { DB_NAME } from '../store/sqlite/database.js';
import { createSqliteStore } from '../store/sqlite/sqlite-store.js';
import { noiseArticle, streamArticles } from './generate.js';

const self = fileURLToPath(import.meta.url);
const STEP_MINUTES = 2;
/** One story item per this many items: the story's 6 hours among 2-minute steps. */
const STORY_EVERY = 180;

/** The history, one item at a time: the story stream every STORY_EVERY-th, noise between. */
function* history(n: number, start: number): Generator<Article> {
  const story = streamArticles(Math.ceil(n / STORY_EVERY), 42, { start, stepMinutes: STEP_MINUTES * STORY_EVERY });
  for (let i = 0; i < n; i++) {
    const at = start + i * STEP_MINUTES * 60_000;
    yield i % STORY_EVERY === 0 ? story.next().value! : noiseArticle(i, at);
  }
}
export const HISTORY_SIZES = [100_000, 250_000, 1_000_000];

interface StartResult {
  readyMs: number;
  cpuMs: number;
  peakRssMb: number;
  from: string;
  read: number;
  developments: number;
}

interface BareResult {
  rows: number;
  ms: number;
  peakRssMb: number;
}

export interface StartupRow extends StartResult {
  history: number;
  retained: number;
  dbMb: number;
  snapshotMb: number;
  bare: BareResult;
  /** The same start with a snapshot from another engine version: rebuilt from the kept rows. */
  rebuild: StartResult;
}

function cacheRoot(): string {
  return process.env.STORYWATCH_BENCH_CACHE ?? path.join(tmpdir(), 'storywatch-bench-history');
}

/** The cache key: a history made by another engine would not load its snapshot. */
function historyDir(size: number): string {
  const { story, corpus } = loadStory('minerals-deal');
  const version = snapshotVersion(createEngine(story, corpus)).replace(/[^A-Za-z0-9._-]/g, '_');
  return path.join(cacheRoot(), `${version}-h2`, String(size));
}

/** Records the whole history through the pipeline, copying the data directory at each size. */
async function generate(sizes: number[]): Promise<void> {
  const max = Math.max(...sizes);
  const work = `${historyDir(max)}.partial`;
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const { story, corpus } = loadStory('minerals-deal');
  const engine = createEngine(story, corpus);
  const store = createSqliteStore({ dir: work, warn: (m) => process.stderr.write(`${m}\n`) });
  const start = Date.now() - max * STEP_MINUTES * 60_000;
  let clock = start;
  const deps = { engine, store, targets: ['console'], now: () => new Date(clock) };
  let n = 0;
  const t0 = Date.now();
  for (const article of history(max, start)) {
    clock = Date.parse(article.publishedAt);
    await analyzeArticle(deps, article, 'bench', { silent: false });
    n++;
    if (n % 50_000 === 0) process.stderr.write(`  history: ${n} of ${max} articles recorded (${((Date.now() - t0) / 1000).toFixed(0)} s)\n`);
    if (sizes.includes(n)) {
      // As the app leaves it on close: the engine's snapshot, everything synced.
      await store.saveSnapshot!(snapshotKey(engine), { version: snapshotVersion(engine), cursor: await store.knowledgeEnd!(), takenAt: new Date(clock).toISOString(), data: engine.snapshot() });
      await store.pendingDeliveries();
      const to = historyDir(n);
      rmSync(to, { recursive: true, force: true });
      mkdirSync(path.dirname(to), { recursive: true });
      // VACUUM INTO: a consistent copy while the store stays open.
      const db = new Database(path.join(work, DB_NAME));
      mkdirSync(`${to}.tmp`, { recursive: true });
      db.prepare('VACUUM INTO ?').run(path.join(`${to}.tmp`, DB_NAME));
      db.close();
      renameSync(`${to}.tmp`, to);
    }
  }
  await store.close();
  rmSync(work, { recursive: true, force: true });
}

/** In the child: start the embedded app on the history and stop once it is ready. */
async function startChild(dir: string): Promise<StartResult> {
  const logs = new PassThrough();
  let text = '';
  logs.on('data', (c) => (text += c));
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const app = await createApp({
    config: {
      configFile: '(bench)', story: 'minerals-deal', dataDir: dir, pollIntervalSeconds: 300, targets: ['console'], feeds: [], commands: false, logLevel: 'info',
      fetch: { connectTimeoutMs: 1000, totalTimeoutMs: 2000, maxBytes: 1 << 20, maxRedirects: 5, perHostIntervalMs: 0, perHostConcurrency: 2, allowPrivate: [] },
    },
    log: createLogger({ out: logs }),
    alertsOut: new PassThrough(),
  });
  const readyMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const from = /from its snapshot/.test(text) ? 'snapshot' : /rebuilding the engine/.test(text) ? 'rebuilt' : 'log';
  const read = Number(/(\d+) article\(s\) read/.exec(text)?.[1] ?? 0);
  const developments = app.engine.knownDevelopments;
  // Not closed: closing would save a snapshot into the cached history.
  return { readyMs, cpuMs: (cpu.user + cpu.system) / 1000, peakRssMb: process.resourceUsage().maxRSS / 1024, from, read, developments };
}

/** In the child: every row of the knowledge log, read with one plain query. */
function bareChild(dir: string): BareResult {
  const t0 = performance.now();
  const db = new Database(path.join(dir, DB_NAME), { readonly: true });
  let rows = 0;
  let bytes = 0;
  for (const row of db.prepare('SELECT seq, id, entry FROM articles ORDER BY seq').raw().iterate() as Iterable<[number, string, string]>) {
    rows++;
    bytes += row[2].length;
  }
  db.close();
  if (rows > 0 && bytes === 0) throw new Error('read nothing');
  return { rows, ms: performance.now() - t0, peakRssMb: process.resourceUsage().maxRSS / 1024 };
}

function inChild<T>(flag: string, dir: string): T {
  const r = spawnSync(process.execPath, [self, flag, dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (r.status !== 0) throw new Error(`${flag} on ${dir} exited with ${r.status}`);
  return JSON.parse(r.stdout) as T;
}

/** A copy to start from: a start-up may write (WAL, lock), and the cache stays as made. */
function scratchCopy(dir: string): string {
  const to = path.join(tmpdir(), `sw-startup-${process.pid}-${path.basename(dir)}`);
  rmSync(to, { recursive: true, force: true });
  mkdirSync(to);
  for (const f of readdirSync(dir)) copyFileSync(path.join(dir, f), path.join(to, f));
  return to;
}

export async function startupRows(sizes = HISTORY_SIZES, regen = false): Promise<StartupRow[]> {
  const missing = sizes.filter((n) => regen || !existsSync(path.join(historyDir(n), DB_NAME)));
  if (missing.length) {
    process.stderr.write(`generating the start-up histories (${sizes.join(', ')} articles, once; kept in ${cacheRoot()})...\n`);
    await generate(sizes);
  }
  const rows: StartupRow[] = [];
  for (const history of sizes) {
    const dir = scratchCopy(historyDir(history));
    try {
      const db = new Database(path.join(dir, DB_NAME), { readonly: true });
      const retained = db.prepare('SELECT count(*) FROM articles').pluck().get() as number;
      const snapshotMb = ((db.prepare('SELECT length(data) FROM engine_snapshots').pluck().get() as number | undefined) ?? 0) / 1048576;
      db.close();
      const dbMb = statSync(path.join(dir, DB_NAME)).size / 1048576;
      const bare = inChild<BareResult>('--bare', dir);
      const start = inChild<StartResult>('--start', dir);
      const other = new Database(path.join(dir, DB_NAME));
      other.prepare("UPDATE engine_snapshots SET version = 'another-engine-version'").run();
      other.close();
      const rebuild = inChild<StartResult>('--start', dir);
      if (start.from !== 'snapshot' || rebuild.from !== 'rebuilt') throw new Error(`expected a start from the snapshot and a rebuild, got ${start.from} and ${rebuild.from}`);
      rows.push({ history, retained, dbMb, snapshotMb, bare, ...start, rebuild });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return rows;
}

const fmt = (n: number) => n.toLocaleString('en-US');

export function startupTable(rows: StartupRow[]): string {
  const lines = [
    '| history (articles) | kept in the store | database | snapshot | start-up: time to ready | peak RSS | bare SQLite read of the kept rows | its peak RSS | ready ÷ bare read | rebuild (snapshot of another version): ready | its peak RSS |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${fmt(r.history)} | ${fmt(r.retained)} | ${r.dbMb.toFixed(0)} MB | ${r.snapshotMb.toFixed(1)} MB | ${(r.readyMs / 1000).toFixed(2)} s | ${r.peakRssMb.toFixed(0)} MB | ` +
      `${(r.bare.ms / 1000).toFixed(2)} s | ${r.bare.peakRssMb.toFixed(0)} MB | ${(r.readyMs / r.bare.ms).toFixed(2)}× | ${(r.rebuild.readyMs / 1000).toFixed(1)} s | ${r.rebuild.peakRssMb.toFixed(0)} MB |`),
  ];
  return lines.join('\n');
}

export async function startupBench(opts: { sizes?: number[]; regen?: boolean } = {}): Promise<void> {
  const rows = await startupRows(opts.sizes, opts.regen);
  console.log(`\nstart-up of the embedded app on a history of generated articles (720 a day; 180-day retention), from its snapshot:`);
  for (const r of rows) {
    console.log(`  ${fmt(r.history).padStart(9)} articles: ready in ${(r.readyMs / 1000).toFixed(2)} s (${(r.cpuMs / 1000).toFixed(2)} s CPU), peak RSS ${r.peakRssMb.toFixed(0)} MB, ` +
      `${fmt(r.retained)} kept, ${fmt(r.developments)} developments, ${r.from} + ${fmt(r.read)} read; bare read of the ${fmt(r.bare.rows)} kept rows ${(r.bare.ms / 1000).toFixed(2)} s, ${r.bare.peakRssMb.toFixed(0)} MB; ` +
      `rebuilt from them instead: ${(r.rebuild.readyMs / 1000).toFixed(1)} s (${(r.rebuild.cpuMs / 1000).toFixed(1)} s CPU), ${r.rebuild.peakRssMb.toFixed(0)} MB`);
  }
  console.log('\nstart-up table:\n');
  console.log(startupTable(rows));
  // Kept on purpose (making them again takes minutes), but never silently.
  console.log(`\nthe histories stay in ${cacheRoot()} (${cacheMb().toFixed(0)} MB) for the next run; remove them with: rm -rf ${cacheRoot()}`);
}

function cacheMb(): number {
  let bytes = 0;
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else bytes += statSync(p).size;
    }
  };
  if (existsSync(cacheRoot())) walk(cacheRoot());
  return bytes / 1e6;
}

async function main(): Promise<void> {
  const flag = process.argv[2];
  if (flag === '--start') {
    process.stdout.write(JSON.stringify(await startChild(process.argv[3]!)));
    process.exit(0);
  }
  if (flag === '--bare') {
    process.stdout.write(JSON.stringify(bareChild(process.argv[3]!)));
    return;
  }
  const sizes = process.argv.includes('--sizes') ? process.argv[process.argv.indexOf('--sizes') + 1]!.split(',').map(Number) : undefined;
  await startupBench({ sizes, regen: process.argv.includes('--regen') });
}

if (process.argv[1] === self) {
  main().catch((err: Error) => {
    console.error(`start-up bench failed: ${err.message}`);
    process.exitCode = 1;
  });
}
