/**
 * `npm run fit`: fits the join-or-open model (src/analysis/decide.ts) on the labelled
 * dev stories and writes src/analysis/weights.ts. Training pairs come from replaying
 * each stream in all three feed shapes with the gold developments: every relevant
 * article against every candidate development the index offers, labelled 1 when the
 * development is the article's own. Logistic regression with an L2 penalty, by batch
 * gradient descent: small, deterministic, no dependency. `storywatch fit` (src/cli/fit.ts)
 * drives it and prints leave-one-story-out F1 before fitting on every story.
 */
import { writeFileSync } from 'node:fs';
import { DECIDE_FEATURES, pairFeatures, type DecideModel } from '../analysis/decide.js';
import { DevelopmentIndex, type Development } from '../analysis/developments.js';
import { conceptWords, prepareArticle } from '../analysis/profile.js';
import { loadStream, streamStory, type DevStream } from './streams.js';
import { shape, VIEWS } from './views.js';

export interface Sample {
  x: number[];
  y: number;
}

/** Gold devs that are genres, not events: their articles are handled by the genre rule. */
const HARD_DAYS = 8;
const HARD_SIMILARITY = 0.3;

const NOT_EVENTS = new Set(['opinion', 'explainer', 'analysis', 'history', 'timeline']);

export function samples(s: DevStream): Sample[] {
  const { story, corpus } = streamStory(s);
  const { articles, labels } = loadStream(s.dir);
  const concepts = conceptWords(story.groups.flatMap((g) => g.terms));
  const out: Sample[] = [];
  for (const view of VIEWS) {
    const index = new DevelopmentIndex();
    const gold = new Map<Development, string>();
    const byGold = new Map<string, Development>();
    for (const doc of corpus) {
      const p = prepareArticle({ ...doc, publishedAt: doc.publishedAt ?? '' }, { concepts });
      index.count(p);
      index.open(`seed-${doc.id}`, p, 'corpus', false);
    }
    for (const a of articles) {
      const l = labels[a.id];
      if (!l?.relevant || !l.dev || NOT_EVENTS.has(l.dev)) continue;
      const p = prepareArticle(shape(a, view), { concepts });
      for (const dev of index.candidates(p)) {
        const g = gold.get(dev);
        if (g === undefined) continue;
        const f = pairFeatures(index, p, dev);
        // Old, unrelated developments are easy: the fit learns from the pairs a decision hinges on.
        if (f.days < HARD_DAYS || f.similarity >= HARD_SIMILARITY) out.push({ x: f.x, y: Number(g === l.dev) });
      }
      index.count(p);
      const own = byGold.get(l.dev);
      if (own) index.join(own, p, 'stream');
      else {
        const dev = index.open(`gold-${l.dev}`, p, 'stream', l.novel);
        gold.set(dev, l.dev);
        byGold.set(l.dev, dev);
      }
    }
  }
  return out;
}

/** Plain (unweighted) logistic loss: the decision threshold of one half means "more likely than not". */
export function fitLogistic(data: Sample[], opts = { epochs: 20_000, rate: 0.5, l2: 0.001 }): DecideModel {
  const n = DECIDE_FEATURES.length;
  const w = new Array<number>(n).fill(0);
  let b = 0;
  for (let e = 0; e < opts.epochs; e++) {
    const gw = new Array<number>(n).fill(0);
    let gb = 0;
    let total = 0;
    for (const { x, y } of data) {
      let z = b;
      for (let i = 0; i < n; i++) z += w[i]! * x[i]!;
      const err = 1 / (1 + Math.exp(-z)) - y;
      for (let i = 0; i < n; i++) gw[i]! += err * x[i]!;
      gb += err;
      total++;
    }
    for (let i = 0; i < n; i++) w[i]! -= opts.rate * (gw[i]! / total + opts.l2 * w[i]!);
    b -= opts.rate * (gb / total);
  }
  return { features: DECIDE_FEATURES, weights: w.map(round), bias: round(b) };
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}

export function writeWeights(model: DecideModel, file: string, trainedOn: string[]): void {
  const text = `/**
 * Fitted weights of the join-or-open model (src/analysis/decide.ts), written by
 * \`npm run fit -- --write\` (src/cli/fit.ts) from the labelled dev stories: ${trainedOn.join(', ')}.
 * Data, not code: do not edit by hand; re-fit and commit the result.
 */
import type { DecideModel } from './decide.js';

export const DECIDE_WEIGHTS: DecideModel = {
  features: ${JSON.stringify(model.features).replace(/,/g, ', ')},
  weights: ${JSON.stringify(model.weights).replace(/,/g, ', ')},
  bias: ${model.bias},
};
`;
  writeFileSync(file, text);
}
