/**
 * `ask`: answers from what the story knows (seed corpus and every relevant article
 * recorded since). The reply starts with one line built from the best report's own
 * words (its date, amount, count or names, and its headline), then 1-3 quotes with
 * outlet, date and link. Nothing is generated: every word is a quote or a label, and
 * when nothing matches well enough the reply says so.
 */
import { extractEntities, type NamedEntity } from '../../analysis/entities.js';
import { extractNumberFacts, type Fact } from '../../analysis/facts.js';
import { extractActions, type Action } from '../../analysis/frame.js';
import type { StoryDefinition } from '../../domain/story.js';
import { askIndex, score, type AskIndex, type Report, type SentenceHit } from './ask-index.js';
import type { CommandDeps } from './handlers.js';
import { whatHappened } from './happened.js';
import { dayLabel, inPeriod, parseQuestion, searchKeys, type Question } from './question.js';
import { inert } from '../text.js';

export type AskDeps = Pick<CommandDeps, 'store' | 'corpus'> & { story?: StoryDefinition | undefined; now?: (() => Date) | undefined };

export const NOTHING = 'Nothing in the coverage so far answers that. Try other words, or `/storywatch latest` for the newest developments.';
/** Share of the question's word weight the best match must contain. */
const MIN_COVERAGE = 0.4;
const MAX_QUOTE = 300;

/** `hidden`: feeds private to other channels, whose articles this caller may not be quoted. */
export async function answerQuestion(deps: AskDeps, question: string, hidden: Set<string> = new Set()): Promise<string> {
  const now = deps.now?.() ?? new Date();
  const q = parseQuestion(question, now);
  const ix = await askIndex(deps.store, deps.corpus);
  if (q.kind === 'happened' || (q.period && !q.terms.length)) return whatHappened(ix, q, hidden);
  if (!q.terms.length) return 'That question has no words to search for; ask about people, steps, amounts or dates.';
  const hits = ix.search(q.terms, hidden);
  const ranked = rank(hits, q);
  const top = ranked[0];
  if (!top || coverage(ix, q, top.hit) < MIN_COVERAGE) return NOTHING;
  const concepts = new Set(searchKeys((deps.story?.groups ?? []).flatMap((g) => g.terms).join(' ')));
  // The best-ranked hit that states what the question asks for, if it ranks close to the best.
  // Names are often listed in the sentence after the one that matches the question's words.
  const near = q.kind === 'who' || q.kind === 'name' ? 0.3 : 0.5;
  const answer = ranked.slice(0, 30)
    .map((r) => ({ ...r, evidence: evidenceOf(q, r.hit, concepts) }))
    .filter((r) => r.evidence && r.total >= top.total * near && coverage(ix, q, r.hit) >= MIN_COVERAGE)
    .sort((a, b) => b.total * b.evidence!.quality - a.total * a.evidence!.quality)[0];
  const lead = answer ?? { ...top, evidence: undefined };
  // A headline is already in the answer line: quote what its article says instead.
  const quotes = [lead.hit, ...ranked.filter((r) => r.total >= top.total * 0.6).map((r) => r.hit)]
    .map((h) => (h.pos === 0 ? bodyOf(h, q) : h))
    .filter((h, i, all) => all.findIndex((x) => x.text === h.text) === i).slice(0, 3);
  return [answerLine(q, lead.hit, lead.evidence), ...quotes.map(quote)].join('\n');
}

/** The body sentence of a headline hit's article that shares most of the question's words (else its lede). */
function bodyOf(hit: SentenceHit, q: Question): SentenceHit {
  const body = hit.report.sentences.slice(1);
  if (!body.length) return hit;
  let best = 0;
  let most = 0;
  body.forEach((s, i) => {
    const n = new Set(searchKeys(s).filter((t) => q.terms.includes(t))).size;
    if (n > most) [best, most] = [i, n];
  });
  return { ...hit, pos: best + 1, text: body[best]! };
}

interface Ranked {
  hit: SentenceHit;
  total: number;
}

/** Search score, raised when the sentence or its headline reports the question's action, or dates it in the question's period. */
function rank(hits: SentenceHit[], q: Question): Ranked[] {
  const wanted = new Set(q.actions.map((a) => a.action));
  return hits.map((hit) => {
    let total = score(hit);
    if (wanted.size) {
      const acts = [...actionsOf(hit.text, hit.pos === 0), ...actionsOf(hit.report.headline, true)].filter((a) => wanted.has(a.action));
      if (acts.some((a) => a.status === 'happened')) total *= 1.4;
      else if (acts.length) total *= 1.15;
    }
    if (q.period) {
      const dated = datesOf(hit).some((t) => inPeriod(q.period!, t)) || inPeriod(q.period, hit.report.eventTime);
      total *= dated ? 1.5 : 0.85;
    }
    return { hit, total };
  }).sort((a, b) => b.total - a.total || b.hit.report.n - a.hit.report.n);
}

/** How much of the question's word weight the hit (with its headline and the sentence before) contains. */
function coverage(ix: AskIndex, q: Question, hit: SentenceHit): number {
  const all = q.terms.reduce((a, t) => a + ix.weight(t), 0);
  const got = q.terms.filter((t) => hit.matched.has(t)).reduce((a, t) => a + ix.weight(t), 0);
  return all ? got / all : 0;
}

interface Evidence {
  /** The words that answer: "8 May 2025", "$75 million", "TechMet, Rock Holdings". */
  text: string;
  /** 1 for a direct answer; less for a weaker one (a weekday, an unnamed count, a lone name). */
  quality: number;
}

