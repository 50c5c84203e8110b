/**
 * The labelled dev streams and which story each belongs to. A stream folder under eval/
 * holds stream.jsonl and labels.json, and may hold eval.json ({"story": id, "kw": regex,
 * "kw2": regex, "synthetic": bool}) naming its story and the baselines' keyword regexes,
 * and story/ (story.yaml + corpus/): the story folder as a user would write it. Without
 * story/ the story is the tracked one of that id (config/stories/<id>).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArticleLine, type Article } from '../domain/article.js';
import { AppError } from '../domain/errors.js';
import { PROJECT_ROOT, STORIES_DIR } from '../config/paths.js';
import { loadStory, type LoadedStory } from '../config/story.js';
import type { Label } from './score.js';

export interface DevStream {
  dir: string;
  /** The story's id (what eval.json names). */
  story: string;
  /** Where its story folder is. */
  storyDir: string;
  kw?: string | undefined;
  kw2?: string | undefined;
  /** Made up to test the engine, not real coverage: left out of the means. */
  synthetic: boolean;
}

export const DEFAULT_STORY = 'minerals-deal';
export const EVAL_DIR = path.join(PROJECT_ROOT, 'eval');

/** Every dev stream in the checkout (eval/*), sorted so every run sees them in one order. */
export function devStreams(root = EVAL_DIR): DevStream[] {
  if (!existsSync(root)) return [];
  return readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => path.join(root, d.name))
    .filter((d) => existsSync(path.join(d, 'stream.jsonl')))
    .sort()
    .map((d) => streamInfo(d));
}

export function streamInfo(dir: string, story?: string): DevStream {
  const file = path.join(dir, 'eval.json');
  let meta: { story?: string; kw?: string; kw2?: string; synthetic?: boolean } = {};
  if (existsSync(file)) {
    try {
      meta = JSON.parse(readFileSync(file, 'utf8')) as typeof meta;
    } catch (err) {
      throw new AppError(`eval: ${file} is not valid JSON: ${(err as Error).message}`, 'INPUT_INVALID', 'fix the file or remove it');
    }
  }
  const id = story ?? meta.story ?? DEFAULT_STORY;
  const own = path.join(dir, 'story');
  const storyDir = !story && existsSync(path.join(own, 'story.yaml')) ? own : path.join(STORIES_DIR, id);
  return { dir, story: id, storyDir, kw: meta.kw, kw2: meta.kw2, synthetic: meta.synthetic === true };
}

/** The stream's story folder, loaded. */
export function streamStory(s: DevStream): LoadedStory {
  return loadStory(s.storyDir);
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
