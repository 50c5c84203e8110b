/**
 * Page extraction off the event loop: a cheap linear pre-scan refuses pages too large or
 * too deep to parse, the rest is parsed in the shared worker pool, stopped at its budget.
 */
import type { Extracted } from './extract.js';
import { DEFAULT_PRESCAN_LIMITS, prescanHtml, type PrescanLimits } from './prescan.js';
import { createWorkerPool, JobError, sharedPool, type JobFailure, type PoolOptions, type RunOptions, type WorkerPool } from '../offthread/pool.js';

export interface ExtractPoolOptions extends PoolOptions {
  prescan?: PrescanLimits;
  /** Default: a pool of its own; the bot shares one for pages and large feeds. */
  pool?: WorkerPool;
}

export interface Extractor {
  /** The page's article, or undefined when it has none; rejects with an ExtractError saying why it was not read. */
  extract(html: string, maxChars: number, budgetMs: number, opts?: RunOptions): Promise<Extracted | undefined>;
  close(): Promise<void>;
}

/** Why a page's text was not extracted: refused by the pre-scan, out of time, its worker failed, or all were busy. */
export class ExtractError extends Error {
  /** The page itself is to blame (refused, killed its worker, or slow with the whole budget to run): a strike against its site. */
  hostile = false;

  constructor(message: string, readonly kind: 'refused' | JobFailure) {
    super(message);
    this.name = 'ExtractError';
  }
}

export function createExtractPool(opts: ExtractPoolOptions = {}): Extractor {
  const pool = opts.pool ?? createWorkerPool(opts);
  const limits = opts.prescan ?? DEFAULT_PRESCAN_LIMITS;
  return {
    async extract(html, maxChars, budgetMs, runOpts) {
      const refused = prescanHtml(html, limits);
      if (refused) throw Object.assign(new ExtractError(`page refused before parsing: ${refused}`, 'refused'), { hostile: true });
      try {
        return (await pool.run<Extracted | null>({ kind: 'extract', html, maxChars }, budgetMs, runOpts)) ?? undefined;
      } catch (err) {
        if (!(err instanceof JobError)) throw err;
        const e = new ExtractError(`page extraction ${err.kind === 'crashed' ? 'failed' : 'stopped'}: ${err.message}`, err.kind);
        e.hostile = err.kind === 'crashed' || (err.kind === 'budget' && err.fullRun);
        throw e;
      }
    },
    close: () => (opts.pool ? Promise.resolve() : pool.close()),
  };
}

/** The bot's extractor: the process's shared worker pool. */
export const sharedExtractor = (): Extractor => createExtractPool({ pool: sharedPool('pages') });
