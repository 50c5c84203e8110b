/**
 * Leave-one-story-out: each story is scored with a model fitted on the other stories
 * only, so its figure says how the engine does on a story nobody fitted it on (as every
 * user's story is). Beside it, in the same run, the shipped model (fitted on every dev
 * story: the figure ../shared/tools/score.py reproduces) and the keyword and
 * first-story-detection baselines. Pure computation over the labelled streams.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createEngine } from '../analysis/engine.js';
import { withoutTagger } from '../analysis/nlp.js';
import type { DecideModel } from '../analysis/decide.js';
import { DECIDE_WEIGHTS } from '../analysis/weights.js';
import { DEFAULT_KW, DEFAULT_KW2, fsdBaseline, keywordBaseline } from './baseline.js';
import { fitLogistic, samples, type Sample } from './fit.js';
import { score, type Scores } from './score.js';
import { loadStream, streamStory, type DevStream } from './streams.js';
import { shape, VIEWS, type View } from './views.js';

export interface ViewReport {
  view: View;
  /** The shipped model (in-sample when this story is among the dev stories). */
  storywatch: Scores;
  /** A model fitted without this story (undefined when no other story can train one). */
  heldOut?: Scores | undefined;
  keyword: Scores;
  fsd: Scores;
}

export interface EvalReport {
  dir: string;
  story: string;
  synthetic: boolean;
  views: ViewReport[];
}

/** Scores one stream in the given shapes, with the shipped model and, if given, a held-out one. */
export function evaluateStream(s: DevStream, views: readonly View[] = VIEWS, heldOut?: DecideModel): EvalReport {
  const { story, corpus, dir: storyDir } = streamStory(s);
  const { articles, labels } = loadStream(s.dir);
  const seeds = readdirSync(path.join(storyDir, 'corpus')).filter((f) => f.endsWith('.txt')).sort()
    .map((f) => readFileSync(path.join(storyDir, 'corpus', f), 'utf8'));
  const kw = { kw: s.kw ?? DEFAULT_KW, kw2: s.kw2 ?? DEFAULT_KW2 };
  const order = articles.map((a) => a.id);
  const run = (model: DecideModel, shaped: typeof articles) => {
    const engine = createEngine(story, corpus, model);
    return score(labels, shaped.map((a) => engine.classify(a)), order);
  };
  return {
    dir: s.dir,
    story: s.story,
    synthetic: s.synthetic,
    views: views.map((view) => {
      const shaped = articles.map((a) => shape(a, view));
      return {
        view,
        storywatch: run(DECIDE_WEIGHTS, shaped),
        heldOut: heldOut ? run(heldOut, shaped) : undefined,
        keyword: score(labels, keywordBaseline(shaped, kw), order),
        fsd: score(labels, fsdBaseline(shaped, seeds, kw), order),
      };
    }),
  };
}

/** Per story id, a model fitted on every other story's pairs (none when nothing else is left). */
export function heldOutModels(streams: DevStream[], progress?: (msg: string) => void): Map<string, DecideModel> {
  const pairs = new Map<DevStream, Sample[]>();
  for (const s of streams) {
    progress?.(`fitting: reading ${path.basename(s.dir)}`);
    pairs.set(s, samples(s));
  }
  const out = new Map<string, DecideModel>();
  for (const id of new Set(streams.map((s) => s.story))) {
    const train = streams.filter((s) => s.story !== id).flatMap((s) => pairs.get(s)!);
    if (!train.length) continue;
    progress?.(`fitting: a model without ${id} (${train.length} pairs)`);
    out.set(id, fitLogistic(train));
  }
  return out;
}

/** Every stream scored, each real one also by the model fitted without its story. */
export function leaveOneStoryOut(streams: DevStream[], views: readonly View[] = VIEWS, progress?: (msg: string) => void): EvalReport[] {
  const models = heldOutModels(streams, progress);
  return streams.map((s) => {
    progress?.(`scoring ${path.basename(s.dir)}`);
    return evaluateStream(s, views, models.get(s.story));
  });
}

/**
 * The same leave-one-story-out run with the part-of-speech tagger left out of the event
 * frame and the names (the held-out models fitted without it too): what the tagger buys.
 */
export function leaveOneStoryOutWithoutTagger(streams: DevStream[], views: readonly View[] = VIEWS, progress?: (msg: string) => void): EvalReport[] {
  return withoutTagger(() => leaveOneStoryOut(streams, views, progress && ((m) => progress(`without the tagger: ${m}`))));
}

export interface Targets {
  meanF1: Record<View, number>;
  minF1: number;
  overFsd: number;
  maxOffTopic: number;
  maxDuplicates: number;
}

/** What the engine must reach on real stories it was not fitted on. */
export const TARGETS: Targets = { meanF1: { full: 0.85, snippet: 0.8, headline: 0.75 }, minF1: 0.7, overFsd: 0.15, maxOffTopic: 1, maxDuplicates: 2 };

export interface Summary {
  view: View;
  stories: number;
  meanHeldOut: number;
  meanShipped: number;
  meanKeyword: number;
  meanFsd: number;
  /** Stories that miss a per-story target in this view, with why. */
  misses: string[];
}

export function summarise(reports: EvalReport[], t: Targets = TARGETS): Summary[] {
  const real = reports.filter((r) => !r.synthetic);
  const views = [...new Set(real.flatMap((r) => r.views.map((v) => v.view)))];
  return views.map((view) => {
    const rows = real.map((r) => ({ r, v: r.views.find((x) => x.view === view)! })).filter((x) => x.v);
    const f1 = (v: ViewReport) => (v.heldOut ?? v.storywatch).f1;
    const mean = (get: (v: ViewReport) => number) => (rows.length ? rows.reduce((a, x) => a + get(x.v), 0) / rows.length : 0);
    const misses: string[] = [];
    for (const { r, v } of rows) {
      const s = v.heldOut ?? v.storywatch;
      const name = path.basename(r.dir);
      if (s.f1 < t.minF1) misses.push(`${name}: F1 ${s.f1.toFixed(3)} < ${t.minF1}`);
      if (s.f1 < v.fsd.f1 + t.overFsd) misses.push(`${name}: F1 ${s.f1.toFixed(3)} not ${t.overFsd} above fsd ${v.fsd.f1.toFixed(3)}`);
      if (s.offTopicAlerts > t.maxOffTopic) misses.push(`${name}: ${s.offTopicAlerts} off-topic alerts`);
      if (s.duplicateAlerts > t.maxDuplicates) misses.push(`${name}: ${s.duplicateAlerts} duplicate alerts`);
    }
    return {
      view, stories: rows.length, meanHeldOut: mean(f1), meanShipped: mean((v) => v.storywatch.f1),
      meanKeyword: mean((v) => v.keyword.f1), meanFsd: mean((v) => v.fsd.f1), misses,
    };
  });
}
