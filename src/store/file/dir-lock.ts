/**
 * One process per data directory. Two embedded runners on one directory (a cron
 * `run --once` beside `npm start`) would both post every alert: the second must refuse.
 *
 * The lock is a Unix socket the holder listens on, not a pid file: the kernel frees it
 * when the holder dies however it dies (kill -9, OOM), so a crash never leaves a lock
 * that blocks the next start, and it works for containers sharing a volume, where pids
 * and host names say nothing.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, realpathSync, unlinkSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AppError } from '../../domain/errors.js';

export const LOCK_NAME = 'storywatch.lock';
/** Unix socket paths are limited to about 108 bytes. */
const MAX_SOCKET_PATH = 100;

export interface DirLock {
  release(): Promise<void>;
}

function socketPath(dir: string): string {
  const inDir = path.join(dir, LOCK_NAME);
  if (Buffer.byteLength(inDir) <= MAX_SOCKET_PATH) return inDir;
  // A deep directory: a socket named after its real path, in the temp dir (same host only).
  const key = createHash('sha256').update(realpathSync(dir)).digest('hex').slice(0, 24);
  return path.join(tmpdir(), `storywatch-${key}.lock`);
}

/** Who holds the lock, or undefined when nobody listens on it (a stale socket file). */
function askHolder(sock: string): Promise<{ pid?: number; startedAt?: string } | undefined> {
  return new Promise((resolve) => {
    const c = net.connect(sock);
    let text = '';
    c.setTimeout(2000, () => c.destroy());
    c.on('data', (d) => (text += d));
    c.on('end', () => {
      try {
        resolve(JSON.parse(text) as { pid?: number; startedAt?: string });
      } catch {
        resolve({});
      }
    });
    c.on('close', () => resolve(text ? undefined : {}));
    c.on('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'ECONNREFUSED' || err.code === 'ENOENT' ? undefined : {}));
  });
}

function listen(sock: string, info: string): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    const server = net.createServer((c) => c.end(info));
    server.once('error', reject);
    server.listen(sock, () => {
      server.unref();
      resolve(server);
    });
  });
}

export async function lockDataDir(dir: string): Promise<DirLock> {
  mkdirSync(dir, { recursive: true });
  const sock = socketPath(dir);
  const info = JSON.stringify({ pid: process.pid, startedAt: new Date().toISOString() });
  for (let attempt = 0; attempt < 3; attempt++) {
    const holder = await askHolder(sock);
    if (holder) {
      const who = holder.pid ? `process ${holder.pid}${holder.startedAt ? `, running since ${holder.startedAt}` : ''}` : 'another process';
      throw new AppError(`data directory ${dir} is in use by another storywatch (${who}); two runners on one directory would post every alert twice`, 'CONFIG_INVALID',
        'stop the other one first (a one-off `run --once` needs the running one stopped), or give this one its own STORYWATCH_DATA_DIR');
    }
    // Nobody listens: a socket file left by a process that died. Take its place.
    try {
      unlinkSync(sock);
    } catch {
      // not there
    }
    try {
      const server = await listen(sock, info);
      return {
        async release() {
          await new Promise<void>((r) => server.close(() => r()));
          try {
            unlinkSync(sock);
          } catch {
            // already gone
          }
        },
      };
    } catch (err) {
      // Someone bound it between our check and our bind: ask again who.
      if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') continue;
      throw new AppError(`cannot lock data directory ${dir}: ${(err as Error).message}`, 'CONFIG_INVALID',
        'set STORYWATCH_DATA_DIR to a writable local directory', { cause: err });
    }
  }
  throw new AppError(`cannot lock data directory ${dir}: another process keeps taking it`, 'CONFIG_INVALID', 'stop the other storywatch first');
}
