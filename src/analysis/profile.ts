/**
 * prepare: everything the decision needs from one article, computed without any
 * shared state (so it can run on any worker): the clean headline, the lede, the
 * event frame, the terms, numbers and names of headline + lede, the genre, and the
 * event's date. The same code serves full text, a feed snippet and a bare headline.
 */
import type { Article } from '../domain/article.js';
import { extractNumberFacts, type Fact } from './facts.js';
import { MONTHS, NOT_ENTITIES, TITLES, WEEKDAYS } from './lexicon.js';
import { REACTION_VERBS } from './verbs.js';
import { extractActions, mainAction, restates, WORD, type Action } from './frame.js';
import { contentTerms, hash32, normalizeText, splitSentences, STOP_WORDS } from './text.js';
import { frameTags, type Tagged } from './nlp.js';

export type Genre = 'news' | 'opinion' | 'explainer' | 'timeline' | 'live' | 'analysis';

/** The article read: clean headline and sentences (enough to judge relevance). */
export interface ArticleText {
  id: string;
  title: string;
  url: string;
  source: string;
  /** Publication time in ms, NaN when the feed gave none. */
  time: number;
  headline: string;
  /** Body sentences, headline excluded. */
  body: string[];
  /** The lede: the first body sentences, where news says what happened. */
  lede: string[];
}

export interface Profile extends ArticleText {
  /** Content terms of headline + lede, plus number keys ("#money:usd:75000000"). */
  terms: string[];
  headlineTerms: string[];
  /** Capitalised words of headline + lede (lower case): names of people, places, bodies. */
  names: string[];
  actions: Action[];
  main: Action | undefined;
  facts: Fact[];
  genre: Genre;
  /** An explicit calendar date the lede gives for a past event (ms), if any. */
  eventTime: number | undefined;
  /** The headline or first sentence restates what is known ("X repeated that ..."). */
  restated: boolean;
  /** True when all we have is a headline. */
  headlineOnly: boolean;
  /** Hashes of the headline and the first sentence as words: a copy of either is the same report. */
  copyKeys: number[];
  /**
   * The development index's reading of the terms (term ids), cached by the index that made
   * it. A symbol key: JSON and structured copies of a profile (job data) leave it out.
   */
  [ENCODED]?: unknown;
}

export const ENCODED = Symbol('encoded');

/** How many body sentences make the lede. */
const LEDE_SENTENCES = 2;

const GENRE_PREFIX: Array<[RegExp, Genre]> = [
  [/^(opinion|op-ed|editorial|comment(ary)?|column|view(point)?|perspective|letters?|the big read|our view)\b/i, 'opinion'],
  [/^(explainer|explained|factbox|fact box|q\s?&\s?a|what we know|what to know|in depth|faq|briefing)\b/i, 'explainer'],
  [/^(timeline|chronology|looking back|a look back|the story so far|recap)\b/i, 'timeline'],
  [/^(live|live updates|as it happened|live blog)\b/i, 'live'],
  [/^(analysis|news analysis|insight|the big picture)\b/i, 'analysis'],
];
const GENRE_ANYWHERE: Array<[RegExp, Genre]> = [
  [/^(what|why|how)\b.*\b(means?|matters?|works?|happens? next|to expect|to know|is at stake|we know|teach(es)? us|lessons?)\b/i, 'explainer'],
  // A service piece ("How to watch the hearing"): it previews an event, it is not one.
  [/^how to (watch|follow|stream|listen)\b/i, 'explainer'],
  [/^why\b/i, 'analysis'],
  [/\b(explained|a timeline|timeline of|what we know|what you need to know|key questions|things to know)\b/i, 'explainer'],
];

export function detectGenre(headline: string): Genre {
  const h = headline.trim();
  // Only a label before a colon counts ("Analysis: ..."), not the word inside a headline.
  const label = /^([^:|]{2,40})[:|]/.exec(h)?.[1]?.trim();
  if (label && label.split(/\s+/).length <= 4) {
    for (const [re, g] of GENRE_PREFIX) if (re.test(label)) return g;
  }
  for (const [re, g] of GENRE_ANYWHERE) if (re.test(h)) return g;
  return 'news';
}