const CALENDAR = /^(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?$/i;

/** What in the sentence answers the question's kind, if anything. */
function evidenceOf(q: Question, hit: SentenceHit, concepts: Set<string>): Evidence | undefined {
  const publishedAt = Number.isNaN(hit.report.published) ? undefined : new Date(hit.report.published);
  switch (q.kind) {
    case 'when': {
      const date = extractNumberFacts(hit.text, { publishedAt }, false).find((f) => f.kind === 'date' && /^date:\d{4}-\d{2}(-\d{2})?$/.test(f.key));
      if (date) return { text: dateText(date), quality: 1 };
      // The headline or lede of a report its lede dates.
      if (hit.pos <= 2 && hit.report.eventText) return { text: dayLabel(hit.report.eventTime), quality: hit.report.eventExact ? 0.9 : 0.6 };
      return undefined;
    }
    case 'amount':
    case 'count': {
      const kinds = q.kind === 'amount' ? ['money', 'percent'] : ['count', 'vote', 'percent', 'duration', 'money'];
      const facts = extractNumberFacts(hit.text, { publishedAt }, true).filter((f) => kinds.includes(f.kind));
      if (!facts.length) return undefined;
      // The amount or count of what the question names: in the fact ("338 MPs") or next to it ("$55 a share").
      const near = facts.map((f) => ({ f, n: nearTerms(hit.text, f.text, q.terms) })).sort((a, b) => b.n - a.n);
      const best = near.filter((x) => x.n === near[0]!.n && x.n > 0).map((x) => x.f);
      return { text: (best.length ? best : facts).slice(0, 3).map((f) => f.text).join(', '), quality: best.length ? 1 : 0.8 };
    }
    case 'who':
    case 'name': {
      const asked = new Set(q.terms);
      // A name for the thing asked about holds its noun ("the joint fund" -> "... Investment Fund").
      const rank = (e: NamedEntity) => (q.kind === 'name' ? (searchKeys(e.text).some((t) => asked.has(t)) ? 1 : 0.5) : e.kind === 'person' || e.kind === 'org' ? 1 : 0.7);
      // "Who": people and bodies other than the story's own parties; "what is it called": any name.
      const names = extractEntities(hit.text)
        .filter((e) => !CALENDAR.test(e.text) && !searchKeys(e.text).every((t) => asked.has(t)))
        .filter((e) => q.kind === 'name' || !searchKeys(e.text).some((t) => concepts.has(t)))
        .sort((a, b) => rank(b) - rank(a));
      if (!names.length) return undefined;
      return { text: [...new Set(names.map((e) => e.text))].slice(0, 4).join(', '), quality: rank(names[0]!) };
    }
    default:
      return undefined;
  }
}

/** How many question words stand in a fact or within four words of it. */
function nearTerms(sentence: string, fact: string, terms: string[]): number {
  const at = sentence.indexOf(fact);
  if (at < 0) return 0;
  const before = sentence.slice(0, at).split(/\s+/).slice(-4).join(' ');
  const after = sentence.slice(at + fact.length).split(/\s+/).slice(0, 5).join(' ');
  return new Set(searchKeys(`${before} ${fact} ${after}`).filter((t) => terms.includes(t))).size;
}

/** "8 May 2025" for a full date, "May 2025" for a month, from the fact's normalised key. */
function dateText(f: Fact): string {
  const m = /^date:(\d{4})-(\d{2})(?:-(\d{2}))?$/.exec(f.key)!;
  const t = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3] ?? 1));
  return m[3] ? dayLabel(t) : dayLabel(t).replace(/^\d+ /, '');
}

function datesOf(hit: SentenceHit): number[] {
  const publishedAt = Number.isNaN(hit.report.published) ? undefined : new Date(hit.report.published);
  return extractNumberFacts(hit.text, { publishedAt }, false)
    .map((f) => /^date:(\d{4})-(\d{2})-(\d{2})$/.exec(f.key))
    .filter((m): m is RegExpExecArray => !!m)
    .map((m) => Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), 12));
}

const actionCache = new Map<string, Action[]>();
function actionsOf(text: string, headline: boolean): Action[] {
  const key = `${headline ? 'h' : 's'}${text}`;
  let hit = actionCache.get(key);
  if (!hit) {
    hit = extractActions(text, headline);
    if (actionCache.size > 5_000) actionCache.clear();
    actionCache.set(key, hit);
  }
  return hit;
}

/** The one-line answer: what answers (bold), then which report says so and when. */
function answerLine(q: Question, hit: SentenceHit, evidence: Evidence | undefined): string {
  const r = hit.report;
  const when = Number.isNaN(r.eventTime) ? '' : `, ${dayLabel(r.eventTime)}`;
  const facts = r.facts.filter((f) => /^(money|vote|percent|count):/.test(f)).map((f) => f.replace(/^\w+: /, '')).slice(0, 2);
  const tail = `${inert(r.headline)}${q.kind === 'when' && evidence ? '' : when}${facts.length ? `; ${facts.join(', ')}` : ''}`;
  if (evidence) return `*${evidence.text}* — ${tail}`;
  const missing = { when: 'no date', amount: 'no amount', count: 'no number', who: 'no names', name: 'no name' } as Record<string, string>;
  return missing[q.kind] ? `The coverage states ${missing[q.kind]} for that; closest: *${inert(r.headline)}*${when}` : `*${tail}*`;
}

export function quote(hit: { text: string; report: Report }): string {
  const r = hit.report;
  const text = hit.text.length > MAX_QUOTE ? `${hit.text.slice(0, MAX_QUOTE - 1)}…` : hit.text;
  const date = Number.isNaN(r.published) ? '' : `, ${dayLabel(r.published)}`;
  const link = /^https?:/.test(r.url) ? ` ${r.url}` : ' (seed corpus)';
  return `> ${inert(text)}\n— ${inert(r.source || 'unknown outlet')}${date}${link}`;
}
