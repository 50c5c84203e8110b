/**
 * A small pool of worker threads for CPU work on feed- or page-controlled input (page
 * extraction, large feed bodies). Synchronous parsing cannot be interrupted on the main
 * thread, so it runs here: a job waits at most its budget for a worker, then runs at most
 * its budget; a worker still busy then is terminated and replaced, so a hostile input costs
 * its own job and nothing else, and the event loop never waits on any of it.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Job } from './worker.js';

export interface PoolOptions {
  /** Workers at most (default 2: the machine has other work to do). */
  size?: number;
  /** Heap per worker; a job that needs more kills its worker only (default 256 MB). */
  maxHeapMb?: number;
  /** An idle worker is ended after this long (default 30 s). */
  idleMs?: number;
}

/** A job left less than this share of its budget by its wait is not started (it would only be stopped). */
const MIN_RUN_SHARE = 0.25;

export type JobFailure = 'budget' | 'crashed' | 'busy' | 'dropped';

/** Why a job gave no answer: it ran past its budget, its worker failed, no worker was free in time, or it was no longer wanted when one was. */
export class JobError extends Error {
  /** For 'budget': it had its whole budget to run, so the input itself is what is slow. */
  fullRun = false;

  constructor(message: string, readonly kind: JobFailure) {
    super(message);
    this.name = 'JobError';
  }
}

export interface RunOptions {
  /** Asked when a worker is free: drops a job whose answer has lost its point while it waited. */
  wanted?: () => boolean;
  /** Jobs of one group (a site) run one at a time. */
  group?: string;
}

export interface WorkerPool {
  /**
   * The job is answered within `budgetMs`, waiting for a worker included; one left too
   * little of it to run is not started.
   */
  run<T>(job: Job, budgetMs: number, opts?: RunOptions): Promise<T>;
  close(): Promise<void>;
}

interface Task {
  id: number; job: Job; budgetMs: number; deadline: number; runMs?: number; wanted?: () => boolean; group?: string;
  resolve(v: unknown): void; reject(e: Error): void;
  timer?: NodeJS.Timeout;
}

interface Slot { worker: Worker; task?: Task; idleTimer?: NodeJS.Timeout }

/** The compiled worker: beside this module in the build; from the build when tests run the source. */
export function workerFile(): URL {
  const beside = new URL('./worker.js', import.meta.url);
  if (existsSync(fileURLToPath(beside))) return beside;
  const built = new URL('../../../dist/feeds/offthread/worker.js', import.meta.url);
  if (existsSync(fileURLToPath(built))) return built;
  throw new Error(`worker thread script not found at ${fileURLToPath(beside)}; run \`npm run build\` first`);
}

