/**
 * Number facts: amounts, percentages, votes, counts, durations and dates. Every fact has
 * a normalised key (so "$500bn" and "$500 billion" meet, and a weekday is pinned to the
 * calendar of the publication date) and the surface text it came from. Events are the
 * frame's business (frame.ts), names the profile's. Pure, deterministic.
 */
import * as chronoEn from 'chrono-node/en';
import { normalizeText, stem } from './text.js';
import { MONTHS, NUMBER_WORDS, SCALE, WEEKDAYS } from './lexicon.js';

export type FactKind = 'money' | 'percent' | 'count' | 'vote' | 'duration' | 'date';

export interface Fact {
  kind: FactKind;
  /** Normalised identity: two facts with one key are the same fact. */
  key: string;
  /** The words in the article that state it. */
  text: string;
}

/** Counted nouns that say nothing new ("the two sides", "three officials"). */
const GENERIC_COUNTED = new Set([
  'side', 'countri', 'nation', 'leader', 'parti', 'offici', 'source', 'time', 'way', 'peopl',
  'thing', 'other', 'more', 'most', 'senior', 'sourc', 'govern', 'compani', 'minist', 'delegat', 'member',
]);

const NUM = `(?:\\d+(?:[.,]\\d+)*|${Object.keys(NUMBER_WORDS).join('|')})`;

/** Longer than any sentence a fact is read from. */
const MAX_SENTENCE = 2_000;

export interface FactContext {
  /** Publication time, used to pin weekdays and year-less dates to a calendar day. */
  publishedAt?: Date | undefined;
}

const MAY_HOLD_NUMBER = new RegExp(`\\d|[$€£]|\\b(?:${[...Object.keys(NUMBER_WORDS), ...MONTHS, ...WEEKDAYS, 'half', 'third', 'quarter'].join('|')})\\b`, 'i');

/**
 * Amounts, percentages, votes and dates (with `counts`, also counts and durations):
 * what the decision compares and the summary lists.
 */
export function extractNumberFacts(sentence: string, ctx: FactContext = {}, counts = true): Fact[] {
  // A sentence, not a page: runs like "1,1,1,…" cost the patterns time by the square of their length.
  const s = normalizeText(sentence.length > MAX_SENTENCE ? sentence.slice(0, MAX_SENTENCE) : sentence);
  // Most sentences state no number and no date: one test spares the five scans.
  if (!MAY_HOLD_NUMBER.test(s)) return [];
  const facts: Fact[] = [];
  const amountSpans: Array<[number, number]> = [];
  if (/\d/.test(s)) {
    money(s, facts, amountSpans);
    votes(s, facts, amountSpans);
  }
  percents(s, facts, amountSpans);
  if (counts) durationsAndCounts(s, facts, amountSpans);
  dates(s, facts, ctx.publishedAt);
  const seen = new Set<string>();
  return facts.filter((f) => (seen.has(f.key) ? false : (seen.add(f.key), true)));
}


function add(facts: Fact[], kind: FactKind, key: string, text: string): void {
  // chrono keeps the comma after a month ("October,"): the fact is the words alone.
  facts.push({ kind, key: `${kind}:${key}`, text: text.trim().replace(/[,;:]+$/, '') });
}

function parseNumber(raw: string): number {
  const lower = raw.toLowerCase();
  if (lower in NUMBER_WORDS) return NUMBER_WORDS[lower]!;
  // "1,500" is a thousands separator; "1.5" a decimal point.
  return Number(/^\d{1,3}(,\d{3})+$/.test(raw) ? raw.replace(/,/g, '') : raw.replace(/,/g, '.'));
}

const CURRENCIES: Record<string, string> = {
  $: 'usd', dollars: 'usd', usd: 'usd', '€': 'eur', euros: 'eur', eur: 'eur', '£': 'gbp', pounds: 'gbp',
  hryvnia: 'uah', hryvnias: 'uah',
};

function roundKey(n: number): string {
  return Number(n.toPrecision(3)).toString();
}

