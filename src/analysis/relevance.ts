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
  /** Each term's own pattern, and a word the text must contain for it to match (a cheap first test). */
  patterns: Array<{ term: string; re: RegExp; hint: string; sensitive: boolean }>;
  /** Every term of the group in one global pattern (two: case-sensitive terms apart): one scan a text. */
  scan: RegExp[];
}

const compiled = new WeakMap<StoryDefinition, CompiledGroup[]>();

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\s+/g, '\\s+');
}

/**
 * Where a term may start: not inside a word. `\b` says so three times faster than a
 * lookbehind (it differs only after "_"); terms that open with a symbol keep the lookbehind.
 */
function start(terms: string[]): string {
  const word = terms.filter((t) => /^[A-Za-z0-9]/.test(t)).map(escape);
  const other = terms.filter((t) => !/^[A-Za-z0-9]/.test(t)).map(escape);
  return [...(word.length ? [`\\b(?:${word.join('|')})`] : []), ...(other.length ? [`(?<![A-Za-z0-9])(?:${other.join('|')})`] : [])].join('|');
}

/**
 * A one-word term written in lower case is a word, not a name: it also stands for its -ing
 * and -ed forms ("strike": "striking workers"; "ratify": "ratified", "ratifies"; "treaty":
 * "treaties").
 */
function inflected(term: string): string[] {
  if (!/^[a-z]{4,}$/.test(term)) return [term];
  if (term.endsWith('e')) return [term, `${term.slice(0, -1)}ing`, `${term}d`];
  if (term.endsWith('y')) return [term, `${term}ing`, `${term.slice(0, -1)}ied`, `${term.slice(0, -1)}ies`];
  return [term, `${term}ing`, `${term}ed`];
}

/** What every form of a term contains: its cheap first test. */
function hintOf(term: string, exact: boolean): string {
  const first = term.split(/\s+/)[0]!;
  if (exact) return first;
  return inflected(term).length > 1 ? first.slice(0, -1) : first.toLowerCase();
}

function compile(story: StoryDefinition): CompiledGroup[] {
  let out = compiled.get(story);
  if (!out) {
    out = story.groups.map((group) => {
      const exact = (t: string) => t === t.toUpperCase() && /[A-Z]/.test(t);
      // Allow a plural or possessive ending so "mineral" also finds "minerals".
      const source = (terms: string[]) => `(?:${start(terms.flatMap(inflected))})(?:s|es|'s)?(?![A-Za-z0-9])`;
      const sensitive = group.terms.filter(exact);
      const insensitive = group.terms.filter((t) => !exact(t));
      return {
        group,
        patterns: group.terms.map((term) => ({
          term, re: new RegExp(source([term]), exact(term) ? '' : 'i'), sensitive: exact(term), hint: hintOf(term, exact(term)),
        })),
        scan: [
          ...(insensitive.length ? [new RegExp(source(insensitive), 'gi')] : []),
          ...(sensitive.length ? [new RegExp(source(sensitive), 'g')] : []),
        ],
      };
    });
    compiled.set(story, out);
  }
  return out;
}

/**
 * A headline has room for two of the story's concepts: it may leave one out ("Rada ratifies
 * deal" names no US; "DOJ moves to force a sale of Google's Chrome" names no antitrust)
 * when it names no stranger in its place ("US and Congo sign minerals deal" is another deal).
 */
function forgivable(m: GroupMatch, short: ShortText): boolean {
  return short.strangers.length === 0 && m.matched.length >= 2 && m.missing.length + m.passing.length === 1;
}


/** Why one missing concept was forgiven: names only this story uses, or a short text with no other party in its place. */
function forgiven(anchors: string[], group: string, short: ShortText | undefined): string {
  if (anchorsStandIn(anchors, short !== undefined)) return `story anchors ${anchors.slice(0, 4).join(', ')} stand in for ${group}`;
  return `${group} forgiven: a headline or one sentence names two of the story's concepts and no other party`;
}

