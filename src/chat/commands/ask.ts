/**
 * `ask`: answers from what the story knows (seed corpus and every relevant article
 * recorded since). The reply starts with one line built from the best report's own
 * words (its date, amount, count or names, and its headline), then 1-3 quotes with
 * outlet, date and link. Nothing is generated: every word is a quote or a label, and
 * when nothing matches well enough the reply says so.
 */
import { extractEntities, type NamedEntity } from '../../analysis/entities.js';
import { extractNumberFacts, type Fact } from '../../analysis/facts.js';
import { tag } from '../../analysis/nlp.js';
import { extractPlaces } from '../../analysis/places.js';
import { extractActions, type Action } from '../../analysis/frame.js';
import type { StoryDefinition } from '../../domain/story.js';
import { askedCount } from './ask-numbers.js';
import { developmentDate, doneAsked, doneClause, matchDevelopments, namesGiven, type DevelopmentMatch } from './ask-match.js';
import { askIndex, score, type AskIndex, type Report, type SentenceHit } from './ask-index.js';
import type { CommandDeps } from './handlers.js';
import { whatHappened } from './happened.js';
import { dayLabel, inPeriod, parseQuestion, searchKeys, type Question } from './question.js';
import { inert } from '../text.js';

export type AskDeps = Pick<CommandDeps, 'store' | 'corpus'> & { story?: StoryDefinition | undefined; now?: (() => Date) | undefined };

export const NOTHING = 'Nothing in the coverage so far answers that. Try other words, or `/storywatch latest` for the newest developments.';
/** "What did they decide in their vote": what the lede of the development asked about says they did. */
function doneLead(q: Question, devs: DevelopmentMatch[], top: Ranked | undefined): (Ranked & { evidence: Evidence }) | undefined {
  const done = q.kind === 'other' && devs[0] ? doneClause(q, devs[0].reports) : undefined;
  if (!done) return undefined;
  const hit: SentenceHit = { report: done.report, pos: done.pos, text: done.report.sentences[done.pos]!, own: 0, headline: 0, before: 0, matched: new Set() };
  return { hit, total: top?.total ?? 0, evidence: { text: done.clause, quality: 1 } };
}

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
  const devs = matchDevelopments(ix, q, hits, hidden);
  const ranked = rank(hits, q, devs);
  const top = ranked[0];
  const concepts = new Set(searchKeys((deps.story?.groups ?? []).flatMap((g) => g.terms).join(' ')));
  if (!top || coverage(ix, q, top.hit) < MIN_COVERAGE) return fromLedes(q, devs, concepts) ?? NOTHING;
  // The best-ranked hit that states what the question asks for, if it ranks close to the best.
  // Names are often listed in the sentence after the one that matches the question's words.
  const near = q.kind === 'who' || q.kind === 'name' || q.kind === 'where' ? 0.3 : 0.5;
  const answer = bestEvidence(ranked.slice(0, 30).filter((r) => r.total >= top.total * near && coverage(ix, q, r.hit) >= MIN_COVERAGE), q, concepts);
  if (!answer && q.kind !== 'when' && q.kind !== 'other') {
    // What the best sentences do not state, a matching development's headline or lede may.
    const fromDev = fromLedes(q, devs, concepts, true);
    if (fromDev) return fromDev;
  }
  const lead = q.kind === 'when' ? whenOf(q, devs, answer ?? top) : answer ?? doneLead(q, devs, top) ?? { ...top, evidence: undefined };
  // A headline is already in the answer line: quote what its article says instead.
  const quotes = [lead.hit, ...ranked.filter((r) => r.total >= top.total * 0.6).map((r) => r.hit)]
    .map((h) => (h.pos === 0 ? bodyOf(h, q) : h))
    .filter((h, i, all) => all.findIndex((x) => x.text === h.text) === i).slice(0, 3);
  // "What did the judge decide": the development's own headline too, from the report that opened it.
  const opener = !lead.evidence && q.kind === 'other' ? (ix.developments.get(lead.hit.report.developmentId) ?? []).find((r) => r.novel && !hidden.has(r.feedId)) : undefined;
  const line = `${answerLine(q, lead.hit, lead.evidence)}${opener && opener !== lead.hit.report && opener.headline !== lead.hit.report.headline ? ` (development: ${inert(opener.headline)})` : ''}`;
  return [line, ...quotes.map(quote)].join('\n');
}

