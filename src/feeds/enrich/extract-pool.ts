/**
 * Page extraction off the event loop: a cheap linear pre-scan refuses pages too large or
 * too deep to parse, the rest is parsed in the shared worker pool, stopped at its budget.
 */
import type { Extracted } from './extract.js';
import { DEFAULT_PRESCAN_LIMITS, prescanHtml, type PrescanLimits } from './prescan.js';
import { createWorkerPool, JobError, sharedPool, type JobFailure, type PoolOptions, type WorkerPool } from '../offthread/pool.js';

export interface ExtractPoolOptions extends PoolOptions {
  prescan?: PrescanLimits;
  /** Default: a pool of its own; the bot shares one for pages and large feeds. */
  pool?: WorkerPool;
}

export interface Extractor {
  /** The page's article, or undefined when it has none; rejects with an ExtractError saying why it was not read. */
  extract(html: string, maxChars: number, budgetMs: number, wanted?: () => boolean): Promise<Extracted | undefined>;
  close(): Promise<void>;
}

/** Why a page's text was not extracted: refused by the pre-scan, out of time, its worker failed, or all were busy. */
export class ExtractError extends Error {
  constructor(message: string, readonly kind: 'refused' | JobFailure) {
    super(message);
    this.name = 'ExtractError';
  }
}

export function createExtractPool(opts: ExtractPoolOptions = {}): Extractor {
  const pool = opts.pool ?? createWorkerPool(opts);
  const limits = opts.prescan ?? DEFAULT_PRESCAN_LIMITS;
  return {
    async extract(html, maxChars, budgetMs, wanted) {
      const refused = prescanHtml(html, limits);
      if (refused) throw new ExtractError(`page refused before parsing: ${refused}`, 'refused');
      try {
        return (await pool.run<Extracted | null>({ kind: 'extract', html, maxChars }, budgetMs, wanted)) ?? undefined;
      } catch (err) {
        if (err instanceof JobError) throw new ExtractError(`page extraction ${err.kind === 'crashed' ? 'failed' : 'stopped'}: ${err.message}`, err.kind);
        throw err;
      }
    },
    close: () => (opts.pool ? Promise.resolve() : pool.close()),
  };
}

/** The bot's extractor: the process's shared worker pool. */
export const sharedExtractor = (): Extractor => createExtractPool({ pool: sharedPool('pages') });
