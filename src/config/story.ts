/**
 * Loads a story definition and its seed corpus from config/stories/<id>/.
 * Validated once; a bad file is reported with its path and every problem in it.
 */
import { readFileSync, existsSync, readdirSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { AppError } from '../domain/errors.js';
import type { CorpusDocument, StoryDefinition } from '../domain/story.js';
import { STORIES_DIR } from './paths.js';
import { unknownKeys } from './unknown-keys.js';

const StorySchema = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'lower-case letters, digits and dashes'),
  name: z.string().min(1),
  description: z.string().default(''),
  groups: z
    .array(z.object({ name: z.string().min(1), required: z.boolean().default(true), terms: z.array(z.string().min(1)).min(1) }))
    .min(1),
  minRelevance: z.number().min(0).max(1).default(0.7),
  // The v1 engine's thresholds: accepted so older story folders load, and ignored.
  novelty: z.unknown().optional(),
  corpus: z
    .array(z.object({ file: z.string().min(1), publishedAt: z.coerce.date().optional(), headline: z.boolean().default(true) }))
    .default([]),
});

export interface LoadedStory {
  story: StoryDefinition;
  corpus: CorpusDocument[];
  dir: string;
  /** Things to tell the operator: the story loads, but not everything in it is used. */
  warnings: string[];
}

export function listStories(root = STORIES_DIR): string[] {
  if (!existsSync(root)) return [];
  return readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(path.join(root, d.name, 'story.yaml')))
    .map((d) => d.name)
    .sort();
}

/**
 * A story by id (a folder under `root`), or by the path of its folder when `id` holds a
 * slash (`eval/acme-merger/story`): the folder need not be among the tracked stories.
 */
export function loadStory(id: string, root = STORIES_DIR): LoadedStory {
  if (id.includes('/') || id.includes(path.sep)) return loadStoryDir(path.resolve(id));
  const dir = path.join(root, id);
  const file = path.join(dir, 'story.yaml');
  if (!/^[a-z0-9][a-z0-9-]*$/.test(id) || !existsSync(file)) {
    const known = listStories(root);
    throw new AppError(`story "${id}" not found (looked for ${file})`, 'STORY_NOT_FOUND',
      known.length ? `known stories: ${known.join(', ')}` : `create ${file}`);
  }
  return loadStoryDir(dir);
}

/** Loads the story folder `dir` (story.yaml + corpus/). */
export function loadStoryDir(dir: string): LoadedStory {
  const file = path.join(dir, 'story.yaml');
  if (!existsSync(file)) throw new AppError(`no story.yaml in ${dir}`, 'STORY_NOT_FOUND', 'a story folder holds story.yaml and corpus/');
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new AppError(`${file}: not valid YAML: ${(err as Error).message}`, 'CONFIG_INVALID', 'fix the YAML syntax', { cause: err });
  }
  const parsed = StorySchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new AppError(`${file}: ${problems}`, 'CONFIG_INVALID', 'see config/stories/minerals-deal/story.yaml for a valid example');
  }
  const cfg = parsed.data;
  const folder = path.basename(dir);
  // The id names the story's state, channels' follows and alerts: one name, or two stories would share them.
  if (folder !== cfg.id && folder !== 'story') {
    throw new AppError(`${file}: id "${cfg.id}" differs from its folder "${folder}"`, 'CONFIG_INVALID', `rename the folder to ${cfg.id} or set id: ${folder}`);
  }
  const story: StoryDefinition = {
    id: cfg.id,
    name: cfg.name,
    description: cfg.description.trim(),
    groups: cfg.groups,
    minRelevance: cfg.minRelevance,
  };
  const warnings = cfg.novelty === undefined ? [] : [
    `${file}: the "novelty:" block tuned the old sentence-overlap engine and is ignored; the development model is fitted on labelled streams (npm run fit)`,
  ];
  // A misspelt key would do nothing at all: say so (older folders still load).
  warnings.push(...unknownKeys(StorySchema, raw).map((w) => `${file}: ${w}`));
  const undated = cfg.corpus.filter((c) => !c.publishedAt).map((c) => c.file);
  if (undated.length) warnings.push(`${file}: seed(s) without publishedAt: ${undated.join(', ')}; an undated seed cannot mark older reports as background (add publishedAt: 2025-01-31T12:00:00Z)`);
  const corpus = cfg.corpus.map((entry) => readCorpusFile(dir, entry));
  return { story, corpus, dir, warnings };
}

function readCorpusFile(dir: string, entry: { file: string; publishedAt?: Date | undefined; headline: boolean }): CorpusDocument {
  const corpusDir = path.join(dir, 'corpus');
  const file = path.resolve(corpusDir, entry.file);
  // `ask` quotes the corpus to any chat user: a path may not leave the story's corpus/ folder.
  const inside = (f: string, root: string) => {
    const rel = path.relative(root, f);
    return !!rel && !rel.startsWith('..') && !path.isAbsolute(rel);
  };
  if (!inside(file, corpusDir)) {
    throw new AppError(`corpus file ${JSON.stringify(entry.file)} is outside ${corpusDir}`, 'CORPUS_INVALID', 'corpus entries name files inside the story\'s corpus/ folder');
  }
  if (!existsSync(file)) {
    throw new AppError(`corpus file missing: ${file}`, 'CORPUS_INVALID', 'restore the file or remove it from story.yaml');
  }
  // A symlink inside corpus/ may point anywhere: judge where it really leads.
  if (!inside(realpathSync(file), realpathSync(corpusDir))) {
    throw new AppError(`corpus file ${JSON.stringify(entry.file)} links outside ${corpusDir}`, 'CORPUS_INVALID', 'copy the file into corpus/ instead of linking it');
  }
  const text = readFileSync(file, 'utf8');
  const lines = text.split(/\r?\n/);
  const first = lines.findIndex((l) => l.trim() !== '');
  const title = entry.headline && first >= 0 ? lines[first]!.trim() : '';
  const content = entry.headline && first >= 0 ? lines.slice(first + 1).join('\n') : text;
  const id = entry.file.replace(/\.[^.]+$/, '');
  return {
    id,
    title,
    url: `corpus:${id}`,
    source: 'seed-corpus',
    publishedAt: entry.publishedAt ? entry.publishedAt.toISOString() : null,
    content,
  };
}
