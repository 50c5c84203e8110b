import { spawn, type ChildProcess } from 'node:child_process';

/** A dedicated redis-server with an append-only file, so it can be restarted without losing data. */
export function startRedisServer(port: number, dir: string): ChildProcess {
  return spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--appendfsync', 'always', '--save', ''], { stdio: 'ignore' });
}

/** SIGTERM is redis-server's graceful shutdown: it flushes the append-only file and exits. */
export async function stopRedisServer(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null) return;
  const exited = new Promise((r) => proc.once('exit', r));
  proc.kill('SIGTERM');
  await exited;
}