/**
 * A headline that names one of the story's concepts, or two with a story anchor, and no
 * stranger ("Judge rules Google illegally exploited its search dominance" in a search
 * antitrust story): it may be about the story, if it names a story anchor or closely
 * resembles a known development (LONE_CONCEPT_SIMILARITY, where other texts missing a
 * concept need 0.6).
 */
export function loneConcept(m: GroupMatch, anchors: string[], short: ShortText | undefined): boolean {
  return short !== undefined && short.strangers.length === 0 && m.matched.length >= 1 && absentGroups(m) - (anchorsStandIn(anchors, short !== undefined) ? 1 : 0) <= 2;
}

/** Enough story anchors to stand in for one missing concept: one in a short text, MIN_ANCHORS elsewhere. */
function anchorsStandIn(anchors: string[], short: boolean): boolean {
  return anchors.length >= (short ? 1 : MIN_ANCHORS);
}

/**
 * Two concepts or more missing once anchors stood in for one, and no lone-concept headline:
 * off-topic whatever the text resembles, so the index need not be asked.
 */
export function beyondReach(m: GroupMatch, anchors: string[], short: ShortText | undefined): boolean {
  return !loneConcept(m, anchors, short) && absentGroups(m) - (anchorsStandIn(anchors, short !== undefined) ? 1 : 0) >= 2;
}

/**
 * A concept group missing and enough story anchors to stand in for it: the text may be about
 * the story only because of the anchors. Such a text teaches no anchors (see AnchorStats).
 */
export function leansOnAnchors(m: GroupMatch, anchors: string[], short: boolean): boolean {
  return absentGroups(m) > 0 && anchorsStandIn(anchors, short);
}

/** How close to a known development a lone-concept headline must be (see loneConcept). */
const LONE_CONCEPT_SIMILARITY = 0.3;

/** Distinct story anchors that forgive one missing concept group. */
const MIN_ANCHORS = 2;

/** Headline plus the first three body sentences: where news states what it is about. */
const LEDE = 4;

/** Which concept groups an article mentions, and where: the costly part, done once. */
export interface GroupMatch {
  matched: Array<{ group: string; terms: string[] }>;
  /** Required groups not mentioned at all. */
  missing: string[];
  /** Required groups mentioned once, outside the lede. */
  passing: Array<{ group: string; sentence: number }>;
  required: number;
}

/**
 * @param sentences the headline (if any) first, then the body sentences.
 * @param normalized the sentences come from readArticle, already normalised.
 */
export function matchGroups(story: StoryDefinition, sentences: string[], normalized = false): GroupMatch {
  // One text, sentences apart by a character no term pattern crosses (\s does not match NUL):
  // one scan a group finds the sentences that mention it, where a sentence loop took one test each.
  const text = new SentenceText(normalized ? sentences : sentences.map(normalizeText));
  const m: GroupMatch = { matched: [], missing: [], passing: [], required: 0 };
  for (const { group, patterns, scan } of compile(story)) {
    const where = text.sentencesMatching(scan);
    const within = where.length ? text.only(where) : '';
    const lower = within.toLowerCase();
    const terms = where.length ? patterns.filter((p) => (p.sensitive ? within : lower).includes(p.hint) && p.re.test(within)).map((p) => p.term) : [];
    if (group.required) m.required++;
    if (!terms.length) {
      if (group.required) m.missing.push(group.name);
      continue;
    }
    m.matched.push({ group: group.name, terms });
    // One mention deep in the text ("modelled on the deal with Ukraine") is not the subject.
    if (group.required && where[0]! >= LEDE && where.length < 2) m.passing.push({ group: group.name, sentence: where[0]! + 1 });
  }
  return m;
}

const SEPARATOR = '\u0000';

/** Sentences joined into one string, with where each starts. */
class SentenceText {
  readonly whole: string;
  private readonly starts: number[] = [];

