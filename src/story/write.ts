/**
 * Writes a drafted story as a user would have: config/stories/<id>/story.yaml with the
 * groups and why they were chosen, and corpus/ with one text file per seed (headline
 * first). Written to a temporary folder and renamed, so a failure leaves nothing half-made.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseDocument, stringify } from 'yaml';
import { AppError } from '../domain/errors.js';
import { redactUrl } from '../domain/redact.js';
import type { Draft } from './draft.js';
import type { Seed } from './seeds.js';

export const STORY_ID = /^[a-z0-9][a-z0-9-]{0,62}$/;

export function checkStoryId(id: string): void {
  if (!STORY_ID.test(id)) throw new AppError(`story id "${id}" is not valid`, 'USAGE', 'use lower-case letters, digits and dashes (e.g. boeing-strike)');
}

function fileName(i: number, seed: Seed): string {
  const words = seed.title.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '').slice(0, 40);
  return `${String(i).padStart(3, '0')}_${words || 'seed'}.txt`;
}

export function storyYaml(id: string, name: string, draft: Draft, files: Array<{ file: string; seed: Seed }>): string {
  const body = stringify({
    id, name, description: '',
    groups: draft.groups,
    minRelevance: draft.minRelevance,
    corpus: files.map(({ file, seed }) => ({ file, publishedAt: seed.publishedAt.toISOString(), headline: true })),
  }, { lineWidth: 100, flowCollectionPadding: false });
  const why = draft.why.map((l) => `#   ${l.replace(/\n/g, ' ')}`).join('\n');
  return [
    `# Drafted by \`storywatch story new\` from ${files.length} seed(s). Edit freely, then run`,
    `# \`storywatch story check ${id}\` to see what each group and term matches.`,
    '# An article is about the story when it names every required group; ALL-CAPS terms match',
    '# case-sensitively, others ignore case and allow plurals. Why these groups:',
    why,
    '# Seeds:',
    ...files.map(({ file, seed }) => `#   ${file} <- ${seed.url ? redactUrl(seed.url) : seed.source} (date from ${seed.dateFrom})`.replace(/\n/g, ' ')),
    body,
  ].join('\n');
}

/** Writes config/stories/<id>/ under `root`; an existing folder only with `force`. */
export function writeStory(root: string, id: string, name: string, seeds: Seed[], draft: Draft, force: boolean): string {
  checkStoryId(id);
  const dir = path.join(root, id);
  if (existsSync(dir) && !force) {
    throw new AppError(`story "${id}" already exists (${dir})`, 'USAGE', 'choose another id, or add --force to replace it (its corpus/ is rewritten)');
  }
  const ordered = [...seeds].sort((a, b) => a.publishedAt.getTime() - b.publishedAt.getTime());
  const files = ordered.map((seed, i) => ({ file: fileName(i, seed), seed }));
  const tmp = path.join(root, `.${id}.tmp-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(path.join(tmp, 'corpus'), { recursive: true });
  for (const { file, seed } of files) writeFileSync(path.join(tmp, 'corpus', file), `${seed.title}\n\n${seed.content}\n`);
  writeFileSync(path.join(tmp, 'story.yaml'), storyYaml(id, name, draft, files));
  if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
  renameSync(tmp, dir);
  return dir;
}

/** A Google News search for the story: its parties and its subject's first word, each quoted when multi-word. */
export function googleNewsUrl(draft: Draft): string {
  const q = (t: string) => (t.includes(' ') ? `"${t}"` : t);
  const words = draft.groups.map((g) => q(g.terms[0]!));
  return `https://news.google.com/rss/search?q=${encodeURIComponent(words.join(' ')).replace(/%20/g, '+')}&hl=en-US&gl=US&ceid=US:en`;
}

/**
 * Adds the story's Google News feed to the config file, keeping its comments; a feed with
 * the same id is replaced. The feed names the story so its items go to it alone.
 */
export function addGoogleNewsFeed(configFile: string, id: string, draft: Draft): string {
  if (!existsSync(configFile)) throw new AppError(`config file ${configFile} not found`, 'CONFIG_INVALID', 'set STORYWATCH_CONFIG or create config/default.yaml');
  const doc = parseDocument(readFileSync(configFile, 'utf8'));
  const url = googleNewsUrl(draft);
  const feedId = `google-news-${id}`;
  const feeds = (doc.get('feeds') as { items?: unknown[] } | undefined)?.items ?? [];
  const at = feeds.findIndex((f) => (f as { get?: (k: string) => unknown }).get?.('id') === feedId);
  const node = doc.createNode({ id: feedId, url, stories: [id] });
  if (at >= 0) doc.setIn(['feeds', at], node);
  else if (doc.has('feeds')) doc.addIn(['feeds'], node);
  else doc.set('feeds', [node]);
  trackIn(doc, id);
  writeFileSync(configFile, doc.toString({ lineWidth: 0 }));
  return url;
}

/** Adds the story to the config's `stories:` list (nothing to do when it says `all`); true when it changed. */
export function trackStory(configFile: string, id: string): boolean {
  if (!existsSync(configFile)) return false;
  const doc = parseDocument(readFileSync(configFile, 'utf8'));
  if (!trackIn(doc, id)) return false;
  writeFileSync(configFile, doc.toString({ lineWidth: 0 }));
  return true;
}

function trackIn(doc: ReturnType<typeof parseDocument>, id: string): boolean {
  const list = doc.get('stories') as { items?: Array<{ value?: unknown } | unknown> } | string | undefined;
  if (list === undefined || list === 'all' || typeof list === 'string') return false;
  const ids = (list.items ?? []).map((n) => (typeof n === 'object' && n !== null && 'value' in n ? n.value : n));
  if (ids.includes(id)) return false;
  doc.addIn(['stories'], id);
  return true;
}
