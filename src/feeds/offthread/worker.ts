/**
 * Worker-thread entry for the pool: runs one job at a time, synchronously, where the pool
 * can terminate it at its budget without the bot's event loop ever waiting.
 */
import { parentPort } from 'node:worker_threads';
import { extractArticle } from '../enrich/extract.js';
import { FeedParseError, parseFeedHere, type ParseLimits } from '../parser.js';

export type Job =
  | { kind: 'extract'; html: string; maxChars: number }
  | { kind: 'parse'; xml: string; url: string; limits: ParseLimits; identity: string };

async function perform(job: Job): Promise<unknown> {
  if (job.kind === 'extract') return extractArticle(job.html, job.maxChars) ?? null;
  // A feed that is not a feed is an answer, not a failure of the worker.
  return parseFeedHere(job.xml, job.url, job.limits, job.identity).catch((err: Error) => {
    if (err instanceof FeedParseError) return { failed: err.message };
    throw err;
  });
}

parentPort?.on('message', (m: { id: number; job: Job }) => {
  perform(m.job).then(
    (result) => parentPort!.postMessage({ id: m.id, result }),
    // A parse error, or a stack overflow on deep markup: the worker stays usable.
    (err: Error) => parentPort!.postMessage({ id: m.id, error: err?.message || String(err) }),
  );
});