  constructor(private readonly texts: string[]) {
    let at = 0;
    for (const t of texts) {
      this.starts.push(at);
      at += t.length + 1;
    }
    this.whole = texts.join(SEPARATOR);
  }

  /** Indices of the sentences holding a match of any pattern, in order. */
  sentencesMatching(scan: RegExp[]): number[] {
    const hit = new Set<number>();
    for (const re of scan) {
      re.lastIndex = 0;
      for (let m = re.exec(this.whole); m; m = re.exec(this.whole)) {
        hit.add(this.sentenceAt(m.index));
        if (m[0].length === 0) re.lastIndex++;
      }
    }
    return [...hit].sort((a, b) => a - b);
  }

  only(indices: number[]): string {
    return indices.map((i) => this.texts[i]!).join(SEPARATOR);
  }

  private sentenceAt(offset: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }
}

/** Required groups absent or only passed by: two or more and nothing can make it relevant. */
export function absentGroups(m: GroupMatch): number {
  return m.missing.length + m.passing.length;
}

/**
 * @param similarity how much of the article the story's known articles already
 *   contain (0..1), from the knowledge index.
 */
export interface ShortText {
  /** Names in the text the story does not know (another party, another place). */
  strangers: string[];
}

/**
 * @param short set for a headline or a one-sentence item: it has room for two of the
 *   story's concepts at most, so one missing concept is forgiven when the text names no
 *   stranger in its place ("Rada backs deal" yes, "US and Congo sign minerals deal" no).
 */
export function scoreRelevance(story: StoryDefinition, m: GroupMatch, similarity: number, anchors: string[] = [], short?: ShortText): RelevanceResult {
  // Words only this story uses stand in for one concept the text does not name; a
  // headline has room for one such name only.
  const standIn = anchorsStandIn(anchors, short !== undefined);
  const anchored = standIn || (short !== undefined && forgivable(m, short));
  const absent = Math.max(0, absentGroups(m) - (anchored ? 1 : 0));
  const groupScore = m.required ? (m.required - absent) / m.required : 1;
  const simScore = Math.min(1, similarity / 0.5);
  const score = round(0.7 * groupScore + 0.3 * simScore);
  // One missing group is forgiven only for text the story already knows closely; a headline
  // of one concept and no stranger needs less (it has room for little else), and a name only
  // this story uses ("Judge Corley denies FTC's injunction") says as much as resemblance does.
  // loneConcept bounds what is absent; a forgiven headline has nothing absent here.
  const lone = absent >= 1 && loneConcept(m, anchors, short) && (standIn || similarity >= LONE_CONCEPT_SIMILARITY);
  const relevant = (absent === 0 && score >= story.minRelevance) || (absent === 1 && similarity >= 0.6) || lone;
  const anchorNote = lone
    ? `; a headline of one concept and no other party, ${similarity >= LONE_CONCEPT_SIMILARITY ? 'like a known development' : `naming ${anchors.slice(0, 3).join(', ')}, which only this story's coverage uses`}`
    : anchored && absentGroups(m) > 0 ? `; ${forgiven(anchors, [...m.missing, ...m.passing.map((p) => p.group)][0]!, short)}` : '';
  const found = m.matched.map((x) => `${x.group}(${x.terms.slice(0, 3).join(', ')})`).join(' ');
  const passing = m.passing.map((p) => `${p.group} only in passing (sentence ${p.sentence})`);
  const why = [m.missing.length ? `no mention of ${m.missing.join(', ')}` : '', ...passing].filter(Boolean).join('; ');
  const reason = relevant
    ? `relevant ${score}: mentions ${found}${anchorNote}; ${pct(similarity)} of it is close to known coverage`
    : `off-topic ${score}: ${why || `score below ${story.minRelevance}`}${found ? `; mentions ${found}` : ''}`;
  return { relevant, score, matched: m.matched, missing: [...m.missing, ...m.passing.map((p) => p.group)], reason };
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}

function pct(n: number): string {
  return `${Math.round(n * 100)}%`;
}