/**
 * The hit whose score times the quality of its evidence is highest. Hits come best first and
 * quality is at most 1, so reading stops once a hit's score cannot beat the best found: the
 * evidence (which tags the sentence) is read for few hits.
 */
function bestEvidence(ranked: Ranked[], q: Question, concepts: Set<string>): (Ranked & { evidence: Evidence }) | undefined {
  let best: (Ranked & { evidence: Evidence }) | undefined;
  for (const r of ranked) {
    if (best && r.total <= best.total * best.evidence.quality) break;
    const evidence = evidenceOf(q, r.hit, concepts);
    if (evidence && (!best || r.total * evidence.quality > best.total * best.evidence.quality)) best = { ...r, evidence };
  }
  return best;
}

/** Share of the question's words a development's headlines and ledes must hold to answer from them alone. */
const MIN_DEVELOPMENT_MATCH = 0.35;

/**
 * No single sentence holds enough of the question's words, but a development's headlines
 * and ledes may ("what did the machinists decide in their vote on 4 November"): answer from
 * the best such development (dated in the question's period, if it names one) before saying
 * nothing answers.
 */
function fromLedes(q: Question, devs: DevelopmentMatch[], concepts: Set<string>, evidenceOnly = false): string | undefined {
  const fits = devs.filter((d) => d.score >= MIN_DEVELOPMENT_MATCH && (!q.period || d.reports.some((r) => inPeriod(q.period!, r.eventTime)))).slice(0, 3);
  if (!fits.length) return undefined;
  const ledes = (d: DevelopmentMatch): SentenceHit[] => d.reports.flatMap((report) => report.sentences.slice(0, 3)
    .map((text, pos) => ({ report, pos, text, own: 0, headline: 0, before: 0, matched: new Set<string>() })));
  for (const d of fits) {
    for (const hit of ledes(d)) {
      const evidence = evidenceOf(q, hit, concepts);
      if (evidence && evidence.quality >= 0.8) return [answerLine(q, hit, evidence), quote(hit.pos === 0 ? bodyOf(hit, q) : hit)].join('\n');
    }
  }
  if (evidenceOnly) return undefined;
  const done = doneLead(q, fits, undefined);
  if (done) return [answerLine(q, done.hit, done.evidence), quote(done.hit)].join('\n');
  const opener = fits[0]!.reports.find((r) => r.novel) ?? fits[0]!.reports[0]!;
  const hit = { report: opener, pos: 0, text: opener.headline, own: 0, headline: 0, before: 0, matched: new Set<string>() };
  return [answerLine(q, hit, undefined), quote(bodyOf(hit, q))].join('\n');
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

/**
 * Search score, raised when the sentence or its headline reports the question's action, or
 * dates it in the question's period, and lowered as far as its development matches the
 * question less well than the best one (a sentence about another event shares words too).
 */
function rank(hits: SentenceHit[], q: Question, devs: DevelopmentMatch[]): Ranked[] {
  const wanted = new Set(q.actions.map((a) => a.action));
  const best = devs[0]?.score ?? 0;
  // A question about an event is answered from that event's development; one about a party
  // or a term ("who is the union's president") from any report that states it.
  const aboutEvent = q.kind === 'when' || q.actions.some((a) => a.status === 'happened') || doneAsked(q).size > 0;
  const match = new Map(devs.map((d) => [d.id, best && aboutEvent ? d.score / best : 1]));
  return hits.map((hit) => {
    let total = score(hit) * (match.get(hit.report.developmentId) ?? 1);
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

/** An amount said as a magnitude, not a figure: "single-digit millions", "hundreds of millions of dollars". */
const MAGNITUDE = /\b(?:(?:single|double|triple)[- ]digit|tens of|hundreds of) (?:thousands|millions|billions)\b(?: of (?:dollars|euros|pounds))?/i;

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
      // "How many": the number that does the asked verb or counts the asked noun, by the tagger.
      const counted = q.kind === 'count' && /\bhow many\b/i.test(q.text) ? askedCount(hit.text, q.text) : undefined;
      if (counted) return { text: counted.text, quality: 1 };
      const facts = extractNumberFacts(hit.text, { publishedAt }, true).filter((f) => kinds.includes(f.kind));
      if (!facts.length) {
        const said = q.kind === 'amount' ? MAGNITUDE.exec(hit.text) : null;
        return said ? { text: said[0], quality: 0.8 } : undefined;
      }
      // The amount or count of what the question names: in the fact ("338 MPs") or next to it ("$55 a share").
      const near = facts.map((f) => ({ f, n: nearTerms(hit.text, f.text, q.terms) })).sort((a, b) => b.n - a.n);
      const best = near.filter((x) => x.n === near[0]!.n && x.n > 0).map((x) => x.f);
      return { text: (best.length ? best : facts).slice(0, 3).map((f) => f.text).join(', '), quality: best.length ? 1 : 0.8 };
    }
    case 'name': {
      const asked = new Set(q.terms);
      // A name for the thing asked about holds its noun ("the joint fund" -> "... Investment Fund")
      // or stands before it ("the Dobra lithium site").
      const rank = (e: NamedEntity) => {
        if (searchKeys(e.text).some((t) => asked.has(t))) return 1;
        const at = hit.text.indexOf(e.text);
        const next = at < 0 ? [] : searchKeys(hit.text.slice(at + e.text.length).split(/\s+/).slice(0, 3).join(' '));
        return next.some((t) => asked.has(t)) ? 0.9 : 0.5;
      };
      const names = extractEntities(hit.text).filter((e) => !CALENDAR.test(e.text) && !searchKeys(e.text).every((t) => asked.has(t))).sort((a, b) => rank(b) - rank(a));
      if (!names.length) return undefined;
      return { text: [...new Set(names.map((e) => e.text))].slice(0, 4).join(', '), quality: rank(names[0]!) };
    }
    case 'who':
      return whoIn(q, hit.text, concepts);
    case 'where': {
      // "Which court" wants a court; "which city" or "where" a place that is not one.
      const court = /\bcourt\b/i.test(q.text);
      const asked = new Set(q.terms);
      const places = extractPlaces(hit.text)
        .filter((p) => !searchKeys(p.text).every((t) => asked.has(t) || concepts.has(t)))
        .sort((a, b) => Number(b.court === court) - Number(a.court === court));
      if (!places.length) return undefined;
      return { text: places.slice(0, 2).map((p) => p.text).join(', '), quality: places[0]!.court === court ? 1 : 0.6 };
    }
    case 'other':
      return /^\W*what (did|does|do|has|have|will)\b/i.test(q.text) ? objectOf(q, hit) : undefined;
    default:
      return undefined;
  }
}

/** Tags a noun phrase may hold ("a memorandum", "the Dobra lithium site"). */
const PHRASE = new Set(['DET', 'ADJ', 'NOUN', 'PROPN', 'NUM']);
const TIME_WORDS = /^(today|tonight|tomorrow|yesterday|now|week|month|year|morning|afternoon|evening|night|weekend)$/i;

/**
 * "What did Kyiv and Washington sign?": what the sentence reports the asked action done to,
 * the noun phrase after the verb that reports it ("had signed a memorandum as a first step").
 */
function objectOf(q: Question, hit: SentenceHit): Evidence | undefined {
  // "What did <subject> <verb>": the verb stands bare after its subject ("the union sign"), where
  // the frame's position rules do not take it for one; read each word after the auxiliary as a verb.
  const after = q.text.replace(/^\W*what (did|does|do|has|have|will)\s+/i, '').split(/\s+/);
  const asked = [...q.actions, ...after.flatMap((w) => extractActions(`to ${w.replace(/\W+$/, '')}`))]
    .filter((a) => a.verb && a.status !== 'failed').map((a) => a.action);
  if (!asked.length) return undefined;
  const act = actionsOf(hit.text, hit.pos === 0).find((a) => a.verb && a.status === 'happened' && asked.includes(a.action));
  if (!act) return undefined;
  const t = tag(hit.text);
  const at = t.words.findIndex((w) => w.toLowerCase() === act.word.split(' ').pop());
  if (at < 0) return undefined;
  const words: string[] = [];
  for (let i = at + 1; i < t.words.length && words.length < 6 && PHRASE.has(t.pos[i]!); i++) words.push(t.words[i]!);
  // "vote today": a time is not what was acted on.
  if (!words.some((w, i) => /^(NOUN|PROPN)$/.test(t.pos[at + 1 + i]!) && !TIME_WORDS.test(w) && !CALENDAR.test(w))) return undefined;
  return { text: words.join(' '), quality: 1 };
}

/**
 * "When did X happen": the date of the development the question is about, from the report of
 * it that states the date, unless the question names a period (then the sentence's own date).
 */
function whenOf(q: Question, devs: DevelopmentMatch[], fallback: Ranked & { evidence?: Evidence | undefined }): Ranked & { evidence?: Evidence | undefined } {
  const dev = firstTelling(q, devs);
  // "By what date …", "the deadline": a date the coverage states, not the day of the news.
  const stated = /\bby (what|which) (date|day)\b|\bby when\b|\bdeadline\b|\buntil when\b|\bdue\b/i.test(q.text);
  const date = dev && !q.period && !stated ? developmentDate(dev.reports) : undefined;
  if (!dev || !date) return fallback;
  const report = dev.reports.find((r) => Math.floor(r.eventTime / 86_400_000) === Math.floor(date.time / 86_400_000)) ?? dev.reports[0]!;
  const hit: SentenceHit = { report, pos: 0, text: report.headline, own: 0, headline: 0, before: 0, matched: new Set() };
  return { hit, total: fallback.total, evidence: { text: dayLabel(date.time), quality: date.exact ? 1 : 0.8 } };
}

/** Developments that match nearly as well as the best one (its event in other words) and lead with its event are one event told twice. */
const SAME_EVENT_MATCH = 0.7;

/**
 * "When did X happen": the first report of X, when X was opened as a development more than
 * once (its event and every name the question gives in its headlines and ledes).
 */
function firstTelling(q: Question, devs: DevelopmentMatch[]): DevelopmentMatch | undefined {
  const best = devs[0];
  if (!best) return undefined;
  const names = searchKeys(namesGiven(q));
  const told = (d: DevelopmentMatch) => d.reports.slice(0, 3);
  const events = (d: DevelopmentMatch) => new Set(told(d).flatMap((r) => extractActions(r.headline, true)).filter((a) => a.verb).map((a) => a.action));
  const namesAll = (d: DevelopmentMatch) => {
    const keys = new Set(told(d).flatMap((r) => searchKeys([r.headline, ...r.sentences.slice(1, 3)].join(' '))));
    return names.every((n) => keys.has(n));
  };
  const own = events(best);
  const same = devs.filter((d) => d === best || (d.score >= best.score * SAME_EVENT_MATCH && namesAll(d) && [...events(d)].some((a) => own.has(a))));
  const at = (d: DevelopmentMatch) => developmentDate(d.reports)?.time ?? Number.POSITIVE_INFINITY;
  return same.reduce((a, b) => (at(b) < at(a) ? b : a));
}

/** "Which company / country / bank" asks for a body; "who" for a person first. */
const BODY_ASKED = /\bwhich (\w+ )?(compan|firm|countr|bank|investor|group|consortium|part|court|bod|agenc|organi|union)/i;
/** Outlets are who reported, not who acted. */
const OUTLET = /\b(times|post|journal|news|reuters|bloomberg|axios|forbes|register|press|wire|telegram)$/i;
/** A role or a reporting verb next to a name says it is a person acting ("DOJ lawyer Kenneth Dintzer said"). */
const ROLE_BEFORE = /\b(lawyer|attorney|counsel|chief|ceo|president|secretary|judge|minister|spokes\w+|official|director|chair\w*|officer|negotiator|executive|head|leader|commissioner|senator|representative|founder|economist|analyst),?\s+$/i;
const CUE_AFTER = /^('s)?\s*(,\s*(the|a|an|its|his|her|who|[a-z]+'s|said|says|told)\b|said\b|says\b|told\b|testified\b|wrote\b|added\b|argued\b)/;

