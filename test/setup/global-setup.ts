/**
 * Starts a redis-server of the suite's own when redis-plan.ts says so (no Redis configured,
 * none answering, the binary installed): a free port, a temporary directory, no persistence;
 * stopped when the run ends. Its URL reaches the test files as STORYWATCH_TEST_REDIS_URL.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DEFAULT_TEST_REDIS_URL, redisAnswers, redisPlan } from './redis-plan.js';

async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as net.AddressInfo;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

export default async function setup(): Promise<(() => Promise<void>) | undefined> {
  const plan = await redisPlan();
  if (plan.kind === 'use') {
    if (!(await redisAnswers(plan.url))) {
      throw new Error(`STORYWATCH_TEST_REDIS_URL=${plan.url.replace(/\/\/[^@/]*@/, '//***@')} does not answer: start that Redis, or unset the variable to let the tests start their own`);
    }
    process.env.STORYWATCH_TEST_REDIS_URL = plan.url;
    return undefined;
  }
  if (plan.kind === 'absent') return undefined;
  const dir = mkdtempSync(path.join(tmpdir(), 'sw-test-redis-'));
  const port = await freePort();
  const proc: ChildProcess = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  const url = `redis://127.0.0.1:${port}`;
  for (let i = 0; i < 100 && !(await redisAnswers(url)); i++) await new Promise((r) => setTimeout(r, 100));
  if (!(await redisAnswers(url))) {
    proc.kill('SIGKILL');
    throw new Error(`started redis-server on port ${port}, but it does not answer; run it by hand and set STORYWATCH_TEST_REDIS_URL`);
  }
  process.stderr.write(`storywatch tests: no Redis on ${DEFAULT_TEST_REDIS_URL}; started redis-server on ${url} for this run\n`);
  process.env.STORYWATCH_TEST_REDIS_URL = url;
  return async () => {
    const exited = new Promise((r) => proc.once('exit', r));
    proc.kill('SIGTERM');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  };
}