const MONEY_PATTERNS = [
  /(?:US|U\.S\.|A|C)?([$€£])\s?(\d+(?:[.,]\d+)*)\s*(trillion|billion|million|thousand|bn|tn|mn|m|k)?\b/gi,
  /\b(\d+(?:[.,]\d+)*)\s*(trillion|billion|million|thousand)?\s*(dollars|euros|pounds|hryvnias?|usd|eur)\b/gi,
];
/** What each pattern cannot match without: one cheap test spares the scan. */
const MONEY_HINTS = [/[$€£]/, /dollars|euros|pounds|hryvnia|usd|eur/i];

function money(s: string, facts: Fact[], spans: Array<[number, number]>): void {
  for (const [i, re] of MONEY_PATTERNS.entries()) {
    if (!MONEY_HINTS[i]!.test(s)) continue;
    for (const m of s.matchAll(re)) {
      const [num, scale, cur] = i === 0 ? [m[2]!, m[3], m[1]!] : [m[1]!, m[2], m[3]!];
      const value = parseNumber(num) * (scale ? SCALE[scale.toLowerCase()] ?? 1 : 1);
      const currency = CURRENCIES[cur.toLowerCase()] ?? cur.toLowerCase();
      add(facts, 'money', `${currency}:${roundKey(value)}`, m[0]);
      spans.push([m.index!, m.index! + m[0].length]);
    }
  }
}

function percents(s: string, facts: Fact[], spans: Array<[number, number]>): void {
  if (/%|per\s?cent/i.test(s)) for (const m of s.matchAll(/\b(\d+(?:\.\d+)?)\s?(%|percent\b|per cent\b)/gi)) {
    add(facts, 'percent', roundKey(Number(m[1])), m[0]);
    spans.push([m.index!, m.index! + m[0].length]);
  }
  if (!/half|third|quarter/i.test(s)) return;
  const fractions: Record<string, number> = { half: 50, third: 33.3, quarter: 25 };
  for (const m of s.matchAll(/\b(?:a |one )?(half|third|quarter) (?:of|the)\b/gi)) {
    add(facts, 'percent', roundKey(fractions[m[1]!.toLowerCase()]!), m[0]);
  }
}

function votes(s: string, facts: Fact[], spans: Array<[number, number]>): void {
  if (!/vot|margin/i.test(s)) return;
  // Not the tail of a bigger number: "1,500 votes" is no 500-vote tally.
  const re = /(?<![\d,.])\b(\d{1,4})\s*(?:-|to)\s*(\d{1,4})\s+(?:vote|margin)|(?<![\d,.])\b(\d{1,4})(?:\s+|-)(?:votes?|(?:lawmakers|deputies|MPs|senators|legislators) vot(?:ed|ing))\b/gi;
  for (const m of s.matchAll(re)) {
    // "ahead of the Nov. 4 vote" is a date.
    if (dayOfDate(s, m.index!)) continue;
    add(facts, 'vote', m[3] ?? `${m[1]}-${m[2]}`, m[0]);
    // A tally is not also a count of votes.
    spans.push([m.index!, m.index! + m[0].length]);
  }
}

function overlaps(spans: Array<[number, number]>, at: number): boolean {
  return spans.some(([a, b]) => at >= a && at < b);
}

const NOT_A_COUNT_BEFORE = new RegExp(`(?::|\\b(?:${MONTHS.join('|')}|${MONTHS.map((m) => m.slice(0, 3)).join('|')}|sept)\\.?\\s+)$`, 'i');

/** The number at `at` is a clock time ("19:43 UTC") or the day of a date ("July 19", "Nov. 4"). */
function dayOfDate(s: string, at: number): boolean {
  return NOT_A_COUNT_BEFORE.test(s.slice(Math.max(0, at - 12), at));
}

/**
 * The number is part of a name ("IAM District 751 voted", "Section 232 tariffs", "Boeing 737
 * jets"): it follows a capitalised word inside the sentence, or an acronym anywhere. A
 * sentence's first word has its capital whatever it is ("Nearly 33,000 workers"), and a
 * possessive owns what is counted ("the IAM's 33,000 members").
 */
