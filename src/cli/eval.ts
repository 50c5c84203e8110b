/**
 * `storywatch eval [DIR...]`: runs the engine over labelled streams (stream.jsonl +
 * labels.json) in the three feed shapes and prints it beside the keyword and
 * first-story-detection baselines computed in the same run, with the same figures as
 * ../shared/tools/score.py. Without DIRs: every dev stream this checkout has.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Writable } from 'node:stream';
import { createEngine } from '../analysis/engine.js';
import { loadStory } from '../config/story.js';
import { DEFAULT_KW, DEFAULT_KW2, fsdBaseline, keywordBaseline } from '../eval/baseline.js';
import { round3, score, type Scores } from '../eval/score.js';
import { devStreams, loadStream, streamInfo, type DevStream } from '../eval/streams.js';
import { shape, VIEWS, type View } from '../eval/views.js';

export { loadStream } from '../eval/streams.js';

export interface ViewReport {
  view: View;
  storywatch: Scores;
  keyword: Scores;
  fsd: Scores;
}

export interface EvalReport {
  dir: string;
  story: string;
  views: ViewReport[];
}

export function evaluateStream(s: DevStream, views: readonly View[] = VIEWS): EvalReport {
  const { story, corpus, dir: storyDir } = loadStory(s.story, s.storiesDir);
  const { articles, labels } = loadStream(s.dir);
  const seeds = readdirSync(path.join(storyDir, 'corpus')).filter((f) => f.endsWith('.txt')).sort()
    .map((f) => readFileSync(path.join(storyDir, 'corpus', f), 'utf8'));
  const kw = { kw: s.kw ?? DEFAULT_KW, kw2: s.kw2 ?? DEFAULT_KW2 };
  const order = articles.map((a) => a.id);
  return {
    dir: s.dir,
    story: s.story,
    views: views.map((view) => {
      const shaped = articles.map((a) => shape(a, view));
      const engine = createEngine(story, corpus);
      return {
        view,
        storywatch: score(labels, shaped.map((a) => engine.classify(a)), order),
        keyword: score(labels, keywordBaseline(shaped, kw), order),
        fsd: score(labels, fsdBaseline(shaped, seeds, kw), order),
      };
    }),
  };
}

/** Kept for callers that score one stream in full text. */
export function evaluateDir(dir: string, storyId: string, view: View = 'full'): ViewReport {
  return evaluateStream(streamInfo(dir, storyId), [view]).views[0]!;
}

const COLUMNS: Array<[string, (s: Scores) => string]> = [
  ['tp', (s) => String(s.tp)],
  ['fp', (s) => String(s.fp)],
  ['fn', (s) => String(s.fn)],
  ['precision', (s) => String(round3(s.precision))],
  ['recall', (s) => String(round3(s.recall))],
  ['f1', (s) => String(round3(s.f1))],
  ['relevance', (s) => String(round3(s.relevanceAccuracy))],
  ['key facts', (s) => `${s.keyFactHits}/${s.tp}`],
  ['off-topic', (s) => String(s.offTopicAlerts)],
  ['duplicate', (s) => String(s.duplicateAlerts)],
  ['rehash', (s) => String(s.rehashAlerts)],
  ['grouping', (s) => String(round3(s.groupingAccuracy))],
];

export function formatReport(r: EvalReport): string {
  const lines = [`eval: ${r.dir} (story ${r.story})`];
  for (const v of r.views) {
    lines.push(`  view ${v.view}`);
    lines.push(`    ${'system'.padEnd(11)}${COLUMNS.map(([n]) => n.padStart(10)).join('')}`);
    for (const [name, s] of [['storywatch', v.storywatch], ['keyword', v.keyword], ['fsd', v.fsd]] as const) {
      lines.push(`    ${name.padEnd(11)}${COLUMNS.map(([, get]) => get(s).padStart(10)).join('')}`);
    }
    const sw = v.storywatch;
    lines.push(`    f1=${round3(sw.f1)} baseline_f1=${round3(v.keyword.f1)} fsd_f1=${round3(v.fsd.f1)} offtopic_alerts=${sw.offTopicAlerts} dup_alerts=${sw.duplicateAlerts} alerts=${sw.alerts}`);
    if (sw.missed.length) lines.push(`    missed new developments: ${sw.missed.join(', ')}`);
    if (sw.wrongAlerts.length) lines.push(`    wrong alerts: ${sw.wrongAlerts.join(', ')}`);
  }
  return lines.join('\n');
}

export function runEval(opts: { dirs: string[]; story?: string | undefined; json: boolean; views?: View[] }, stdout: Writable): number {
  const streams = opts.dirs.length ? opts.dirs.map((d) => streamInfo(path.resolve(d), opts.story)) : devStreams();
  const reports = streams.map((s) => evaluateStream(s, opts.views ?? VIEWS));
  stdout.write(opts.json ? `${JSON.stringify(reports, null, 2)}\n` : `${reports.map(formatReport).join('\n\n')}\n`);
  return 0;
}
