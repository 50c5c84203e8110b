import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { BIN, ROOT } from './paths.js';
import { deleteByPrefix, TEST_REDIS_URL } from './redis.js';

export interface WorkerProc {
  proc: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/** Starts `storywatch run` as a separate process with the given environment. */
export function startWorker(env: Record<string, string>): WorkerProc {
  const proc = spawn(process.execPath, [BIN, 'run'], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout!.on('data', (c) => (out += c));
  proc.stderr!.on('data', (c) => (out += c));
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  return { proc, output: () => out, exited };
}

/** Polls `check` until it returns true, failing with `what` after `timeoutMs`. */
export async function waitFor(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 60_000, everyMs = 100): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

/** Non-empty lines of a file, or none if it does not exist yet. */
export function countLines(file: string): string[] {
  return existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n').filter(Boolean) : [];
}

/**
 * What a test of worker processes on real Redis needs: a queue prefix of its own (every key
 * under it deleted afterwards), a client to look at them, and a data directory with an alert
 * sink. `cleanups` runs last-in first-out after the test.
 */
export function workerSandbox(cleanups: Array<() => Promise<unknown> | unknown>, name: string): { prefix: string; redis: Redis; dir: string; sink: string } {
  const prefix = `sw-test-${randomUUID().slice(0, 8)}`;
  const redis = new Redis(TEST_REDIS_URL);
  cleanups.push(async () => {
    await deleteByPrefix(redis, `${prefix}:`);
    await redis.quit();
  });
  const dir = mkdtempSync(path.join(tmpdir(), `sw-${name}-`));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return { prefix, redis, dir, sink: path.join(dir, 'alerts.jsonl') };
}
