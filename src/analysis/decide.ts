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
import { familyOf } from './verbs.js';

export type Relation = 'same-action' | 'same-verb' | 'same-family' | 'progressed' | 'other-action' | 'other-verb' | 'no-action';

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
  /** Amounts, percentages and votes it shares with the development. */
  sharedNumbers: number;
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
  'similarity', 'headline-similarity', 'same-action', 'same-verb', 'same-family', 'other-action', 'other-verb', 'progressed',
  'log-days', 'over-a-week', 'shared-numbers', 'shared-names', 'new-numbers', 'new-names',
  'short', 'short-similarity', 'short-same-action', 'short-same-family', 'short-log-days',
] as const;

type Feature = (typeof DECIDE_FEATURES)[number];
/** Each feature's position in a feature vector. */
const F = Object.fromEntries(DECIDE_FEATURES.map((f, i) => [f, i])) as Record<Feature, number>;

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

/** The development's reports led with this action or one of its family, in this status. */
function inFamily(mains: Map<string, number>, action: string, status: string): boolean {
  const family = familyOf(action);
  for (const key of mains.keys()) if (key.endsWith(`/${status}`) && familyOf(key.slice(0, key.indexOf('/'))) === family) return true;
  return false;
}

/** How the article's main action stands to the main actions of the development's reports. */
export function relate(p: Profile, dev: Development, keys = mainKeys(p)): Relation {
  // Only analysis has told this development so far: its verbs discuss the event, they are not it.
  if (!p.main || !keys || dev.mains.size === 0 || dev.awaitsNews) return 'no-action';
  if (dev.mains.has(keys.same)) return 'same-action';
  // Planned, then done: a new event. A denial or a noun ("needs no ratification") is not progress.
  // A report older than the development's latest cannot move it on: it came in late.
  // A plan its reports led with, for this action or one of its family ("to vote on ratifying", then "ratifies").
  if (p.main.status === 'happened' && p.main.verb && !(p.time < dev.last) && inFamily(dev.mains, p.main.action, 'planned')) return 'progressed';
  // The plan reported late, after its outcome: the same two events, come in the other order.
  if (p.main.status === 'planned' && p.main.verb && p.time < dev.first && inFamily(dev.mains, p.main.action, 'happened')) return 'progressed';
  for (const key of dev.mains.keys()) if (key.startsWith(keys.verb)) return 'same-verb';
  const family = familyOf(p.main.action);
  for (const key of dev.mains.keys()) if (familyOf(key.slice(0, key.indexOf('/'))) === family && !key.endsWith('/failed') === (p.main.status !== 'failed')) return 'same-family';
  // A verb the lexicon does not know ("touts", "serves") tells less of another event than one it does.
  const known = (key: string) => !key.startsWith('~');
  if (!known(p.main.action) || ![...dev.mains.keys()].some(known)) return 'other-verb';
  return 'other-action';
}

export interface PairFeatures {
  x: number[];
  similarity: number;
  member: Member;
  relation: Relation;
  days: number;
  sharedNames: string[];
  sharedNumbers: number;
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
  x[F.similarity] = similarity;
  x[F['headline-similarity']] = headline;
  x[F['same-action']] = relation === 'same-action' ? 1 : 0;
  x[F['same-verb']] = relation === 'same-verb' ? 1 : 0;
  x[F['same-family']] = relation === 'same-family' ? 1 : 0;
  x[F['other-action']] = relation === 'other-action' ? 1 : 0;
  x[F['other-verb']] = relation === 'other-verb' ? 1 : 0;
  x[F.progressed] = relation === 'progressed' ? 1 : 0;
  // Time in one smooth term: a cliff at one day split next-day rewrites from same-day ones.
  x[F['log-days']] = Math.log2(1 + days);
  x[F['over-a-week']] = days >= 7 ? 1 : 0;
  x[F['shared-numbers']] = Math.min(2, sharedNumbers);
  x[F['shared-names']] = Math.min(3, sharedNames.length) / 3;
  x[F['new-numbers']] = Math.min(2, newNumbers);
  x[F['new-names']] = Math.min(3, newNames) / 3;
  // A headline alone says less and in fewer words: its evidence weighs differently.
  const short = p.headlineOnly ? 1 : 0;
  x[F.short] = short;
  x[F['short-similarity']] = short * similarity;
  x[F['short-same-action']] = short * x[F['same-action']]!;
  x[F['short-same-family']] = short * x[F['same-family']]!;
  x[F['short-log-days']] = short * x[F['log-days']]!;
  return { x, similarity, member, relation, days, sharedNames, sharedNumbers };
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
  const candidates = index.candidates(p);
  const copy = index.copyOf(p);
  if (copy && !candidates.includes(copy)) candidates.push(copy);
  for (const dev of candidates) {
    const f = pairFeatures(index, p, dev, v, x);
    out.push({ dev, similarity: f.similarity, member: f.member, relation: f.relation, days: f.days, sharedNames: f.sharedNames, sharedNumbers: f.sharedNumbers, score: probability(model, f.x) });
  }
  return out.sort((a, b) => b.score - a.score || b.dev.index - a.dev.index);
}