function namesIt(s: string, at: number): boolean {
  const before = /(^|[^\s]*\s+)?([A-Za-z][A-Za-z.&-]*)\s+$/.exec(s.slice(Math.max(0, at - 40), at));
  const prev = before?.[2];
  if (!prev || !/^[A-Z]/.test(prev)) return false;
  if (/^[A-Z]{2,}$/.test(prev)) return true;
  const opening = before![1] === undefined && at - before![0].length <= 0;
  return !opening && !/[.!?:"“(]$/.test((before![1] ?? '').trim());
}

/** Words after a number that it does not count: units, clock zones, and function words ("four for", "80 from"). */
const NOT_COUNTED = /^(of|and|or|to|in|on|at|per|percent|cents|years?|months?|days?|weeks?|utc|gmt|am|pm|et|edt|est|bst|cet|cest|for|from|with|after|before|across|elsewhere|over|under|into|than|by|as|while|since|until|during|among|between|through|each|more|less|is|are|was|were|has|have|had|will|would|could|may|might|the|a|an)$/;

/** A lower-case word a number may count: not a unit or function word, nor a generic noun ("officials"). */
function countable(word: string): boolean {
  return !NOT_COUNTED.test(word) && !GENERIC_COUNTED.has(stem(word));
}

/** A word that qualifies what is counted ("striking", "cancelled", "industrial", "strategically"). */
const QUALIFIER = /(?:ed|ing|al|ic|ive|ous|ly)$/;

/**
 * What a number counts: the word after it, or past a name or a qualifier ("3,200 Boeing
 * workers", "7,000 cancelled flights"); a number before a run of names ("751 President Jon
 * Holden", "two Template Instances") counts nothing.
 */
function countedNoun(s: string, m: RegExpMatchArray): { noun: string; text: string } | undefined {
  const noun = m[2]!;
  // "10 May deadline" is a date; "338 MPs" counts MPs; "COVID-19 vaccines" counts nothing.
  if (MONTHS.includes(noun.toLowerCase()) || s[m.index! - 1] === '-') return undefined;
  const name = /^[A-Z]/.test(noun) && !/^[A-Z]{2,}s?$/.test(noun);
  if (!name && !QUALIFIER.test(noun)) return { noun, text: m[0] };
  // Up to two qualifiers: "57 strategically important deposits".
  const after = /^\s+([a-z][a-z-]+)(?:\s+([a-z][a-z-]+))?/.exec(s.slice(m.index! + m[0].length));
  if (!after) return name ? undefined : { noun, text: m[0] };
  const twice = after[2] !== undefined && QUALIFIER.test(after[1]!) && !NOT_COUNTED.test(after[2]);
  const next = twice ? after[2]! : after[1]!;
  // "three American and three Ukrainian members": the name says what is counted.
  if (!countable(next)) return { noun, text: m[0] };
  return { noun: next, text: twice ? `${m[0]}${after[0]}` : `${m[0]} ${after[1]}` };
}

function durationsAndCounts(s: string, facts: Fact[], spans: Array<[number, number]>): void {
  const unit = '(years?|months?|weeks?|days?|decades?|hours?)';
  const dur = new RegExp(`\\b(${NUM})[\\s-]${unit}\\b`, 'gi');
  const durationAt = new Set<number>();
  for (const m of s.matchAll(dur)) {
    if (overlaps(spans, m.index!)) continue;
    const n = parseNumber(m[1]!);
    if (!Number.isFinite(n) || n <= 1) continue;
    durationAt.add(m.index!);
    add(facts, 'duration', `${roundKey(n)}:${stem(m[2]!.toLowerCase())}`, m[0]);
  }
  const count = new RegExp(`\\b(${NUM})\\s+([A-Za-z][a-z-]+)`, 'gi');
  for (const m of s.matchAll(count)) {
    const at = m.index!;
    if (overlaps(spans, at) || durationAt.has(at)) continue;
    // A clock time ("19:43 UTC") or the day of a date ("July 19 set off") counts nothing.
    if (dayOfDate(s, at) || namesIt(s, at)) continue;
    const word = m[1]!.toLowerCase();
    if (word === 'both' || /^(19|20)\d\d$/.test(word)) continue;
    const n = parseNumber(word);
    const counted = countedNoun(s, m);
    if (!counted) continue;
    const next = counted.noun.toLowerCase();
    if (!Number.isFinite(n) || n < 2 || SCALE[next] || MONTHS.includes(next)) continue;
    if (!countable(next)) continue;
    add(facts, 'count', `${roundKey(n)}:${stem(next)}`, counted.text);
  }
}

/**
 * chrono's English casual set, less its parsers of times of day and of relative spans
 * ("Monday evening", "within two months", "three weeks ago"): what is kept must name a
 * calendar day or month, and those parsers cost half of each parse. Without them "on the
 * morning of July 19" reads as July 19 (the full set made it a time three weeks later).
 */
const CALENDAR_PARSERS = new Set([
  'ENYearMonthDayParser', 'ISOFormatParser', 'ENMonthNameLittleEndianParser', 'ENMonthNameMiddleEndianParser',
  'ENWeekdayParser', 'ENYearMonthNameParser', 'ENCasualDateParser', 'ENMonthNameParser',
]);

function calendarChrono(): chronoEn.Chrono {
  const conf = chronoEn.configuration.createCasualConfiguration(false);
  const parsers = conf.parsers.filter((p) => CALENDAR_PARSERS.has(p.constructor.name));
  // Parsers are picked by class name: a chrono release that renames one must fail here, not read fewer dates.
  if (parsers.length !== CALENDAR_PARSERS.size) throw new Error(`chrono-node: expected parsers ${[...CALENDAR_PARSERS].join(', ')}; found ${conf.parsers.map((p) => p.constructor.name).join(', ')}`);
  return new chronoEn.Chrono({ parsers, refiners: conf.refiners });
}

const calendar = calendarChrono();

const prefixes = (w: string): string[] => Array.from({ length: w.length - 2 }, (_, i) => w.slice(0, w.length - i));

/** A calendar word as news copy writes it: capitalised, or in a headline's capitals ("may", "march" are a modal and a verb). */
const spellings = (w: string): string[] => [w[0]!.toUpperCase() + w.slice(1), w.toUpperCase()];

/**
 * What a kept date's text must hold: a month as a word of its own (full or shortened, as
 * "Sept."), a weekday in full or shortened with a dot ("Tue."; "Mon Valley" is no Monday),
 * or an ISO date. "Last month" and "three months ago" hold none: relative spans name no
 * day. Sentences without one are not given to chrono, the costliest step of reading facts.
 */
const CALENDAR_WORD = new RegExp(
  `\\b(?:${[...MONTHS.flatMap(prefixes), ...WEEKDAYS].flatMap(spellings).join('|')})\\b|\\b(?:${WEEKDAYS.flatMap((d) => prefixes(d).filter((p) => p.length <= 5)).flatMap(spellings).join('|')})\\.|\\d{4}-\\d{2}-\\d{2}`,
);

/**
 * Dates, read by chrono-node against the publication date: a day ("on April 30", "30 April
 * 2025"), a month ("in March 2025") or a weekday pinned to the calendar ("on Friday").
 * Relative spans ("last week", "in three years") name no day of an event and are left out.
 */
function dates(s: string, facts: Fact[], publishedAt: Date | undefined): void {
  const instant = publishedAt && !Number.isNaN(publishedAt.getTime()) ? publishedAt : undefined;
  const parsed = CALENDAR_WORD.test(s) ? calendar.parse(s, instant ? { instant, timezone: 'UTC' } : undefined, { forwardDate: false }) : [];
  for (const r of parsed) {
    const c = r.start;
    const y = c.get('year');
    const mon = c.get('month');
    const day = c.get('day');
    // A calendar date names a month or a weekday; "last week", "today" and "in three years" do not.
    if (y === null || mon === null || !CALENDAR_WORD.test(r.text)) continue;
    if (c.isCertain('day') && c.isCertain('month')) add(facts, 'date', isoDate(y, mon - 1, day ?? 1), r.text);
    else if (c.isCertain('weekday') && !c.isCertain('month') && instant) add(facts, 'date', isoDate(y, mon - 1, day ?? 1), `${r.text} (${isoDate(y, mon - 1, day ?? 1)})`);
    else if (c.isCertain('month') && !c.isCertain('day')) add(facts, 'date', `${y}-${String(mon).padStart(2, '0')}`, r.text);
  }
  if (/(?:19|20)\d\d/.test(s)) for (const m of s.matchAll(/\b(?:in|since|by|until|of)\s+((?:19|20)\d\d)\b(?!\s*[-/])/gi)) {
    if (!facts.some((f) => f.kind === 'date' && f.key.startsWith(`date:${m[1]}`))) add(facts, 'date', m[1]!, m[0]);
  }
}

function isoDate(y: number, mon: number, day: number): string {
  return `${y}-${String(mon + 1).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}
