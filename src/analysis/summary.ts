/**
 * "What is new": one sentence saying what happened — the lede sentence that reports the
 * event, else the headline — then the article's facts the story did not know yet, as
 * whole facts ("money: $75 million"). Colour (weekdays, counts of nothing) is dropped.
 */
import { extractNumberFacts, type Fact } from './facts.js';
import { extractActions } from './frame.js';
import type { Profile } from './profile.js';

const MAX_CHARS = 400;
const MAX_FACTS = 8;
/** Body sentences searched for new facts: the news is told early. */
const FACT_SENTENCES = 6;

export function whatHappened(p: Profile): string {
  const reporting = p.lede.find((s) => extractActions(s).some((a) => a.verb)) ?? p.lede[0];
  const sentence = reporting && reporting.length >= 40 ? reporting : p.headline || reporting || '';
  const clipped = sentence.length > MAX_CHARS ? `${sentence.slice(0, sentence.lastIndexOf(' ', MAX_CHARS - 1))} …` : sentence;
  return /[.!?…"']$/.test(clipped) ? clipped : `${clipped}.`;
}

/** Names are in the sentence already; the list adds what a reader checks: amounts, votes, dates. */
const SHOWN_KINDS = new Set<Fact['kind']>(['money', 'percent', 'vote', 'count', 'duration', 'date']);

/** Facts of the article (headline and early body) that no known article stated. */
export function newFacts(p: Profile, known: Set<string>, deep: boolean): string[] {
  const publishedAt = Number.isNaN(p.time) ? undefined : new Date(p.time);
  const sentences = deep ? p.body.slice(0, FACT_SENTENCES) : p.lede;
  // An alert's facts are read from its early body, counts included; a follow-up lists its lede's.
  const facts = deep ? [p.headline, ...sentences].flatMap((s) => extractNumberFacts(s, { publishedAt })) : p.facts;
  const seen = new Set<string>();
  const out: string[] = [];
  for (const f of facts) {
    if (!SHOWN_KINDS.has(f.kind) || known.has(f.key) || seen.has(f.key)) continue;
    if (isColour(f)) continue;
    seen.add(f.key);
    out.push(`${f.kind}: ${f.text}`);
    if (out.length >= MAX_FACTS) break;
  }
  return out;
}

const WEEKDAY = /^(on )?(monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b/i;

function isColour(f: Fact): boolean {
  if (f.kind === 'date' && WEEKDAY.test(f.text)) return true;
  // "18 that", "two of": a number with no noun it counts.
  if (f.kind === 'count' && !/^\S+\s+[a-z]{3,}/i.test(f.text)) return true;
  return false;
}