export type Verdict =
  | { kind: 'join'; match: Match; why: string }
  | { kind: 'open'; best: Match | undefined; why: string };

/** Headline + lede this close to a known report's is a copy of it. */
export const COPY_SIMILARITY = 0.9;

/**
 * A copy of a known report (its headline or first sentence word for word, or headline and
 * lede nearly so) is that report's development whatever its date: feeds re-serve old items
 * and aggregators re-date them. Otherwise the most probable development when it is more
 * likely than not; else a new one.
 */
export function decide(matches: Match[], copyOf?: Development, short = false): Verdict {
  const copy = matches.find((m) => m.dev === copyOf) ?? (matches.length && matches.reduce((a, b) => (b.similarity > a.similarity ? b : a)));
  if (copy && (copy.dev === copyOf || copy.similarity >= COPY_SIMILARITY)) return { kind: 'join', match: copy, why: 'copy' };
  // Closeness in time never joins two reports that share no event and little text; a plan and
  // its outcome ("to sign", "signed") are two events, however alike their words.
  const best = matches.find((m) => shares(m) && m.relation !== 'progressed');
  if (best && best.score >= 0.5) return { kind: 'join', match: best, why: 'same event' };
  // A report within a day or so of a development, telling nothing that makes it another
  // event (no other action, no plan turned outcome), is another outlet's account of it.
  // A headline alone shares few words with another outlet's: there the model's word stands.
  const near = matches.find((m) => m.days < NEAR_DAYS && compatible(m, short) && (shares(m) || (short && m.score >= 0.5)));
  if (near) return { kind: 'join', match: near, why: 'same event' };
  return { kind: 'open', best, why: best?.relation === 'progressed' ? 'progressed' : 'no match' };
}

/** How close in time a report with nothing against it joins a development (see decide). */
const NEAR_DAYS = 1.5;

/**
 * Nothing in the pair says two events: the same or a like action, or none to compare. A verb
 * the lexicon does not know ("engages", "mulls", "serves") tells little of the event, so it
 * may differ too when the reports share some words (a headline alone: when the model finds
 * them alike).
 */
function compatible(m: Match, short: boolean): boolean {
  if (m.relation === 'same-action' || m.relation === 'same-verb' || m.relation === 'same-family' || m.relation === 'no-action') return true;
  if (m.relation !== 'other-verb') return false;
  return short ? m.score >= 0.3 : m.similarity >= MIN_SHARED_TEXT;
}

/** With two different actions, reports this alike in words may still tell one event. */
const OTHER_ACTION_TEXT = 0.25;

/** Below this much text in common, only a shared name or number ties two reports. */
const MIN_SHARED_TEXT = 0.08;

/** Shares an event (a like action) or something of its text: the least two reports of one event have in common. */
function shares(m: Match): boolean {
  if (m.relation === 'same-action' || m.relation === 'same-family') return true;
  // Two actions of two families are two events, unless the words or specifics say otherwise.
  if (m.relation === 'other-action') return m.similarity >= OTHER_ACTION_TEXT || m.sharedNumbers > 0;
  return m.similarity >= MIN_SHARED_TEXT || m.sharedNames.length > 0 || m.sharedNumbers > 0;
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
