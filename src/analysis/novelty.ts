/**
 * Sentence-level novelty and the fact diff. A new development needs both: enough of
 * the article's information that no known sentence contains, and new key facts
 * (a step taken, an amount, a vote, a party...) stated in those uncovered sentences.
 * Facts repeated inside a rehashed sentence do not count: that is how a retrospective
 * that restates old figures stays quiet.
 */
import type { NoveltyTuning } from '../domain/story.js';
import type { Fact } from './facts.js';
import type { KnowledgeBase, SentenceMatch } from './knowledge.js';
import type { ScoredSentence } from './summary.js';

export interface SentenceAnalysis extends ScoredSentence {
  matches: SentenceMatch[];
  coverage: number;
  newFacts: Fact[];
}

export interface ArticleAnalysis {
  sentences: SentenceAnalysis[];
  /** Share of the article's information contained in known sentences (0..1). */
  contentCoverage: number;
  newFacts: Fact[];
  newFactWeight: number;
}

interface InputSentence {
  text: string;
  terms: string[];
  facts: Fact[];
  isTitle: boolean;
}

/** Sentences of fewer content words carry too little to judge on their own. */
const MIN_TERMS = 3;

/** Facts that can make a development; new names and dates only add to one. */
const CORE_KINDS = new Set<Fact['kind']>(['event', 'step', 'money', 'vote', 'percent', 'count', 'duration', 'milestone']);

/** Headlines paraphrase; what they state counts half until the body says it too. */
const TITLE_FACT_FACTOR = 0.5;

export function analyzeSentences(kb: KnowledgeBase, input: InputSentence[], tuning: NoveltyTuning): ArticleAnalysis {
  const sentences = input.map((s, position): SentenceAnalysis => {
    const matches = s.terms.length ? kb.matchSentence(s.terms) : [];
    const coverage = s.terms.length < MIN_TERMS ? 1 : kb.unionCoverage(s.terms, matches);
    const information = [...new Set(s.terms)].reduce((a, t) => a + kb.idf(t), 0) * (s.isTitle ? 0.5 : 1);
    return {
      text: s.text, position, terms: s.terms, isTitle: s.isTitle, matches, coverage, newFacts: [],
      novelty: 1 - coverage, information, newFactWeight: 0,
    };
  });
  // Body sentences claim a fact before the headline does.
  const order = [...sentences].sort((a, b) => Number(a.isTitle) - Number(b.isTitle));
  const seenKeys = new Set<string>();
  const newFacts: Fact[] = [];
  for (const s of order) {
    if (s.coverage >= tuning.factSentenceCoverage) continue;
    for (const f of input[s.position]!.facts) {
      if (kb.factSource(f.key) !== undefined || seenKeys.has(f.key)) continue;
      seenKeys.add(f.key);
      const fact = s.isTitle ? { ...f, weight: f.weight * TITLE_FACT_FACTOR } : f;
      s.newFacts.push(fact);
      newFacts.push(fact);
    }
    s.newFactWeight = s.newFacts.reduce((a, f) => a + f.weight, 0);
  }
  const total = sentences.reduce((a, s) => a + s.information, 0);
  const covered = sentences.reduce((a, s) => a + s.information * s.coverage, 0);
  return {
    sentences,
    contentCoverage: total ? covered / total : 1,
    newFacts,
    newFactWeight: newFacts.reduce((a, f) => a + f.weight, 0),
  };
}

export interface NoveltyVerdict {
  novel: boolean;
  score: number;
  newFacts: Fact[];
  reasons: string[];
}

export function decideNovelty(
  a: ArticleAnalysis,
  tuning: NoveltyTuning,
  relevant: boolean,
  duplicate: { article: number; containment: number } | undefined,
): NoveltyVerdict {
  const contentNovelty = 1 - a.contentCoverage;
  const score = round(0.6 * contentNovelty + 0.4 * Math.min(1, a.newFactWeight / (2 * tuning.minNewFactWeight)));
  const novelSentences = a.sentences.filter((s) => !s.isTitle && s.coverage < tuning.novelSentenceCoverage);
  const body = a.sentences.filter((s) => !s.isTitle).length;
  const factList = a.newFacts.map((f) => `${f.kind} "${f.text}"`).join(', ') || 'none';
  const stats = `${novelSentences.length}/${body} sentences new; ${pct(contentNovelty)} of content new; new facts (weight ${a.newFactWeight}): ${factList}`;
  if (!relevant) return { novel: false, score, newFacts: a.newFacts, reasons: [] };
  if (duplicate) {
    return { novel: false, score, newFacts: a.newFacts, reasons: [`copy: ${pct(duplicate.containment)} of its text appears in a known article`, stats] };
  }
  const anchored = novelSentences.some((s) => s.newFactWeight > 0);
  const core = a.newFacts.some((f) => CORE_KINDS.has(f.kind));
  const checks = [
    [a.newFactWeight >= tuning.minNewFactWeight, `new-fact weight ${a.newFactWeight} ${a.newFactWeight >= tuning.minNewFactWeight ? '>=' : '<'} ${tuning.minNewFactWeight}`],
    [contentNovelty >= tuning.minContentNovelty, `new content ${pct(contentNovelty)} ${contentNovelty >= tuning.minContentNovelty ? '>=' : '<'} ${pct(tuning.minContentNovelty)}`],
    [anchored, anchored ? 'new facts stand in new sentences' : 'no new sentence states a new fact'],
    [core, core ? 'a new step, amount, vote, count or duration' : 'no new step, amount, vote, count or duration (new names alone are colour)'],
  ] as const;
  const novel = checks.every(([ok]) => ok);
  const why = checks.filter(([ok]) => novel || !ok).map(([, text]) => text).join('; ');
  return {
    novel,
    score,
    newFacts: a.newFacts,
    reasons: [`${novel ? 'new development' : 'not new'}: ${why}`, stats],
  };
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}

function pct(n: number): string {
  return `${Math.round(n * 100)}%`;
}