/** A body may open with the label ("Opinion.") or say what it is ("…, argues a commentary"). */
const BODY_LABEL = /^(opinion|analysis|commentary|editorial|explainer|comment|column)\.?$/i;
const ARGUES = /\b(argues|argued|op-ed|commentary|column(ist)?|editorial)\b/i;

function genreOf(headline: string, body: string[]): Genre {
  const fromHeadline = headline ? detectGenre(headline) : 'news';
  if (fromHeadline !== 'news') return fromHeadline;
  const first = body[0] ?? '';
  const label = BODY_LABEL.exec(first.trim())?.[1]?.toLowerCase();
  if (label) return label === 'explainer' ? 'explainer' : label === 'analysis' ? 'analysis' : 'opinion';
  return ARGUES.test(first) ? 'opinion' : 'news';
}

/** Removes an aggregator's " - Outlet" suffix and the outlet's name repeated after it. */
export function cleanHeadline(title: string, source: string): string {
  const t = normalizeText(title).trim();
  const m = /^(.{12,}?)\s+[-|]\s+([^-|]{2,60})$/.exec(t);
  if (!m) return t;
  const suffix = m[2]!.trim();
  const words = suffix.split(/\s+/);
  const looksLikeOutlet = words.length <= 5 && words.every((w) => /^[A-Z0-9]|^(the|of|and|de|la|le|news|online)$/i.test(w) && /^[A-Z0-9&.'’]/.test(w) || /\.[a-z]{2,}$/i.test(w));
  const sameAsSource = source !== '' && simplify(suffix) === simplify(source);
  return looksLikeOutlet || sameAsSource ? m[1]!.trim() : t;
}

function simplify(s: string): string {
  return s.toLowerCase().replace(/^www\./, '').replace(/\.(com|net|org|co|ua|uk|in|az|info|news|media)(\.[a-z]{2})?$/, '').replace(/[^a-z0-9]/g, '');
}

/** Body text without a repeated headline and without a trailing outlet name (headline-only feeds). */
function bodySentences(article: Article, headline: string): string[] {
  let text = normalizeText(article.content).trim();
  const rawTitle = normalizeText(article.title).trim();
  for (const t of [rawTitle, headline]) {
    if (t && text.startsWith(t)) {
      text = text.slice(t.length).trim();
      break;
    }
  }
  // What is left of a headline-only item is the outlet's name: short, so the checks stay cheap.
  if (text.length <= 80 && (simplify(text) === simplify(article.source) || (text.split(/\s+/).length <= 3 && /^[\w.-]+$/.test(text.replace(/\s+/g, ''))))) text = '';
  return splitSentences(text).filter((s) => s !== headline);
}

export interface PrepareOptions {
  /** Words of the story's concept groups: the story's subject, never its events. */
  concepts?: ReadonlySet<string>;
}

/** The story's concept words, as prepareArticle wants them. */
export function conceptWords(terms: string[]): Set<string> {
  const out = new Set<string>();
  for (const t of terms) {
    for (const w of t.toLowerCase().split(/[^a-z0-9]+/)) {
      if (w.length < 3) continue;
      out.add(w);
      // Plurals and the usual verb forms of a concept word ("bid", "bids"; "acquire", "acquires").
      out.add(`${w}s`);
      out.add(`${w}es`);
    }
  }
  return out;
}

export function prepareArticle(article: Article, opts: PrepareOptions = {}): Profile {
  return frameArticle(readArticle(article), opts);
}

/** Stage one: headline and sentences. An off-topic article needs no more. */
export function readArticle(article: Article): ArticleText {
  const headline = cleanHeadline(article.title, article.source);
  const body = bodySentences(article, headline);
  const time = article.publishedAt ? Date.parse(article.publishedAt) : Number.NaN;
  return { id: article.id, title: article.title, url: article.url, source: article.source, time, headline, body, lede: body.slice(0, LEDE_SENTENCES) };
}

/** The names of headline + lede (for an off-topic near miss, without the rest of the frame). */
export function articleNames(t: ArticleText, opts: PrepareOptions = {}): string[] {
  return namesOf(t.headline, t.lede, opts.concepts, t.headline ? headlineTags(t) : undefined);
}

const tagged = new WeakMap<ArticleText, Tagged>();

/** The headline tagged (in sentence case), once per article: names and the frame both read it. */
function headlineTags(t: ArticleText): Tagged | undefined {
  let tags = tagged.get(t);
  if (!tags) {
    tags = frameTags(sentenceCase(t.headline, t.body));
    if (tags) tagged.set(t, tags);
  }
  return tags;
}

/** Stage two: the frame, terms, numbers and names the decision compares. */
export function frameArticle(t: ArticleText, opts: PrepareOptions = {}, names = articleNames(t, opts)): Profile {
  const { headline, body, lede, time } = t;
  const publishedAt = Number.isNaN(time) ? undefined : new Date(time);
  const headlineActions = headline ? extractActions(headline, true, opts.concepts, headlineTags(t), body.length === 0) : [];
  // The frame is what the headline and the first sentence report; later sentences give background.
  // The tagger reads the first sentence only when the headline gave no verb to lead the frame.
  const ledeActions = lede.length ? extractActions(lede[0]!, false, opts.concepts, headlineActions.some((a) => a.verb) ? undefined : frameTags(lede[0]!)) : [];
  // Counts ("three officials") are mostly colour: the decision compares amounts, votes and dates.
  const main = mainAction(headlineActions, ledeActions);
  const leadFacts = [headline, lede[0] ?? ''].filter(Boolean).flatMap((s) => extractNumberFacts(s, { publishedAt }, false));
  // The event's own date is in the headline or the first sentence; later ones recall the background.
  const eventFacts = leadFacts.length;
  const facts = [...leadFacts, ...lede.slice(1).flatMap((s) => extractNumberFacts(s, { publishedAt }, false))];
  const headlineTerms = contentTerms(headline);
  const terms = [...headlineTerms, ...lede.flatMap((s) => contentTerms(s)), ...numberKeys(facts)];
  // Listed field by field (no spread): one object shape for every profile, built fast.
  return {
    id: t.id, title: t.title, url: t.url, source: t.source, time, headline, body, lede,
    terms,
    headlineTerms,
    names,
    actions: [...headlineActions, ...ledeActions],
    main,
    facts,
    genre: genreOf(headline, body),
    eventTime: eventTime(facts.slice(0, eventFacts), time),
    headlineOnly: body.length === 0,
    copyKeys: copyKeys(headline, lede[0]),
    restated: reacts(main) || [headline, lede[0] ?? ''].some((s) => s !== '' && MAY_RESTATE.test(s) && restates(s)),
    [ENCODED]: undefined,
  };
}

/**
 * A Title Case headline in sentence case, so a tagger reads its verbs as verbs: a word keeps
 * its capital only where the body writes it so too (a name), or it is an acronym.
 */
export function sentenceCase(headline: string, body: string[]): string {
  if (!isTitleCase(headline)) return headline;
  const names = new Set<string>();
  for (const s of body.slice(0, 6)) for (const m of s.matchAll(/(?<=\S\s+)[A-Z][a-z]+/g)) names.add(m[0]);
  let first = true;
  return headline.replace(/[A-Za-z][a-z']*/g, (w) => {
    const keep = first || names.has(w) || w.length === 1;
    first = false;
    return keep ? w : w.toLowerCase();
  });
}

/** Headlines in Title Case carry no capitalisation signal. */
export function isTitleCase(s: string): boolean {
  const long = s.match(/\b[A-Za-z][a-z]{3,}\b/g) ?? [];
  if (long.length < 4) return false;
  return long.filter((w) => /^[A-Z]/.test(w)).length / long.length >= 0.7;
}

/** Words and runs of other marks (a mark between two capitalised words ends a name). */
const NAME_TOKENS = new RegExp(`${WORD.source}|[^A-Za-z\\s]+`, 'g');

/**
 * Mid-sentence capitalised words, run by run; a run that holds a concept word is the
 * concept's own name ("Donald Trump", "Verkhovna Rada") and is left to the concept groups.
 * A Title Case headline says nothing about names.
 */
function namesOf(headline: string, lede: string[], concepts: ReadonlySet<string> | undefined, tags?: Tagged): string[] {
  // A headline opens with a capital whatever its first word: a name only if the tagger reads one.
  const firstIsName = tags ? tags.pos[0] === 'PROPN' : true;
  const titleCase = isTitleCase(headline);
  const out: string[] = [];
  // "Sources: ...", "FT: ...": a headline's label names who says it, not who acts.
  // A Title Case headline says nothing by its capitals, except its first word when the tagger,
  // reading it in sentence case, takes that for a name ("Textron Machinists Vote To Strike").
  const lead = titleCase && tags?.pos[0] === 'PROPN' ? [tags.words[0]!] : [];
  const texts = titleCase ? [...lead.map((w) => `The ${w}`), ...lede] : [headline.replace(/^[^:]{2,30}:\s+/, ''), ...lede];
  texts.forEach((t, k) => {
    // A closing quote ("'Call of Duty'") is no part of a word: it ends the name.
    const words = normalizeText(t).match(NAME_TOKENS) ?? [];
    let run: string[] = [];
    const flush = () => {
      // "US-Ukraine" is the concepts' name too.
      if (run.length && !run.some((w) => w.split('-').some((part) => concepts?.has(part)))) out.push(...run);
      run = [];
    };
    words.forEach((w, i) => {
      // A headline's first word is often a name ("Rada backs deal"); a lede's is usually not.
      const first = i === 0 && !(k === 0 && !titleCase && firstIsName);
      const c = w.charCodeAt(0);
      if (c < 65 || c > 90 || first) return flush();
      const lower = w.toLowerCase().replace(/'s$/, '');
      if (lower.length < 3 || NOT_ENTITIES.has(lower) || TITLES.has(lower) || STOP_WORDS.has(lower) || MONTHS.includes(lower) || WEEKDAYS.includes(lower)) return flush();
      run.push(lower);
    });
    flush();
  });
  return out;
}

/** Shorter than this, a headline or sentence is too generic to prove a copy. */
const COPY_MIN_WORDS = { headline: 5, sentence: 10 };

/** The headline and first sentence reduced to their words: what survives re-posting and re-dating. */
export function copyKeys(headline: string, first: string | undefined): number[] {
  const keys: number[] = [];
  // One key space: a re-post may use the original's first sentence as its headline.
  const add = (text: string, min: number) => {
    const w = text.toLowerCase().match(/[a-z0-9]+/g) ?? [];
    if (w.length >= min) keys.push(hash32(w.join(' ')));
  };
  add(headline, COPY_MIN_WORDS.headline);
  if (first) add(first, COPY_MIN_WORDS.sentence);
  return keys;
}

/** A report led by a reaction ("X welcomes", "Y slams") discusses an event; it is not one. */
function reacts(main: Action | undefined): boolean {
  return main !== undefined && main.action.startsWith('~') && REACTION_VERBS.has(main.action.slice(1));
}

/** A cheap test before the word-by-word one: most sentences restate nothing. */
const MAY_RESTATE = /\b(repeat|reiterat|reaffirm|restat|recall|insist|stress|remind|defend|recap)/i;

const NUMBER_KINDS = new Set<Fact['kind']>(['money', 'percent', 'vote', 'count']);

function numberKeys(facts: Fact[]): string[] {
  return facts.filter((f) => NUMBER_KINDS.has(f.kind)).map((f) => `#${f.key}`);
}

/**
 * The day the headline or first sentence gives for the event, when it lies before
 * publication: the latest such day (a fresh report's own event is the most recent it names).
 */
function eventTime(facts: Fact[], published: number): number | undefined {
  let best: number | undefined;
  for (const f of facts) {
    const m = /^date:(\d{4}-\d{2}-\d{2})$/.exec(f.key);
    if (!m || /^(on )?(monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b/i.test(f.text)) continue;
    const t = Date.parse(`${m[1]}T12:00:00Z`);
    if (!Number.isNaN(published) && t > published + 86_400_000) continue;
    if (best === undefined || t > best) best = t;
  }
  return best;
}
