/**
 * Where the Redis-backed tests get their Redis, decided once before any test runs:
 * STORYWATCH_TEST_REDIS_URL if set; else one already answering on 127.0.0.1:6379; else a
 * redis-server of our own on a free port (started by global-setup.ts, stopped after); else
 * none: the files that need Redis are left out and named, with one line saying how to get it.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';

/** Where a developer's Redis usually is. (The suite's own test of this setup points it elsewhere.) */
export const DEFAULT_TEST_REDIS_URL = process.env.STORYWATCH_TEST_REDIS_DEFAULT || 'redis://127.0.0.1:6379';

export type RedisPlan =
  | { kind: 'use'; url: string }
  | { kind: 'start' }
  | { kind: 'absent'; why: string };

/** PING over a bare socket: no client library, no retries, an answer within a second. */
export function redisAnswers(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect({ host: hostname || '127.0.0.1', port: Number(port || 6379) });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.on('error', () => done(false));
    socket.on('connect', () => socket.write('PING\r\n'));
    // +PONG, or -NOAUTH from a Redis that wants a password: either way a Redis answers.
    socket.on('data', (d) => done(/^[+-]/.test(d.toString())));
  });
}

export function hasRedisServer(): boolean {
  try {
    execFileSync('redis-server', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export async function redisPlan(env: NodeJS.ProcessEnv = process.env): Promise<RedisPlan> {
  if (env.STORYWATCH_TEST_REDIS_URL) return { kind: 'use', url: env.STORYWATCH_TEST_REDIS_URL };
  if (await redisAnswers(DEFAULT_TEST_REDIS_URL)) return { kind: 'use', url: DEFAULT_TEST_REDIS_URL };
  if (hasRedisServer()) return { kind: 'start' };
  return {
    kind: 'absent',
    why: `no Redis answers on ${DEFAULT_TEST_REDIS_URL} and there is no redis-server binary: install it (apt-get install redis-server; brew install redis) or set STORYWATCH_TEST_REDIS_URL=redis://host:port`,
  };
}

/** Test files that talk to Redis (directly, through the helpers, or through BullMQ workers). */
export function redisTestFiles(root: string, dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.test.ts') && /helpers\/redis(-server)?\.js|TEST_REDIS_URL|from 'ioredis'|startWorker\(/.test(readFileSync(p, 'utf8'))) out.push(path.relative(root, p));
    }
  };
  walk(path.join(root, dir));
  return out.sort();
}

/** Said once, and written where .ci/run looks: a skipped file is a failure there. */
export function reportSkipped(root: string, files: string[], why: string | undefined, report: string): void {
  const dir = process.env.STORYWATCH_TEST_RESULTS_DIR || path.join(root, '.test-results');
  // A report from an earlier run without Redis must not outlive it.
  rmSync(path.join(dir, report), { force: true });
  if (!why) return;
  process.stderr.write(`\nstorywatch tests: ${files.length} Redis-backed test file(s) skipped: ${why}\n\n`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, report), JSON.stringify({ why, files }, null, 2));
}
