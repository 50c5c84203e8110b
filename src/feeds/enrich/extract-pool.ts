/**
 * A small pool of worker threads for page extraction. Each page gets the rest of its item's
 * budget; a worker still busy at the deadline is terminated (synchronous parsing cannot be
 * interrupted any other way) and the next page gets a fresh one, so a hostile page costs
 * its own item's full text and nothing else. Pages the pre-scan refuses never reach a worker.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Extracted } from './extract.js';
import { DEFAULT_PRESCAN_LIMITS, prescanHtml, type PrescanLimits } from './prescan.js';

export interface ExtractPoolOptions {
  /** Workers at most (default 2: extraction is CPU work, the machine has other things to do). */
  size?: number;
  prescan?: PrescanLimits;
  /** Heap per worker; a page that needs more kills its worker only (default 256 MB). */
  maxHeapMb?: number;
  /** An idle worker is ended after this long (default 30 s). */
  idleMs?: number;
}

export interface Extractor {
  /** The page's article, or undefined when it has none; rejects with why it was not read. */
  extract(html: string, maxChars: number, budgetMs: number): Promise<Extracted | undefined>;
  close(): Promise<void>;
}

/** Why a page's text was not extracted: refused by the pre-scan, out of time, its worker failed, or all were busy. */
export class ExtractError extends Error {
  constructor(message: string, readonly kind: 'refused' | 'budget' | 'crashed' | 'busy') {
    super(message);
    this.name = 'ExtractError';
  }
}

interface Task {
  id: number; html: string; maxChars: number; budgetMs: number;
  resolve(v: Extracted | undefined): void; reject(e: Error): void;
  timer?: NodeJS.Timeout;
}

interface Slot { worker: Worker; task?: Task; idleTimer?: NodeJS.Timeout }

/** The compiled worker: beside this module in the build; from the build when tests run the source. */
export function workerFile(): URL {
  const beside = new URL('./extract-worker.js', import.meta.url);
  if (existsSync(fileURLToPath(beside))) return beside;
  const built = new URL('../../../dist/feeds/enrich/extract-worker.js', import.meta.url);
  if (existsSync(fileURLToPath(built))) return built;
  throw new Error(`page extraction worker not found at ${fileURLToPath(beside)}; run \`npm run build\` first`);
}

export function createExtractPool(opts: ExtractPoolOptions = {}): Extractor {
  const size = Math.max(1, opts.size ?? 2);
  const limits = opts.prescan ?? DEFAULT_PRESCAN_LIMITS;
  const slots = new Set<Slot>();
  const queue: Task[] = [];
  let nextId = 1;
  let closed = false;

  const spawn = (): Slot => {
    const worker = new Worker(workerFile(), { resourceLimits: { maxOldGenerationSizeMb: opts.maxHeapMb ?? 256 } });
    const slot: Slot = { worker };
    worker.on('message', (m: { id: number; result?: Extracted | null; error?: string }) => {
      const task = slot.task;
      if (!task || task.id !== m.id) return;
      finish(slot, task);
      if (m.error !== undefined) task.reject(new ExtractError(`page extraction failed: ${m.error}`, 'crashed'));
      else task.resolve(m.result ?? undefined);
    });
    // Out of heap or any other death: the page in it fails, the pool carries on without it.
    const died = (why: string) => {
      slots.delete(slot);
      const task = slot.task;
      slot.task = undefined;
      if (task) {
        clearTimeout(task.timer);
        task.reject(new ExtractError(`page extraction failed: ${why}; its worker was replaced`, 'crashed'));
      }
      pump();
    };
    worker.on('error', (err) => died(err.message));
    worker.on('exit', (code) => died(`worker exited with code ${code}`));
    slots.add(slot);
    return slot;
  };

  const finish = (slot: Slot, task: Task) => {
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
    slot.task = task;
    slot.worker.ref();
    slot.worker.postMessage({ id: task.id, html: task.html, maxChars: task.maxChars });
  };

  function pump(): void {
    while (queue.length && !closed) {
      const free = [...slots].find((s) => !s.task) ?? (slots.size < size ? spawn() : undefined);
      if (!free) return;
      start(free, queue.shift()!);
    }
  }

  const onDeadline = (task: Task) => {
    const queued = queue.indexOf(task);
    if (queued >= 0) {
      queue.splice(queued, 1);
      task.reject(new ExtractError('no extraction worker was free within the page budget', 'busy'));
      return;
    }
    const slot = [...slots].find((s) => s.task === task);
    if (!slot) return;
    slot.task = undefined;
    slots.delete(slot);
    void slot.worker.terminate();
    task.reject(new ExtractError(`page extraction still running after its ${task.budgetMs} ms budget; its worker was stopped`, 'budget'));
    pump();
  };

  return {
    extract(html, maxChars, budgetMs) {
      if (closed) return Promise.reject(new ExtractError('page extraction is shut down', 'crashed'));
      const refused = prescanHtml(html, limits);
      if (refused) return Promise.reject(new ExtractError(`page refused before parsing: ${refused}`, 'refused'));
      return new Promise((resolve, reject) => {
        const task: Task = { id: nextId++, html, maxChars, budgetMs, resolve, reject };
        task.timer = setTimeout(() => onDeadline(task), Math.max(1, budgetMs));
        queue.push(task);
        pump();
      });
    },
    async close() {
      closed = true;
      for (const t of queue.splice(0)) {
        clearTimeout(t.timer);
        t.reject(new ExtractError('page extraction is shut down', 'crashed'));
      }
      await Promise.all([...slots].map((s) => {
        clearTimeout(s.idleTimer);
        return s.worker.terminate();
      }));
      slots.clear();
    },
  };
}
