/**
 * `storywatch eval [DIR...]`: runs classify over labelled streams (stream.jsonl +
 * labels.json) and prints storywatch beside the keyword baseline on the same stream.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Writable } from 'node:stream';
import { parseArticleLine, type Article } from '../domain/article.js';
import { AppError } from '../domain/errors.js';
import { createEngine } from '../analysis/engine.js';
import { loadStory } from '../config/story.js';
import { PROJECT_ROOT } from '../config/paths.js';
import { keywordBaseline } from '../eval/baseline.js';
import { score, type Label, type Scores } from '../eval/score.js';

export const DEFAULT_EVAL_DIRS = [
  path.resolve(PROJECT_ROOT, '../shared/eval-dev'),
  path.join(PROJECT_ROOT, 'test/fixtures/eval-dev'),
];

export interface EvalReport {
  dir: string;
  storywatch: Scores;
  baseline: Scores;
}

export function loadStream(dir: string): { articles: Article[]; labels: Record<string, Label> } {
  const streamFile = path.join(dir, 'stream.jsonl');
  const labelFile = path.join(dir, 'labels.json');
  for (const f of [streamFile, labelFile]) {
    if (!existsSync(f)) throw new AppError(`eval: ${f} not found`, 'INPUT_INVALID', 'an eval dir holds stream.jsonl and labels.json');
  }
  const articles: Article[] = [];
  readFileSync(streamFile, 'utf8').split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    const parsed = parseArticleLine(line);
    if (!parsed.ok) throw new AppError(`eval: ${streamFile} line ${i + 1}: ${parsed.error}`, 'INPUT_INVALID', 'fix or remove that line');
    articles.push(parsed.value);
  });
  return { articles, labels: JSON.parse(readFileSync(labelFile, 'utf8')) as Record<string, Label> };
}

export function evaluateDir(dir: string, storyId: string): EvalReport {
  const { story, corpus } = loadStory(storyId);
  const { articles, labels } = loadStream(dir);
  const engine = createEngine(story, corpus);
  const predictions = articles.map((a) => engine.classify(a));
  return { dir, storywatch: score(labels, predictions), baseline: score(labels, keywordBaseline(story, articles)) };
}

const ROWS: Array<[string, (s: Scores) => string]> = [
  ['articles', (s) => String(s.articles)],
  ['alerts', (s) => String(s.alerts)],
  ['new-development precision', (s) => s.precision.toFixed(3)],
  ['new-development recall', (s) => s.recall.toFixed(3)],
  ['new-development F1', (s) => s.f1.toFixed(3)],
  ['relevance accuracy', (s) => s.relevanceAccuracy.toFixed(3)],
  ['off-topic alerts', (s) => String(s.offTopicAlerts)],
  ['duplicate/rehash alerts', (s) => String(s.duplicateAlerts)],
  ['key-fact coverage', (s) => s.keyFactCoverage.toFixed(3)],
  ['development grouping', (s) => s.groupingAccuracy.toFixed(3)],
];

export function formatReport(r: EvalReport): string {
  const w = Math.max(...ROWS.map(([n]) => n.length));
  const lines = [`eval: ${r.dir}`, `${'metric'.padEnd(w)}  storywatch  keyword-baseline`];
  for (const [name, get] of ROWS) lines.push(`${name.padEnd(w)}  ${get(r.storywatch).padStart(10)}  ${get(r.baseline).padStart(16)}`);
  if (r.storywatch.missed.length) lines.push(`missed new developments: ${r.storywatch.missed.join(', ')}`);
  if (r.storywatch.wrongAlerts.length) lines.push(`wrong alerts: ${r.storywatch.wrongAlerts.join(', ')}`);
  return lines.join('\n');
}

export function runEval(opts: { dirs: string[]; story: string; json: boolean }, stdout: Writable): number {
  const dirs = opts.dirs.length ? opts.dirs : [DEFAULT_EVAL_DIRS.find((d) => existsSync(d)) ?? DEFAULT_EVAL_DIRS[0]!];
  const reports = dirs.map((d) => evaluateDir(path.resolve(d), opts.story));
  stdout.write(opts.json ? `${JSON.stringify(reports, null, 2)}\n` : `${reports.map(formatReport).join('\n\n')}\n`);
  return 0;
}
