/**
 * decide: does an article report a development the story already has, or open a new
 * one? Each candidate development is scored on what makes two reports one event — the
 * same words in headline and lede (tf-idf cosine, numbers included), the same names,
 * the same action in the same status, closeness in time — by a logistic model whose
 * weights are fitted on labelled dev stories (`npm run fit`, see src/eval/fit.ts) and
 * shipped in weights.ts. The article joins the most probable development when that
 * probability clears one half; otherwise it opens a new development.
 */
import { actionKey, type Development, type DevelopmentIndex, type Member } from './developments.js';
import { dot, type SparseVector } from './vectors.js';
import type { Profile } from './profile.js';
import { stem } from './text.js';
import { DECIDE_WEIGHTS } from './weights.js';

export type Relation = 'same-action' | 'same-verb' | 'progressed' | 'other-action' | 'no-action';

export interface Match {
  dev: Development;
  /** Best tf-idf cosine of headline + lede against the development's members. */
  similarity: number;
  /** The member that gave it. */
  member: Member;
  relation: Relation;
  /** Days between this article and the development's span of reports (0 inside it or when unknown). */
  days: number;
  /** Names (people, places, bodies) the article shares with the development. */
  sharedNames: string[];
  /** Probability that the article reports this development (0..1). */
  score: number;
}

export interface DecideModel {
  features: readonly string[];
  weights: readonly number[];
  bias: number;
}

/** The features of one (article, development) pair, in DECIDE_FEATURES order. */
export const DECIDE_FEATURES = [
  'similarity', 'headline-similarity', 'same-action', 'same-verb', 'other-action', 'progressed',
  'within-a-day', 'within-3-days', 'log-days', 'shared-numbers', 'shared-names', 'new-numbers', 'new-names',
] as const;

const DAY = 86_400_000;
/** idf of a name used by at most about one in eight of the story's articles. */
const RARE_NAME_IDF = Math.log(8);

/** The action keys a profile's main action is compared by, built once per article. */
export interface MainKeys {
  same: string;
  planned: string;
  verb: string;
}

export function mainKeys(p: Profile): MainKeys | undefined {
  return p.main && { same: actionKey(p.main), planned: `${p.main.action}/planned`, verb: `${p.main.action}/` };
}

export function relate(p: Profile, dev: Development, keys = mainKeys(p)): Relation {
  if (!p.main || !keys || dev.actions.size === 0) return 'no-action';
  if (dev.actions.has(keys.same)) return 'same-action';
  // Planned, then done: a new event. A denial or a noun ("needs no ratification") is not progress.
  // A report older than the development's latest cannot move it on: it came in late.
  if (p.main.status === 'happened' && p.main.verb && dev.actions.has(keys.planned) && !(p.time < dev.last)) return 'progressed';
  for (const key of dev.actions.keys()) if (key.startsWith(keys.verb)) return 'same-verb';
  return 'other-action';
}

export interface PairFeatures {
  x: number[];
  similarity: number;
  member: Member;
  relation: Relation;
  days: number;
  sharedNames: string[];
}

/** What the article brings to every pair, computed once per decision (not once per candidate). */
export interface ArticleVectors {
  terms: SparseVector;
  headline: SparseVector;
  /** Distinct number keys ("#money:usd:75000000"). */
  numbers: string[];
  /** Distinct names, and those rare enough in the story to tie two reports. */
  names: string[];
  rareNames: string[];
  main: MainKeys | undefined;
}

export function articleVectors(index: DevelopmentIndex, p: Profile): ArticleVectors {
  const names = [...new Set(p.names)];
  const { terms, headline } = index.vectors(p);
  return {
    terms,
    headline,
    numbers: [...new Set(p.terms.filter((t) => t.startsWith('#')))],
    names,
    // A name the story's coverage uses all the time ("Trump" in a merger story) ties no two reports.
    rareNames: names.filter((n) => index.idf(stem(n)) >= RARE_NAME_IDF),
    main: mainKeys(p),
  };
}

