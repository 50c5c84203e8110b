/**
 * decide: does an article report a development the story already has, or open a new
 * one? It scores the candidate developments on what makes two reports one event —
 * the same words in headline and lede (tf-idf cosine, numbers included), the same
 * action in the same status, and closeness in time — and joins the best one when the
 * score clears the bar. The same action moving from planned to done is a new event.
 */
import { actionKey, type Development, type DevelopmentIndex } from './developments.js';
import type { Profile } from './profile.js';

export type Relation = 'same-action' | 'same-verb' | 'progressed' | 'other-action' | 'no-action';

export interface Match {
  dev: Development;
  /** Best tf-idf cosine of headline + lede against the development's members. */
  similarity: number;
  /** The member that gave it. */
  member: Development['members'][number];
  relation: Relation;
  /** Days from the development's latest report to this article (0 when unknown or earlier). */
  days: number;
  score: number;
}

export interface DecideTuning {
  /** Score at or above which an article joins a development. */
  joinScore: number;
  sameAction: number;
  /** Same action in another status that is not progress ("needs no ratification" after "to ratify"). */
  sameVerb: number;
  otherAction: number;
  /** An article with no event verb contradicts no development: it leans towards joining. */
  noAction: number;
  /** Bonus for a report within a day of the development's latest one. */
  sameDay: number;
  /** Taken off the same-day bonus per doubling of the days since the development's latest report. */
  perDoubling: number;
  /** The most the time gap can take off. */
  maxAgePenalty: number;
  /** A progressed action still joins when its text is this close (a near copy). */
  copySimilarity: number;
}

export const DEFAULT_TUNING: DecideTuning = {
  joinScore: 0.35,
  sameAction: 0.15,
  sameVerb: 0.05,
  otherAction: -0.1,
  noAction: 0.15,
  sameDay: 0.2,
  perDoubling: 0.1,
  maxAgePenalty: 0.4,
  copySimilarity: 0.8,
};

const DAY = 86_400_000;

export function relate(p: Profile, dev: Development): Relation {
  if (!p.main || dev.actions.size === 0) return 'no-action';
  if (dev.actions.has(actionKey(p.main))) return 'same-action';
  // Planned, then done: a new event. A denial or a noun ("needs no ratification") is not progress.
  if (p.main.status === 'happened' && p.main.verb && dev.actions.has(`${p.main.action}/planned`)) return 'progressed';
  for (const key of dev.actions.keys()) if (key.startsWith(`${p.main.action}/`)) return 'same-verb';
  return 'other-action';
}

export function scoreMatches(index: DevelopmentIndex, p: Profile, t: DecideTuning): Match[] {
  const out: Match[] = [];
  for (const dev of index.candidates(p.terms, p.time)) {
    let similarity = 0;
    let member = dev.members[0]!;
    for (const m of dev.members) {
      const c = index.cosine(p.terms, m.terms);
      if (c > similarity) [similarity, member] = [c, m];
    }
    const relation = relate(p, dev);
    const days = Number.isNaN(p.time) || Number.isNaN(dev.last) ? 0 : Math.max(0, (p.time - dev.last) / DAY);
    const score = similarity + actionWeight(relation, t) + recency(days, t);
    out.push({ dev, similarity, member, relation, days, score });
  }
  return out.sort((a, b) => b.score - a.score || b.dev.index - a.dev.index);
}

function actionWeight(r: Relation, t: DecideTuning): number {
  return r === 'same-action' ? t.sameAction : r === 'same-verb' ? t.sameVerb : r === 'other-action' ? t.otherAction : r === 'no-action' ? t.noAction : 0;
}

/** Rewrites of one event come within a day or two; after that, sharing words means less. */
function recency(days: number, t: DecideTuning): number {
  if (days < 1) return t.sameDay;
  return Math.max(-t.maxAgePenalty, t.sameDay - t.perDoubling * Math.log2(days) - t.perDoubling);
}

export type Verdict =
  | { kind: 'join'; match: Match; why: string }
  | { kind: 'open'; best: Match | undefined; why: string };

/** Joins the best match or opens a new development; background and genre pieces never open an alert. */
export function decide(matches: Match[], t: DecideTuning): Verdict {
  const best = matches.find((m) => m.relation !== 'progressed' || m.similarity >= t.copySimilarity);
  const progressed = matches.find((m) => m.relation === 'progressed' && m.similarity < t.copySimilarity && m.score >= t.joinScore);
  if (best && best.score >= t.joinScore && (!progressed || best.score > progressed.score)) {
    return { kind: 'join', match: best, why: 'same event' };
  }
  if (progressed) return { kind: 'open', best: progressed, why: 'progressed' };
  return { kind: 'open', best: matches[0], why: 'no match' };
}
