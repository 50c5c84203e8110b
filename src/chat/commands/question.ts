/**
 * Reads a question for `ask`: what kind of answer it wants (a date, an amount, a count,
 * names, or the developments of a period), the period it names, its action ("ratify",
 * "sign") and the words to search for. Pure: `now` anchors relative dates.
 */
import * as chronoEn from 'chrono-node/en';
import { extractActions, type Action } from '../../analysis/frame.js';
import { contentTerms } from '../../analysis/text.js';

export type QuestionKind = 'when' | 'amount' | 'count' | 'who' | 'where' | 'name' | 'happened' | 'other';

export interface Period {
  /** Inclusive bounds in ms. */
  from: number;
  to: number;
  /** As a reader would say it back: "January 2026", "1 May 2025 to 10 May 2025". */
  label: string;
  /** A month (and day) named without a year: "in June" means the June the coverage is about. */
  yearless?: { month: number; day?: number } | undefined;
}

export interface Question {
  text: string;
  kind: QuestionKind;
  /** Search keys of the question's content words, date words left out. */
  terms: string[];
  actions: Action[];
  period?: Period | undefined;
}

const DAY = 86_400_000;
const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
const MONTH_RE = `(?:${MONTHS.join('|')}|jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec)\\.?`;

/**
 * The kind is told by the first question phrase in the text ("How many …, and by when?"
 * wants a count first).
 */
