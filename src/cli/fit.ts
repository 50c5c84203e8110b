/**
 * `storywatch fit [--write]`: fits the join-or-open model on every real dev story under
 * eval/, after printing how a model fitted without each story scores on it. Writes
 * src/analysis/weights.ts only when asked, and only from two stories or more: weights
 * fitted on one story are that story's, not the engine's.
 */
import path from 'node:path';
import type { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { DECIDE_FEATURES } from '../analysis/decide.js';
import { AppError } from '../domain/errors.js';
import { fitLogistic, samples, writeWeights } from '../eval/fit.js';
import { leaveOneStoryOut, summarise } from '../eval/loso.js';
import { devStreams } from '../eval/streams.js';
import { formatSummary } from './eval.js';

export function runFit(opts: { write: boolean }, stdout: Writable, stderr: Writable): number {
  const streams = devStreams();
  const stories = new Set(streams.filter((s) => !s.synthetic).map((s) => s.story));
  if (stories.size < 2) {
    throw new AppError(`fit needs labelled streams of at least two real stories under eval/, found ${stories.size}`, 'USAGE',
      'a model fitted on one story learns that story; add a labelled stream (see README, "Adding a story")');
  }
  const reports = leaveOneStoryOut(streams, undefined, (m) => stderr.write(`storywatch fit: ${m}\n`));
  stdout.write(`${formatSummary(reports, summarise(reports))}\n`);
  const model = fitLogistic(streams.flatMap((s) => samples(s)));
  stdout.write(`\nfitted on every story (${[...new Set(streams.map((s) => path.basename(s.dir)))].join(', ')}):\n`);
  stdout.write(`  ${DECIDE_FEATURES.map((f, i) => `${f}=${model.weights[i]}`).join(' ')} bias=${model.bias}\n`);
  if (!opts.write) {
    stdout.write('weights not written (add --write to replace src/analysis/weights.ts, then npm run build)\n');
    return 0;
  }
  const file = fileURLToPath(new URL('../../src/analysis/weights.ts', import.meta.url));
  writeWeights(model, file, streams.map((s) => path.basename(s.dir)));
  stdout.write(`wrote ${path.relative(process.cwd(), file)}; run npm run build to use it\n`);
  return 0;
}