export function createWorkerPool(opts: PoolOptions = {}): WorkerPool {
  const size = Math.max(1, opts.size ?? 2);
  const slots = new Set<Slot>();
  const queue: Task[] = [];
  let nextId = 1;
  let closed = false;

  const spawn = (): Slot => {
    const worker = new Worker(workerFile(), { resourceLimits: { maxOldGenerationSizeMb: opts.maxHeapMb ?? 256 } });
    const slot: Slot = { worker };
    worker.on('message', (m: { id: number; result?: unknown; error?: string }) => {
      const task = slot.task;
      if (!task || task.id !== m.id) return;
      release(slot, task);
      if (m.error !== undefined) task.reject(new JobError(m.error, 'crashed'));
      else task.resolve(m.result);
    });
    // Out of heap or any other death: the job in it fails, the pool carries on without it.
    const died = (why: string) => {
      slots.delete(slot);
      const task = slot.task;
      slot.task = undefined;
      if (task) {
        clearTimeout(task.timer);
        task.reject(closed ? new JobError('the worker pool is shut down', 'dropped') : new JobError(`${why}; its worker was replaced`, 'crashed'));
      }
      setImmediate(pump);
    };
    worker.on('error', (err) => died(err.message));
    worker.on('exit', (code) => died(`worker exited with code ${code}`));
    slots.add(slot);
    return slot;
  };

  const release = (slot: Slot, task: Task) => {
    clearTimeout(task.timer);
    slot.task = undefined;
    // An idle worker must not keep `run --once` alive, nor hold memory for long.
    slot.worker.unref();
    slot.idleTimer = setTimeout(() => void slot.worker.terminate(), opts.idleMs ?? 30_000);
    slot.idleTimer.unref();
    setImmediate(pump);
  };

  const start = (slot: Slot, task: Task) => {
    clearTimeout(slot.idleTimer);
    clearTimeout(task.timer);
    slot.task = task;
    slot.worker.ref();
    task.runMs = Math.max(1, task.deadline - Date.now());
    task.timer = setTimeout(() => overran(slot, task), task.runMs);
    slot.worker.postMessage({ id: task.id, job: task.job });
  };

  const overran = (slot: Slot, task: Task) => {
    if (slot.task !== task) return;
    slot.task = undefined;
    slots.delete(slot);
    void slot.worker.terminate();
    const waited = task.budgetMs - task.runMs!;
    const err = new JobError(`still running after ${task.runMs} ms${waited >= 50 ? ` (and ${waited} ms waiting for a worker)` : ''} of its ${task.budgetMs} ms budget; its worker was terminated and replaced`, 'budget');
    err.fullRun = waited < MIN_RUN_SHARE * task.budgetMs;
    task.reject(err);
    // After the caller has heard (its site may now be set aside, and the queued pages with it).
    setImmediate(pump);
  };

  const waitedTooLong = (task: Task) => {
    const at = queue.indexOf(task);
    if (at < 0) return;
    queue.splice(at, 1);
    task.reject(new JobError(`no worker was free within its ${task.budgetMs} ms budget`, 'busy'));
  };

  function pump(): void {
    while (!closed) {
      // One job per group at a time: one site's pages never hold every worker.
      const busy = new Set([...slots].map((s) => s.task?.group).filter((g) => g !== undefined));
      const at = queue.findIndex((t) => t.group === undefined || !busy.has(t.group));
      if (at < 0) return;
      const task = queue[at]!;
      const drop = task.wanted && !task.wanted()
        ? new JobError('no longer wanted when a worker was free', 'dropped')
        : task.deadline - Date.now() < MIN_RUN_SHARE * task.budgetMs
          ? new JobError(`no worker was free soon enough within its ${task.budgetMs} ms budget`, 'busy')
          : undefined;
      if (!drop) {
        let free: Slot | undefined;
        try {
          free = [...slots].find((s) => !s.task) ?? (slots.size < size ? spawn() : undefined);
        } catch (err) {
          // No worker can start at all (a missing build, no threads left): each job says so,
          // as the pool's fault, not its input's.
          queue.splice(at, 1);
          clearTimeout(task.timer);
          task.reject(new JobError(`no worker thread could start: ${(err as Error).message}`, 'busy'));
          continue;
        }
        if (!free) return;
        queue.splice(at, 1);
        start(free, task);
        continue;
      }
      queue.splice(at, 1);
      clearTimeout(task.timer);
      task.reject(drop);
    }
  }

  return {
    run<T>(job: Job, budgetMs: number, opts: RunOptions = {}): Promise<T> {
      if (closed) return Promise.reject(new JobError('the worker pool is shut down', 'dropped'));
      return new Promise<T>((resolve, reject) => {
        const ms = Math.max(1, budgetMs);
        const task: Task = { id: nextId++, job, budgetMs: ms, deadline: Date.now() + ms, wanted: opts.wanted, group: opts.group, resolve: resolve as (v: unknown) => void, reject };
        task.timer = setTimeout(() => waitedTooLong(task), task.budgetMs);
        queue.push(task);
        pump();
      });
    },
    async close() {
      closed = true;
      for (const t of queue.splice(0)) {
        clearTimeout(t.timer);
        t.reject(new JobError('the worker pool is shut down', 'dropped'));
      }
      await Promise.all([...slots].map((s) => {
        clearTimeout(s.idleTimer);
        if (s.task) clearTimeout(s.task.timer);
        return s.worker.terminate();
      }));
      slots.clear();
    },
  };
}

const shared = new Map<string, WorkerPool>();
/**
 * The process's pool for one kind of work: pages and feeds have a pool each, so a burst
 * of hostile pages holding the page workers never delays the polling of feeds.
 */
export function sharedPool(kind: 'pages' | 'feeds'): WorkerPool {
  let pool = shared.get(kind);
  // Two page workers even on a small machine: a site with slow pages holds one at most.
  if (!pool) shared.set(kind, (pool = createWorkerPool({ size: kind === 'pages' ? 2 : 1 })));
  return pool;
}

/** Ends the process's pools (at shutdown, once nothing more is polled). */
export async function closeSharedPools(): Promise<void> {
  const pools = [...shared.values()];
  shared.clear();
  await Promise.all(pools.map((p) => p.close()));
}
