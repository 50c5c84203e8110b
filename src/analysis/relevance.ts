/**
 * Relevance: is an article about the story at all? Concept groups from the story
 * definition (every required group must be mentioned) plus lexical closeness to what
 * the story already knows, so that a full match on keywords alone is not enough for a
 * text that merely name-drops them.
 */
import type { ConceptGroup, StoryDefinition } from '../domain/story.js';
import { normalizeText } from './text.js';

export interface RelevanceResult {
  relevant: boolean;
  score: number;
  matched: Array<{ group: string; terms: string[] }>;
  missing: string[];
  reason: string;
}

interface CompiledGroup {
  group: ConceptGroup;
  patterns: Array<{ term: string; re: RegExp }>;
}

const compiled = new WeakMap<StoryDefinition, CompiledGroup[]>();

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\s+/g, '\\s+');
}

function compile(story: StoryDefinition): CompiledGroup[] {
  let out = compiled.get(story);
  if (!out) {
    out = story.groups.map((group) => ({
      group,
      patterns: group.terms.map((term) => {
        const caseSensitive = term === term.toUpperCase() && /[A-Z]/.test(term);
        // Allow a plural or possessive ending so "mineral" also finds "minerals".
        const re = new RegExp(`(?<![A-Za-z0-9])${escape(term)}(?:s|es|'s)?(?![A-Za-z0-9])`, caseSensitive ? '' : 'i');
        return { term, re };
      }),
    }));
    compiled.set(story, out);
  }
  return out;
}

/** Headline plus the first three body sentences: where news states what it is about. */
const LEDE = 4;

/**
 * @param sentences the headline (if any) first, then the body sentences.
 * @param similarity how much of the article the story's known articles already
 *   contain (0..1), from the knowledge index.
 */
export function assessRelevance(story: StoryDefinition, sentences: string[], similarity: number): RelevanceResult {
  const texts = sentences.map(normalizeText);
  const matched: RelevanceResult['matched'] = [];
  const missing: string[] = [];
  const passing: string[] = [];
  let required = 0;
  let requiredHit = 0;
  for (const { group, patterns } of compile(story)) {
    const where = texts.flatMap((t, i) => (patterns.some((p) => p.re.test(t)) ? [i] : []));
    const terms = patterns.filter((p) => where.some((i) => p.re.test(texts[i]!))).map((p) => p.term);
    if (group.required) required++;
    if (!terms.length) {
      if (group.required) missing.push(group.name);
      continue;
    }
    matched.push({ group: group.name, terms });
    // One mention deep in the text ("modelled on the deal with Ukraine") is not the subject.
    if (group.required && where[0]! >= LEDE && where.length < 2) passing.push(`${group.name} only in passing (sentence ${where[0]! + 1})`);
    else if (group.required) requiredHit++;
  }
  const groupScore = required ? requiredHit / required : 1;
  const simScore = Math.min(1, similarity / 0.5);
  const score = round(0.7 * groupScore + 0.3 * simScore);
  const absent = missing.length + passing.length;
  // One missing group is forgiven only for text the story already knows closely.
  const relevant = (absent === 0 && score >= story.minRelevance) || (absent === 1 && similarity >= 0.6);
  const found = matched.map((m) => `${m.group}(${m.terms.slice(0, 3).join(', ')})`).join(' ');
  const why = [missing.length ? `no mention of ${missing.join(', ')}` : '', ...passing].filter(Boolean).join('; ');
  const reason = relevant
    ? `relevant ${score}: mentions ${found}; ${pct(similarity)} of it is close to known coverage`
    : `off-topic ${score}: ${why || `score below ${story.minRelevance}`}${found ? `; mentions ${found}` : ''}`;
  return { relevant, score, matched, missing: [...missing, ...passing.map((p) => p.split(' ')[0]!)], reason };
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}

function pct(n: number): string {
  return `${Math.round(n * 100)}%`;
}
