import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { freePort } from './ports.js';
import { waitFor } from './workers.js';

/** A dedicated redis-server with an append-only file, so it can be restarted without losing data. */
function startRedisServer(port: number, dir: string): ChildProcess {
  return spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--appendfsync', 'always', '--save', ''], { stdio: 'ignore' });
}

export interface DedicatedRedis {
  url: string;
  /** A connection that rides out restarts. */
  probe: Redis;
  /** Its own temporary directory (also handy for other test files). */
  dir: string;
  /** Graceful stop (SIGTERM flushes the append-only file), then start again on the same port and data. */
  restart(): Promise<void>;
  cleanup(): Promise<void>;
}

export async function startDedicatedRedis(name: string): Promise<DedicatedRedis> {
  const dir = mkdtempSync(path.join(tmpdir(), `sw-${name}-`));
  const port = await freePort();
  let proc = startRedisServer(port, dir);
  const url = `redis://127.0.0.1:${port}`;
  const probe = new Redis(url, { retryStrategy: () => 200, maxRetriesPerRequest: null });
  probe.on('error', () => {});
  const up = () => waitFor('the dedicated redis-server', async () => (await probe.ping().catch(() => '')) === 'PONG', 10_000);
  await up();
  return {
    url, probe, dir,
    async restart() {
      const exited = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGTERM');
      await exited;
      proc = startRedisServer(port, dir);
      await up();
    },
    async cleanup() {
      probe.disconnect();
      proc.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
