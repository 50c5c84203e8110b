/**
 * `storywatch classify`: JSONL articles in, one decision line out per article, same
 * order. A malformed line is reported on stderr with its line number and skipped; the
 * exit code is 1 at the end if any line failed.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { parseArticleLine } from '../domain/article.js';
import { AppError } from '../domain/errors.js';
import { createEngine, type Decision, type Engine } from '../analysis/engine.js';
import { loadStory } from '../config/story.js';

/** The public output contract of `classify` (the engine's `closest` stays internal). */
export function toOutputLine(d: Decision): string {
  const { id, relevant, novel, developmentId, duplicateOf, relevance, novelty, summary, facts, reasons } = d;
  return JSON.stringify({ id, relevant, novel, developmentId, duplicateOf, relevance, novelty, summary, facts, reasons });
}

export interface ClassifyResult {
  processed: number;
  failed: number;
}

export async function classifyStream(
  engine: Engine,
  input: Readable,
  out: (line: string) => void,
  err: (line: string) => void,
  progress?: (processed: number, failed: number) => void,
): Promise<ClassifyResult> {
  const rl = createInterface({ input, crlfDelay: Infinity });
  let lineNo = 0;
  let processed = 0;
  let failed = 0;
  for await (const line of rl) {
    lineNo++;
    if (!line.trim()) continue;
    const parsed = parseArticleLine(line);
    if (!parsed.ok) {
      failed++;
      err(`storywatch classify: line ${lineNo}: ${parsed.error}; line skipped, the rest is processed`);
      continue;
    }
    out(toOutputLine(engine.classify(parsed.value)));
    processed++;
    if (progress && processed % 1000 === 0) progress(processed, failed);
  }
  return { processed, failed };
}

export async function runClassify(opts: { story: string; input?: string | undefined; progress?: boolean | undefined }, stdout: Writable, stderr: Writable): Promise<number> {
  const { story, corpus, warnings } = loadStory(opts.story);
  for (const w of warnings) stderr.write(`storywatch classify: warning: ${w}\n`);
  const engine = createEngine(story, corpus);
  const input = opts.input && opts.input !== '-' ? await openInput(opts.input) : process.stdin;
  const started = performance.now();
  // Progress goes to stderr: on a terminal by default, or when asked (--progress).
  const showProgress = opts.progress ?? (stderr as NodeJS.WriteStream).isTTY === true;
  const progress = showProgress
    ? (n: number, failed: number) => stderr.write(`storywatch classify: ${n} articles classified (${Math.round((n / (performance.now() - started)) * 1000)}/s)${failed ? `, ${failed} bad lines` : ''}\n`)
    : undefined;
  const result = await classifyStream(engine, input, (l) => stdout.write(`${l}\n`), (l) => stderr.write(`${l}\n`), progress);
  if (showProgress) stderr.write(`storywatch classify: done, ${result.processed} classified in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  if (result.failed) {
    stderr.write(`storywatch classify: ${result.failed} line(s) failed, ${result.processed} processed\n`);
  }
  return result.failed ? 1 : 0;
}

async function openInput(file: string): Promise<Readable> {
  const stream = createReadStream(file);
  await new Promise<void>((resolve, reject) => {
    stream.once('open', () => resolve());
    stream.once('error', (e) =>
      reject(new AppError(`cannot read input file ${file}: ${(e as NodeJS.ErrnoException).code ?? e.message}`, 'INPUT_INVALID', 'check the --input path')),
    );
  });
  return stream;
}
