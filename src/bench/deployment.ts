/**
 * What the capacity benches share: a redis-server of their own on a free port (so other
 * programs' traffic on the machine's Redis is not counted), CPU readings of processes and
 * of the machine, and BullMQ worker processes running `storywatch run`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';

const here = path.dirname(fileURLToPath(import.meta.url));

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

export interface PrivateRedis {
  url: string;
  redis: Redis;
  pid: number;
  /** CPU seconds Redis has used (INFO cpu: main thread and children). */
  cpu(): Promise<number>;
  usedMemory(): Promise<number>;
  stop(): Promise<void>;
}

/** redis-server without persistence (no fork, no disk), as a cache-like deployment runs it. */
export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  const proc = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  const url = `redis://127.0.0.1:${port}`;
  const redis = new Redis(url, { retryStrategy: () => 100, maxRetriesPerRequest: null, lazyConnect: true });
  redis.on('error', () => {});
  for (let i = 0; ; i++) {
    try {
      await redis.connect();
      await redis.ping();
      break;
    } catch (err) {
      redis.disconnect();
      if (i > 100) throw new Error(`redis-server on port ${port} did not start: ${(err as Error).message} (is redis-server on the PATH?)`);
      await sleep(100);
    }
  }
  const info = async (section: string, k: string) => Number(new RegExp(`${k}:([\\d.]+)`).exec(await redis.info(section))?.[1] ?? 0);
  return {
    url, redis, pid: proc.pid!,
    async cpu() {
      const text = await redis.info('cpu');
      const get = (k: string) => Number(new RegExp(`${k}:([\\d.]+)`).exec(text)?.[1] ?? 0);
      return get('used_cpu_user') + get('used_cpu_sys') + get('used_cpu_user_children') + get('used_cpu_sys_children');
    },
    usedMemory: () => info('memory', 'used_memory'),
    async stop() {
      redis.disconnect();
      proc.kill('SIGKILL');
      await exited(proc);
    },
  };
}

/** Resolves once the child has exited (at once if it already has, by a code or a signal). */
export function exited(p: ChildProcess): Promise<void> {
  return new Promise((r) => (p.exitCode !== null || p.signalCode !== null ? r() : p.once('exit', () => r())));
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * CPU seconds a process has used (Linux /proc; 0 elsewhere); `mainThread`: its main thread's
 * only (JavaScript runs there; garbage collection, compilation and worker threads run beside it).
 */
export function procCpu(pid: number | undefined, mainThread = false): number {
  try {
    const fields = readFileSync(mainThread ? `/proc/${pid}/task/${pid}/stat` : `/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

/** CPU seconds the whole machine has been busy (all cores; /proc/stat), to see what others use. */
export function machineBusy(): number {
  try {
    const f = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal
    return (f[0]! + f[1]! + f[2]! + f[5]! + f[6]! + f[7]!) / 100;
  } catch {
    return 0;
  }
}

/** This process's CPU seconds. */
export function selfCpu(): number {
  const u = process.resourceUsage();
  return (u.userCPUTime + u.systemCPUTime) / 1e6;
}

/** `k` copies of the bundled story (md-1 … md-k): the same engine work, separate developments. */
export function storyCopies(k: number, root: string): string[] {
  const src = path.join(here, '../../config/stories/minerals-deal');
  return Array.from({ length: k }, (_, i) => {
    const id = `md-${i + 1}`;
    cpSync(src, path.join(root, id), { recursive: true });
    const yaml = path.join(root, id, 'story.yaml');
    writeFileSync(yaml, readFileSync(yaml, 'utf8').replace(/^id: .*$/m, `id: ${id}`));
    return id;
  });
}

export interface Workers {
  procs: ChildProcess[];
  cpu(): number;
  /** CPU seconds of the processes' main threads. */
  mainCpu(): number;
  stop(): Promise<void>;
}

/** `n` processes of `storywatch run` with the BullMQ runner, writing alerts to a JSONL file. */
export function startWorkers(n: number, opts: { redisUrl: string; prefix: string; dir: string; config: object; intervalSeconds: number; quiet?: boolean }): Workers {
  const config = path.join(opts.dir, `config-${opts.prefix}.json`);
  writeFileSync(config, JSON.stringify(opts.config));
  const env = {
    ...process.env, REDIS_URL: opts.redisUrl, STORYWATCH_QUEUE_PREFIX: opts.prefix, STORYWATCH_POLL_INTERVAL: String(opts.intervalSeconds),
    STORYWATCH_CONFIG: config, STORYWATCH_STORIES_DIR: path.join(opts.dir, 'stories'), STORYWATCH_ALLOW_PRIVATE_HOSTS: '127.0.0.1',
    STORYWATCH_PER_HOST_INTERVAL_MS: '0', STORYWATCH_FOLLOWUP_MERGE_SECONDS: '0', STORYWATCH_LOG_LEVEL: 'warn', STORYWATCH_DATA_DIR: opts.dir,
  };
  const nodeArgs = (process.env.STORYWATCH_BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const procs = Array.from({ length: n }, () => spawn(process.execPath, [...nodeArgs, path.join(here, '../../bin/storywatch.js'), 'run'], { env, stdio: ['ignore', 'ignore', opts.quiet ? 'ignore' : 'inherit'] }));
  return {
    procs,
    cpu: () => procs.reduce((s, p) => s + procCpu(p.pid), 0),
    mainCpu: () => procs.reduce((s, p) => s + procCpu(p.pid, true), 0),
    async stop() {
      for (const p of procs) p.kill('SIGTERM');
      await Promise.all(procs.map(exited));
    },
  };
}

/**
 * `k` processes that each keep a core busy until stopped, running the engine's classify loop
 * (busy-work.ts): what the cores look like to a worker when other workers take them.
 */
export function busyLoops(k: number): { stop(): Promise<void> } {
  const procs = Array.from({ length: k }, () => spawn(process.execPath, [path.join(here, 'busy-work.js')], { stdio: 'ignore' }));
  return {
    async stop() {
      for (const p of procs) p.kill('SIGKILL');
      await Promise.all(procs.map(exited));
    },
  };
}

export async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`benchmark timed out waiting for ${what}`);
    await sleep(100);
  }
}

/** Bytes Redis attributes to the keys matching `pattern` (MEMORY USAGE per key). */
export async function keyBytes(redis: Redis, pattern: string): Promise<number> {
  let cursor = '0';
  let total = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    const p = redis.pipeline();
    for (const k of keys) p.call('MEMORY', 'USAGE', k, 'SAMPLES', '0');
    for (const [, v] of (await p.exec()) ?? []) total += Number(v ?? 0);
  } while (cursor !== '0');
  return total;
}