/**
 * "Who": people and bodies the sentence names other than the story's own parties, places
 * and outlets; a person named with a role or a reporting verb first (or a body, when the
 * question asks for one).
 */
function whoIn(q: Question, sentence: string, concepts: Set<string>): Evidence | undefined {
  const asked = new Set(q.terms);
  const body = BODY_ASKED.test(q.text);
  const places = extractPlaces(sentence).map((p) => p.text);
  const tagged = tag(sentence);
  const properNoun = (w: string) => tagged.words.some((x, i) => x === w && tagged.pos[i] === 'PROPN');
  const rank = (e: NamedEntity): number => {
    const at = sentence.indexOf(e.text);
    const after = sentence.slice(at + e.text.length);
    // The subject of the asked verb ("Slovakia called for a vote") is who did it.
    const doer = searchKeys(after.split(/\s+/).slice(0, 4).join(' ')).some((t) => asked.has(t));
    const cued = at >= 0 && (ROLE_BEFORE.test(sentence.slice(Math.max(0, at - 40), at)) || CUE_AFTER.test(after) || doer);
    if (body) return e.kind === 'org' || cued ? 1 : e.kind === 'name' ? 0.7 : 0.5;
    if (e.kind === 'org') return 0.6;
    // A person's name starts with a proper noun; "Revised Proposed Final Judgment" does not.
    if (e.kind === 'person' && !properNoun(e.text.split(' ')[0]!)) return 0.3;
    if (e.kind === 'person') return cued ? 1 : 0.5;
    return cued ? 0.8 : 0.35;
  };
  const names = extractEntities(sentence)
    .filter((e) => !CALENDAR.test(e.text) && !places.some((p) => p.includes(e.text) || e.text.includes(p)) && !OUTLET.test(e.text))
    .filter((e) => !searchKeys(e.text).every((t) => asked.has(t)) && !searchKeys(e.text).some((t) => concepts.has(t)))
    .sort((a, b) => rank(b) - rank(a));
  if (!names.length) return undefined;
  return { text: [...new Set(names.map((e) => e.text))].slice(0, 4).join(', '), quality: rank(names[0]!) };
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
  if (evidence) return `*${inert(evidence.text)}* — ${tail}`;
  const missing = { when: 'no date', amount: 'no amount', count: 'no number', who: 'no names', where: 'no place', name: 'no name' } as Record<string, string>;
  return missing[q.kind] ? `The coverage states ${missing[q.kind]} for that; closest: *${inert(r.headline)}*${when}` : `*${tail}*`;
}

export function quote(hit: { text: string; report: Report }): string {
  const r = hit.report;
  const text = hit.text.length > MAX_QUOTE ? `${hit.text.slice(0, MAX_QUOTE - 1)}…` : hit.text;
  const date = Number.isNaN(r.published) ? '' : `, ${dayLabel(r.published)}`;
  const link = /^https?:/.test(r.url) ? ` ${r.url}` : ' (seed corpus)';
  return `> ${inert(text)}\n— ${inert(r.source || 'unknown outlet')}${date}${link}`;
}
