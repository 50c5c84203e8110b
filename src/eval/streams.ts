/**
 * The labelled dev streams and which story each belongs to. A stream folder holds
 * stream.jsonl and labels.json, and may hold eval.json ({"story": id, "kw": regex,
 * "kw2": regex}) naming its story and the baselines' keyword regexes; without one the
 * stream belongs to the bundled story.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArticleLine, type Article } from '../domain/article.js';
import { AppError } from '../domain/errors.js';
import { PROJECT_ROOT, STORIES_DIR } from '../config/paths.js';
import type { Label } from './score.js';

export interface DevStream {
  dir: string;
  story: string;
  storiesDir: string;
  kw?: string | undefined;
  kw2?: string | undefined;
}

export const DEFAULT_STORY = 'minerals-deal';

/** Every dev stream this checkout has: the shared ones beside it and the project's own under eval/. */
export function devStreams(): DevStream[] {
  const dirs = [
    path.resolve(PROJECT_ROOT, '../shared/eval-real-dev'),
    path.resolve(PROJECT_ROOT, '../shared/eval-dev'),
    ...listEvalDirs(path.join(PROJECT_ROOT, 'eval')),
  ];
  return dirs.filter((d) => existsSync(path.join(d, 'stream.jsonl'))).map((d) => streamInfo(d));
}

function listEvalDirs(root: string): string[] {
  if (!existsSync(root)) return [];
  // Sorted so every run sees the streams in one order.
  return readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => path.join(root, d.name))
    .filter((d) => existsSync(path.join(d, 'stream.jsonl')))
    .sort();
}

export function streamInfo(dir: string, story?: string): DevStream {
  const file = path.join(dir, 'eval.json');
  const meta = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { story?: string; kw?: string; kw2?: string }) : {};
  return { dir, story: story ?? meta.story ?? DEFAULT_STORY, storiesDir: STORIES_DIR, kw: meta.kw, kw2: meta.kw2 };
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
