/**
 * `storywatch story new|check|eval`: a story from a few seed links or files, drafted
 * from what the seeds say; what its groups match; drafted against hand-written stories.
 */
import { parseArgs } from 'node:util';
import type { Writable } from 'node:stream';
import { loadConfig, type AppConfig } from '../config/app-config.js';
import { STORIES_DIR } from '../config/paths.js';
import { AppError } from '../domain/errors.js';
import { DEFAULT_FETCH_OPTIONS, fetchPage } from '../feeds/fetcher.js';
import { checkStory, formatCheck } from '../story/check.js';
import { compareDrafted, formatComparison } from '../story/compare.js';
import { draftStory } from '../story/draft.js';
import { loadSeed, parseSeedSpec, type FetchPage, type Seed } from '../story/seeds.js';
import { addGoogleNewsFeed, trackStory, checkStoryId, writeStory } from '../story/write.js';
import { VIEWS, type View } from '../eval/views.js';

export const STORY_HELP = `Usage: storywatch story new <id> --name "NAME" --seed SEED [--seed SEED ...] [--feeds google-news] [--force]
       storywatch story check <id>
       storywatch story eval [--view full|snippet|headline]

new     drafts config/stories/<id>/ (story.yaml + corpus/) from seed articles. A SEED is a
        page URL (fetched through the SSRF guard, the article read with Readability, its
        date from the page's metadata, JSON-LD or URL) or a text file (first line the
        headline). Add @DATE to set or override its date: --seed corpus/001.txt@2025-03-04
        (a date-time like 2025-03-04T12:00:00Z works too). The concept groups are drafted
        from the parties and the subject the seeds share; it prints what it chose and why.
        --feeds google-news  also adds a Google News search feed for the story to the config
        --force              replace an existing story folder of that id
check   scores the story's seeds and any labelled stream under eval/<id>/: per group and
        term, how many seeds and stream articles it matched; terms that never match;
        off-topic items that come close
eval    drafts every labelled story under eval/ from its seed files and compares its F1
        with the hand-written story's (held-out model for both)
`;

export interface StoryNewOptions {
  id: string;
  name: string;
  seeds: string[];
  feeds?: string | undefined;
  force: boolean;
  root: string;
  configFile?: string | undefined;
  fetchPage?: FetchPage | undefined;
}

export async function storyNew(o: StoryNewOptions, out: Writable): Promise<string> {
  checkStoryId(o.id);
  if (!o.name.trim()) throw new AppError('--name is empty', 'USAGE', 'give the story a name: --name "Boeing machinists strike"');
  if (!o.seeds.length) throw new AppError('no --seed given', 'USAGE', 'give two or more seed articles: --seed https://… or --seed file.txt@2025-03-04');
  if (o.feeds !== undefined && o.feeds !== 'google-news') throw new AppError(`--feeds ${o.feeds}: unknown`, 'USAGE', 'the one feed kind is google-news');
  const specs = o.seeds.map(parseSeedSpec);
  const seeds: Seed[] = [];
  for (const spec of specs) seeds.push(await loadSeed(spec, o.fetchPage));
  for (const s of seeds) out.write(`seed: ${s.title.slice(0, 90)} (${s.publishedAt.toISOString().slice(0, 10)}, date from ${s.dateFrom})\n`);
  const draft = draftStory(seeds);
  if (!draft.groups.length) throw new AppError('no concept group could be drafted from these seeds', 'INPUT_INVALID', draft.why.join('; '));
  const dir = writeStory(o.root, o.id, o.name.trim(), seeds, draft, o.force);
  out.write(`\nwrote ${dir}/story.yaml and ${seeds.length} file(s) in corpus/\n`);
  for (const g of draft.groups) out.write(`  group ${g.name}: ${g.terms.join(', ')}\n`);
  out.write(`  minRelevance: ${draft.minRelevance}\nwhy:\n${draft.why.map((l) => `  - ${l}`).join('\n')}\n`);
  if (o.feeds === 'google-news' && o.configFile) out.write(`added feed google-news-${o.id} to ${o.configFile}: ${addGoogleNewsFeed(o.configFile, o.id, draft)}\n`);
  else if (o.configFile && trackStory(o.configFile, o.id)) out.write(`added ${o.id} to the stories tracked in ${o.configFile}\n`);
  out.write(`\nnext: edit ${dir}/story.yaml (add a word a group misses, drop one that is too broad), then\n  storywatch story check ${o.id}\n`);
  return dir;
}

/** Pages through the SSRF guard and the configured fetch limits (loopback only if STORYWATCH_ALLOW_PRIVATE_HOSTS says so). */
export function guardedFetch(config: Pick<AppConfig, "fetch">): FetchPage {
  const opts = { ...DEFAULT_FETCH_OPTIONS, ...config.fetch, policy: { allow: config.fetch.allowPrivate } };
  return (url, req) => fetchPage(url, opts, req);
}

export async function runStory(args: string[], out: Writable): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === 'new') {
    const { values, positionals } = parseArgs({
      args: rest, allowPositionals: true,
      options: { name: { type: 'string' }, seed: { type: 'string', multiple: true }, feeds: { type: 'string' }, force: { type: 'boolean', default: false } },
    });
    const id = positionals[0];
    if (!id || positionals.length > 1) throw new AppError('story new takes one id', 'USAGE', 'storywatch story new boeing-strike --name "Boeing strike" --seed …');
    const config = loadConfig();
    await storyNew({
      id, name: values.name ?? '', seeds: values.seed ?? [], feeds: values.feeds, force: values.force!,
      root: config.storiesDir ?? STORIES_DIR, configFile: config.configFile, fetchPage: guardedFetch(config),
    }, out);
    return 0;
  }
  if (sub === 'check') {
    const { positionals } = parseArgs({ args: rest, allowPositionals: true });
    if (positionals.length !== 1) throw new AppError('story check takes one id', 'USAGE', 'storywatch story check minerals-deal');
    const config = loadConfig();
    out.write(`${formatCheck(checkStory(positionals[0]!, config.storiesDir ?? STORIES_DIR))}\n`);
    return 0;
  }
  if (sub === 'eval') {
    const { values } = parseArgs({ args: rest, options: { view: { type: 'string' } } });
    if (values.view !== undefined && !(VIEWS as readonly string[]).includes(values.view)) throw new AppError(`--view must be one of ${VIEWS.join(', ')}`, 'USAGE');
    out.write(`${formatComparison(compareDrafted(values.view ? [values.view as View] : VIEWS, (m) => process.stderr.write(`story eval: ${m}\n`)))}\n`);
    return 0;
  }
  throw new AppError(`story: unknown subcommand "${sub ?? ''}"`, 'USAGE', 'storywatch story new|check|eval (storywatch story --help)');
}
