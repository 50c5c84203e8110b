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

/**
 * @param similarity how much of the article the story's known articles already
 *   contain (0..1), from the knowledge index.
 */
export function assessRelevance(
  story: StoryDefinition,
  title: string,
  content: string,
  similarity: number,
): RelevanceResult {
  const text = normalizeText(`${title}\n${content}`);
  const matched: RelevanceResult['matched'] = [];
  const missing: string[] = [];
  let required = 0;
  let requiredHit = 0;
  for (const { group, patterns } of compile(story)) {
    const terms = patterns.filter((p) => p.re.test(text)).map((p) => p.term);
    if (group.required) required++;
    if (terms.length) {
      matched.push({ group: group.name, terms });
      if (group.required) requiredHit++;
    } else if (group.required) missing.push(group.name);
  }
  const groupScore = required ? requiredHit / required : 1;
  const simScore = Math.min(1, similarity / 0.5);
  const score = round(0.7 * groupScore + 0.3 * simScore);
  const allRequired = missing.length === 0;
  // One missing group is forgiven only for text the story already knows closely.
  const relevant = (allRequired && score >= story.minRelevance) || (missing.length === 1 && similarity >= 0.6);
  const found = matched.map((m) => `${m.group}(${m.terms.slice(0, 3).join(', ')})`).join(' ');
  const reason = relevant
    ? `relevant ${score}: mentions ${found}; ${pct(similarity)} of it is close to known coverage`
    : `off-topic ${score}: ${missing.length ? `no mention of ${missing.join(', ')}` : `score below ${story.minRelevance}`}${found ? `; mentions ${found}` : ''}`;
  return { relevant, score, matched, missing, reason };
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}

function pct(n: number): string {
  return `${Math.round(n * 100)}%`;
}