/** @param into where to write the features (scoring reuses one buffer; fitting keeps each). */
export function pairFeatures(index: DevelopmentIndex, p: Profile, dev: Development, v: ArticleVectors = articleVectors(index, p), into: number[] = new Array<number>(DECIDE_FEATURES.length).fill(0)): PairFeatures {
  let similarity = 0;
  let headline = 0;
  const members = dev.members;
  let member = members[0]!;
  for (let i = 0; i < members.length; i++) {
    const c = dot(v.terms, index.memberVector(members[i]!, 'terms'));
    if (c > similarity) {
      similarity = c;
      member = members[i]!;
    }
  }
  // The headline of the member the text is closest to (one product, not one per member).
  if (similarity > 0) headline = dot(v.headline, index.memberVector(member, 'headlineTerms'));
  const relation = relate(p, dev, v.main);
  const days = gapDays(p.time, dev);
  let sharedNumbers = 0;
  for (const t of v.numbers) if (dev.numbers.has(t)) sharedNumbers++;
  const sharedNames = v.rareNames.filter((n) => dev.names.has(n));
  // Specifics the development never had: another amount, another site, another person.
  const newNumbers = v.numbers.length - sharedNumbers;
  const newNames = v.names.length - sharedNames.length;
  const x = into;
  x[0] = similarity;
  x[1] = headline;
  x[2] = relation === 'same-action' ? 1 : 0;
  x[3] = relation === 'same-verb' ? 1 : 0;
  x[4] = relation === 'other-action' ? 1 : 0;
  x[5] = relation === 'progressed' ? 1 : 0;
  x[6] = days < 1 ? 1 : 0;
  x[7] = days >= 1 && days < 3 ? 1 : 0;
  x[8] = Math.log2(1 + days);
  x[9] = Math.min(2, sharedNumbers);
  x[10] = Math.min(3, sharedNames.length) / 3;
  x[11] = Math.min(2, newNumbers);
  x[12] = Math.min(3, newNames) / 3;
  return { x, similarity, member, relation, days, sharedNames };
}

export function probability(model: DecideModel, x: ArrayLike<number>): number {
  let z = model.bias;
  for (let i = 0; i < x.length; i++) z += (model.weights[i] ?? 0) * x[i]!;
  return 1 / (1 + Math.exp(-z));
}

export function scoreMatches(index: DevelopmentIndex, p: Profile, model: DecideModel = DECIDE_WEIGHTS): Match[] {
  const out: Match[] = [];
  const v = articleVectors(index, p);
  const x = new Array<number>(DECIDE_FEATURES.length).fill(0);
  for (const dev of index.candidates(p)) {
    const f = pairFeatures(index, p, dev, v, x);
    out.push({ dev, similarity: f.similarity, member: f.member, relation: f.relation, days: f.days, sharedNames: f.sharedNames, score: probability(model, f.x) });
  }
  return out.sort((a, b) => b.score - a.score || b.dev.index - a.dev.index);
}

export type Verdict =
  | { kind: 'join'; match: Match; why: string }
  | { kind: 'open'; best: Match | undefined; why: string };

/** Joins the most probable development when it is more likely than not; else opens one. */
export function decide(matches: Match[]): Verdict {
  const best = matches[0];
  if (best && best.score >= 0.5) return { kind: 'join', match: best, why: 'same event' };
  return { kind: 'open', best, why: best?.relation === 'progressed' ? 'progressed' : 'no match' };
}

/**
 * Days between a report and a development, either side: feeds deliver late and out of
 * order, and an old report polled now is no closer to today's events than it was. Inside
 * the development's span it is the nearest kept report: a late analysis piece stretches
 * the span, and must not make an earlier event look like the same day's news.
 */
function gapDays(time: number, dev: Development): number {
  if (Number.isNaN(time) || Number.isNaN(dev.last)) return 0;
  const outside = Math.max(0, dev.first - time, time - dev.last);
  if (outside > 0) return outside / DAY;
  let nearest = Number.POSITIVE_INFINITY;
  for (const m of dev.members) if (!Number.isNaN(m.time)) nearest = Math.min(nearest, Math.abs(time - m.time));
  return Number.isFinite(nearest) ? nearest / DAY : 0;
}