const KINDS: Array<[RegExp, QuestionKind]> = [
  [/\b(when|what (date|day)|on what (date|day)|how soon)\b/i, 'when'],
  [/\b(how much|what (amount|sum|price|value)|what ([\w-]+ )?(revenue|fee|fine|price|cost|budget|wage|bonus|sales|profit|loss|valuation)s?\b|how (big|large) (is|was|a)|(to )?what (level|extent|degree))\b/i, 'amount'],
  [/\b(how many|what (number|percentage|share|stake|proportion)|how long)\b/i, 'count'],
  [/(^|[.?!]\s*)(who|whom|whose)\b|\bwhich ([a-z]+ )?(compan(y|ies)|firms?|person|people|countr(y|ies)|officials?|ministers?|consortium|banks?|investors?|groups?|members?|lawmakers|parties)\b/i, 'who'],
  [/(^|[.?!]\s*)where\b|\b(in |at )?which (city|court|country|state|town|venue|place|capital)\b|\bwhat (city|court|country|state|town|venue|place)\b/i, 'where'],
  // "Which deposit …": the name of one of a kind (people, bodies and places are asked above).
  [/\b(called|named|the name of|what name)\b|(^|[.?!]\s*)which\b/i, 'name'],
  [/\bwhat (has |have |had )?(happened|changed)\b|\b(latest|recent|newest|last) (development|news|update|event|step)s?\b|\bwhat('s| is| was) new\b|\bwhat developments\b|\bany (news|developments)\b/i, 'happened'],
];

/** Words that frame a question rather than name what it is about. */
const FRAME_WORDS = new Set([
  'happen', 'happened', 'latest', 'develop', 'update', 'recent', 'newest', 'last', 'past', 'ago', 'event', 'chang', 'know', 'tell',
  // "besides the government", "to what level": how the question is put, not what it is about.
  'besid', 'except', 'apart', 'els', 'instea', 'level', 'extent', 'degree',
]);

export function questionKind(text: string): QuestionKind {
  let best: { at: number; kind: QuestionKind } | undefined;
  for (const [re, kind] of KINDS) {
    const m = re.exec(text);
    if (m && (!best || m.index < best.at)) best = { at: m.index, kind };
  }
  return best?.kind ?? 'other';
}

/** Search keys: engine stems cut to six letters, so "ratification" meets "ratified". */
export function searchKey(term: string): string {
  return /^\d/.test(term) ? term : term.slice(0, 6);
}

export function searchKeys(text: string): string[] {
  return contentTerms(text).map(searchKey);
}

export function parseQuestion(text: string, now: Date): Question {
  const period = parsePeriod(text, now);
  const dateWords = new Set(searchKeys(period?.source ?? ''));
  const kind = questionKind(text);
  // "What is it called": the naming word asks for a name; it is not what the name is about.
  const naming = kind === 'name' ? new Set(['call', 'name']) : kind === 'where' ? new Set(['citi', 'city', 'town', 'venue', 'place', 'countr', 'state']) : new Set<string>();
  const terms = [...new Set(searchKeys(text))].filter((t) => !dateWords.has(t) && !FRAME_WORDS.has(t) && !isDateWord(t) && !naming.has(t));
  return { text, kind, terms, actions: extractActions(text), period: period?.period };
}

function isDateWord(t: string): boolean {
  return /^\d{4}$/.test(t) || MONTHS.some((m) => m.startsWith(t) && t.length >= 3) || /^(monday|tuesda|wednes|thursd|friday|saturd|sunday|yester|today|tonigh|tomorr)/.test(t);
}

interface Found {
  period: Period;
  /** The words that named it, left out of the search. */
  source: string;
}

/** The period a question names, if any: relative ("last week"), a range, a day, a month or a year. */
export function parsePeriod(text: string, now: Date): Found | undefined {
  const t = now.getTime();
  const rel = /\b(?:in |over |during )?(?:the )?(last|past|this) (week|month|year)\b|\b(?:in |over )?the (?:last|past) (\d{1,3}) (days?|weeks?|months?)\b|\b(yesterday|today)\b/i.exec(text);
  if (rel) {
    const n = rel[3] ? Number(rel[3]) : 1;
    const unit = (rel[2] ?? rel[4] ?? 'day').toLowerCase().replace(/s$/, '');
    const span = unit === 'week' ? 7 * DAY : unit === 'month' ? 31 * DAY : unit === 'year' ? 366 * DAY : DAY;
    if (rel[5]?.toLowerCase() === 'today') return found(startOfDay(t), t, 'today', rel[0]);
    if (rel[5]?.toLowerCase() === 'yesterday') return found(startOfDay(t) - DAY, startOfDay(t) - 1, 'yesterday', rel[0]);
    return found(t - n * span, t, rel[0].trim(), rel[0]);
  }
  // A comma before a year belongs to the date ("May 2, 2025").
  const range = new RegExp(`\\b(?:between|from) (.{1,40}?) (?:and|to|until) (.{1,40}?)(?=[?.!;]|,(?!\\s*(?:19|20)\\d\\d)|$)`, 'i').exec(text);
  if (range) {
    const both = dayRange(range[1]!, range[2]!, now);
    if (both) return found(both.from, both.to, `${dayLabel(both.from)} to ${dayLabel(both.to)}`, range[0]);
    const end = parseOne(range[2]!, now);
    if (end) {
      // "between 1 and 10 May 2025": the first end borrows the month and year of the second.
      const bare = /^\d{1,2}$/.exec(range[1]!.trim());
      const start = bare ? { from: Date.UTC(new Date(end.from).getUTCFullYear(), new Date(end.from).getUTCMonth(), Number(bare[0])), to: 0, label: '' } : parseOne(range[1]!, now);
      if (start && start.from <= end.to) return found(start.from, end.to, `${dayLabel(start.from)} to ${dayLabel(end.to)}`, range[0]);
    }
  }
  const since = /\b(since|after|before|until) (.{1,40}?)(?=[?.!,;]|$)/i.exec(text);
  if (since) {
    const p = parseOne(since[2]!, now);
    if (p && !p.yearless) {
      const word = since[1]!.toLowerCase();
      if (word === 'since' || word === 'after') return found(word === 'after' ? p.to + 1 : p.from, t, `since ${p.label}`, since[0]);
      return found(0, p.from - 1, `before ${p.label}`, since[0]);
    }
  }
  const one = parseOne(text, now);
  return one ? { period: one, source: one.source } : undefined;
}

/**
 * "29 April" and "2 May 2025" as one range, read by chrono as "29 April to 2 May 2025":
 * an end without a year takes the other's (a range that would end before it starts
 * began the year before), so the question's days are its range, not this year's.
 */
function dayRange(first: string, second: string, now: Date): { from: number; to: number } | undefined {
  const parsed = chronoEn.parse(`${first.trim()} to ${second.trim()}`, { instant: now }, { forwardDate: false })[0];
  const { start, end } = parsed ?? {};
  if (!start || !end || !start.isCertain('day') || !end.isCertain('day') || !start.isCertain('month') || !end.isCertain('month')) return undefined;
  // Neither end names its year: left to the yearless reading (the coverage's latest such days).
  if (!start.isCertain('year') && !end.isCertain('year')) return undefined;
  const day = (c: typeof start) => Date.UTC(c.get('year')!, c.get('month')! - 1, c.get('day')!);
  let from = day(start);
  const to = day(end) + DAY - 1;
  if (from > to && !start.isCertain('year')) from = Date.UTC(end.get('year')! - 1, start.get('month')! - 1, start.get('day')!);
  return from <= to ? { from, to } : undefined;
}

function found(from: number, to: number, label: string, source: string): Found {
  return { period: { from, to, label }, source };
}

/** One date expression: a day, a month or a year, with its extent. */
function parseOne(text: string, now: Date): (Period & { source: string }) | undefined {
  const year = new RegExp(`\\b(?:in|during|of|for|throughout)? ?((?:19|20)\\d\\d)\\b(?!\\s*[-/])`, 'i');
  const month = new RegExp(`\\b(${MONTH_RE})(?:,? ((?:19|20)\\d\\d))?\\b`, 'i');
  const parsed = chronoEn.parse(text, { instant: now }, { forwardDate: false })[0];
  if (parsed?.start.isCertain('weekday') && !parsed.start.isCertain('month')) {
    // "Monday": the latest one at or before now.
    const d = startOfDay(now.getTime()) - ((now.getUTCDay() - parsed.start.get('weekday')! + 7) % 7) * DAY;
    return { from: d, to: d + DAY - 1, label: dayLabel(d), source: parsed.text };
  }
  if (parsed?.start.isCertain('day')) {
    const s = parsed.start;
    const hasYear = s.isCertain('year');
    const y = hasYear ? s.get('year')! : now.getUTCFullYear();
    const from = Date.UTC(y, s.get('month')! - 1, s.get('day')!);
    return { from, to: from + DAY - 1, label: hasYear ? dayLabel(from) : dayLabel(from).replace(/ \d{4}$/, ''), yearless: hasYear ? undefined : { month: s.get('month')! - 1, day: s.get('day')! }, source: parsed.text };
  }
  const m = month.exec(text);
  // "may" is also a verb: a bare "may" counts only with a year or after "in/since/by".
  if (m && (m[2] || !/^may$/i.test(m[1]!) || /\b(in|since|by|during|of|early|late|mid|until|before|after) may\b/i.test(text))) {
    const mon = MONTHS.findIndex((x) => x.startsWith(m[1]!.toLowerCase().replace(/\.$/, '').slice(0, 3)));
    if (mon >= 0) {
      const y = m[2] ? Number(m[2]) : now.getUTCFullYear();
      const from = Date.UTC(y, mon, 1);
      const to = Date.UTC(y, mon + 1, 1) - 1;
      const name = MONTHS[mon]![0]!.toUpperCase() + MONTHS[mon]!.slice(1);
      return { from, to, label: m[2] ? `${name} ${y}` : name, yearless: m[2] ? undefined : { month: mon }, source: m[0] };
    }
  }
  const y = year.exec(text);
  if (y) {
    const n = Number(y[1]);
    return { from: Date.UTC(n, 0, 1), to: Date.UTC(n + 1, 0, 1) - 1, label: String(n), source: y[0] };
  }
  return undefined;
}

/** Whether a time falls in the period; a yearless period matches its month in any year. */
export function inPeriod(p: Period, time: number): boolean {
  if (Number.isNaN(time)) return false;
  if (!p.yearless) return time >= p.from && time <= p.to;
  const d = new Date(time);
  return d.getUTCMonth() === p.yearless.month && (p.yearless.day === undefined || d.getUTCDate() === p.yearless.day);
}

function startOfDay(t: number): number {
  return t - (t % DAY);
}

export function dayLabel(t: number): string {
  const d = new Date(t);
  const name = MONTHS[d.getUTCMonth()]!;
  return `${d.getUTCDate()} ${name[0]!.toUpperCase()}${name.slice(1)} ${d.getUTCFullYear()}`;
}
