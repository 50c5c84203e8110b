/**
 * Shared parts of the fault-injection suite: the fixture stream and what a run without
 * faults alerts from it, real `storywatch run` processes, and the tally of what reached
 * the alert sink (every development once, nothing twice).
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { startFixtureServer, type FixtureServer } from '../../src/demo/fixture-server.js';
import type { Article } from '../../src/domain/article.js';
import { BACKLOG, expectedDevelopments, fixtureStream, type Expected } from '../helpers/fixture-stream.js';
import { BIN, ROOT } from '../helpers/paths.js';
import type { WorkerProc } from '../helpers/workers.js';

export { BACKLOG, type Expected };

export async function fixture(articles: Article[] = fixtureStream()): Promise<{ server: FixtureServer; articles: Article[]; expected: Expected }> {
  const server = await startFixtureServer(articles, { initiallyVisible: BACKLOG });
  return { server, articles, expected: await expectedDevelopments(articles) };
}

export interface Tally {
  /** Developments a fault-free run alerts. */
  expected: number;
  /** Of those, how many were alerted (at least once). */
  delivered: number;
  missing: string[];
  /** Development alerts for articles of no expected development (off-topic, backlog). */
  unexpected: string[];
  /** Alerts beyond the first per development, plus posts beyond the first of any alert. */
  duplicates: number;
}

interface SinkLine {
  alert?: { id: string; kind?: string; link: string; mergedIds?: string[] };
}

export function tally(sink: string, expected: Expected): Tally {
  const lines = existsSync(sink) ? readFileSync(sink, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as SinkLine) : [];
  const perDev = new Map<string, number>();
  const unexpected: string[] = [];
  for (const l of lines) {
    if (!l.alert || l.alert.kind === 'follow-up') continue;
    const dev = expected.devOf.get(l.alert.link);
    if (dev && expected.developments.has(dev)) perDev.set(dev, (perDev.get(dev) ?? 0) + 1);
    else unexpected.push(l.alert.link);
  }
  const posts = lines.flatMap((l) => (l.alert ? l.alert.mergedIds ?? [l.alert.id] : []));
  const extraPerDev = [...perDev.values()].reduce((n, c) => n + c - 1, 0);
  return {
    expected: expected.developments.size,
    delivered: perDev.size,
    missing: [...expected.developments].filter((d) => !perDev.has(d)),
    unexpected,
    duplicates: extraPerDev + posts.length - new Set(posts).size,
  };
}

/** `storywatch run` (or `run --once`) as a separate process; `uid` runs it as that user. */
export function startRun(env: Record<string, string>, opts: { uid?: number; once?: boolean } = {}): WorkerProc {
  const ids = opts.uid !== undefined ? { uid: opts.uid, gid: opts.uid } : {};
  const proc = spawn(process.execPath, [BIN, 'run', ...(opts.once ? ['--once'] : [])], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], ...ids });
  let out = '';
  proc.stdout!.on('data', (c) => (out += c));
  proc.stderr!.on('data', (c) => (out += c));
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  return { proc, output: () => out, exited };
}

/** Stops a run with SIGTERM (or SIGKILL) and waits for it to be gone. */
export async function stop(w: WorkerProc, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (w.proc.exitCode !== null || w.proc.signalCode !== null) return;
  w.proc.kill(signal);
  await w.exited;
}

export interface FaultRow {
  runner: 'embedded' | 'bullmq';
  faults: string;
  tally: Tally;
}

export const faultRows: FaultRow[] = [];

export function printFaultTable(): void {
  const head = ['runner', 'faults tried', 'alerts expected', 'alerts delivered', 'missing', 'unexpected', 'duplicates'];
  const data = faultRows.map((r) => [r.runner, r.faults, String(r.tally.expected), String(r.tally.delivered), String(r.tally.missing.length), String(r.tally.unexpected.length), String(r.tally.duplicates)]);
  const widths = head.map((h, i) => Math.max(h.length, ...data.map((d) => d[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  console.log(['', 'fault-injection report (after recovery)', line(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...data.map(line), ''].join('\n'));
}
