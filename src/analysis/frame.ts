/**
 * The event frame of a headline or lede sentence: which actions it reports and in what
 * status (happened, planned, failed). "Ukraine ready to sign deal" is sign/planned;
 * "Kyiv and Washington sign deal" is sign/happened; "deal hit by last-minute delay" is a
 * setback. Verbs outrank nouns, and reporting verbs ("says", "told") are skipped so the
 * frame is the event, not the quote. Pure and cheap: one pass over the words.
 */
import { ACTIONS, BY_OBJECT, LIGHT_VERBS, NEGATION_MARKERS, PLANNED_MARKERS, REPORTING_VERBS, RESTATEMENT_VERBS } from './verbs.js';
import { normalizeText, stem } from './text.js';
import type { Tagged } from './nlp.js';

export type Status = 'happened' | 'planned' | 'failed';

export interface Action {
  /** Action class from the lexicon, e.g. "sign", "ratify", "suspend". */
  action: string;
  status: Status;
  /** The word(s) that report it. */
  word: string;
  /** From a verb (true) or a noun naming the event (false). */
  verb: boolean;
  /** What the action acts on: the next content word, stemmed ("memorandum", "tender"). */
  object: string;
}

interface Form {
  action: string;
  verb: boolean;
  length: number;
  /** The whole phrase ("takes effect"): a phrase matches only as itself. */
  phrase: string;
}

const FORMS = new Map<string, Form[]>();
for (const [action, entry] of Object.entries(ACTIONS)) {
  for (const [list, verb] of [[entry.verbs, true], [entry.nouns ?? [], false]] as const) {
    for (const phrase of list) {
      const first = phrase.split(' ')[0]!;
      const forms = FORMS.get(first) ?? [];
      forms.push({ action, verb, length: phrase.split(' ').length, phrase });
      FORMS.set(first, forms);
    }
  }
}
// Longest phrase first ("entered into force" before "entered"), sorted once.
for (const forms of FORMS.values()) forms.sort((a, b) => b.length - a.length);

/** Words after which a verb form is a noun or adjective ("the fund", "a joint launch"). */
const NOUN_CONTEXT = new Set([
  'the', 'a', 'an', 'its', 'their', 'his', 'her', 'our', 'this', 'that', 'these', 'those', 'of', 'for', 'in',
  'into', 'from', 'with', 'joint', 'new', 'first', 'each', 'every', 'any', 'no', 'investment', 'own', 'whose',
]);

/** Verbs that are nearly always nouns in news copy unless "to" or a subject pins them. */
const WEAK_BASE_FORMS = new Set(['fund', 'back', 'name', 'order', 'present', 'table', 'draft', 'close', 'open', 'start', 'pay', 'hand', 'file', 'charge', 'rule', 'sentence', 'bar', 'found', 'win', 'offer', 'exit', 'review', 'appeal', 'probe', 'ban', 'delay', 'halt', 'freeze', 'pause', 'stall', 'row', 'vote', 'meet', 'seal', 'pick', 'grant', 'award', 'launch', 'collapse', 'challenge', 'release', 'transfer', 'finance', 'complete', 'commit', 'want', 'seek', 'state', 'sign']);

/** A word: letters, with an apostrophe or hyphen only between letters (a closing quote is no part of it). */
export const WORD = /[A-Za-z]+(?:['-][A-Za-z]+)*/;
const WORD_RE = new RegExp(WORD.source, 'g');

export function tokens(text: string): string[] {
  return normalizeText(text).toLowerCase().match(WORD_RE) ?? [];
}

/** Auxiliaries: "was signed by" is an event; "a fund set up by" describes the fund. */
const AUXILIARIES = new Set(['is', 'was', 'were', 'are', 'be', 'been', 'being', 'has', 'have', 'had', 'get', 'got', 'gets']);

/** Parts of speech a tagger gives a word that may still be a headline's verb ("US and Ukraine sign deal"). */
const MISTAGGED_VERB = new Set(['NOUN', 'PROPN', 'ADJ', 'ADV']);

/**
 * Every action a sentence reports, in text order.
 * @param headline headlines drop auxiliaries ("Deal signed by Rada"), so no passive check there.
 * @param tagged the sentence tagged (nlp.tag): verbs the lexicon does not list are events
 *   too ("Boeing workers walk off the job"), named by their lemma.
 * @param alone the headline is all the text there is: no lede verb can stand in when the
 *   tagger reads the headline's verb as a noun.
 */
export function extractActions(text: string, headline = false, ignore?: ReadonlySet<string>, tagged?: Tagged, alone = false): Action[] {
  const raw = tagged ? tagged.words.filter((_, i) => tagged.pos[i] !== 'PUNCT' && tagged.pos[i] !== 'SPACE') : normalizeText(text).match(WORD_RE) ?? [];
  const pos = tagged ? tagged.pos.filter((p) => p !== 'PUNCT' && p !== 'SPACE') : undefined;
  const lemmas = tagged ? tagged.lemmas.filter((_, i) => tagged.pos[i] !== 'PUNCT' && tagged.pos[i] !== 'SPACE').map((l) => l.toLowerCase()) : undefined;
  const words = raw.map((w) => w.toLowerCase());
  const owned = tagged ? afterPossessive(tagged) : undefined;
  const capitalised = raw.map((w, i) => i > 0 && w.charCodeAt(0) >= 65 && w.charCodeAt(0) <= 90);
  const out: Action[] = [];
  const decided = decisions(words);
  // A headline with no body, the tagger finding no verb in it: its "X forces Y" verb was read
  // as a plural noun (with a body, the lede's verb leads the frame instead).
  const verbless = alone && pos !== undefined && !pos.includes('VERB');
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    // The story's own subject ("acquisition" in a merger story) names the story, not an event.
    if (REPORTING_VERBS.has(w) || ignore?.has(w) || decided.has(i)) continue;
    // "workers' resolve holds": what someone's is a thing, whatever the tagger says.
    if (owned?.has(i)) continue;
    // Any inflection the lexicon does not list ("ratifying") is found by its lemma.
    const form = matchForm(words, i) ?? (lemmas && pos?.[i] === 'VERB' ? matchForm(lemmas, i) : undefined);
    if (!form) {
      const open = pos && lemmas ? openAction(words, raw, pos, lemmas, i, ignore, verbless) : undefined;
      if (open) out.push(decidedAt(open, decided, i));
      continue;
    }
    // The tagger reads a sentence better than the position rules, except in headlines, where it takes verbs for nouns.
    if (pos && form.verb && pos[i] === 'VERB' && form.length === 1) {
      out.push(decidedAt({ action: byObject(words, i, form.action), status: statusOf(words, i, true, form.action), word: w, verb: true, object: objectAfter(words, i + 1) }, decided, i));
      continue;
    }
    if (pos && form.length === 1 && !(headline && MISTAGGED_VERB.has(pos[i]!)) && pos[i] !== 'VERB' && form.verb && !(ACTIONS[form.action]!.nouns ?? []).includes(w)) continue;
    const prev = words[i - 1];
    let verb = form.verb;
    if (verb && prev !== undefined && NOUN_CONTEXT.has(prev)) verb = false;
    if (verb && !headline && words[i + form.length] === 'by' && prev !== undefined && !AUXILIARIES.has(prev)) verb = false;
    if (verb && form.length === 1 && WEAK_BASE_FORMS.has(w) && prev !== 'to' && !subjectBefore(words, capitalised, i)) verb = false;
    // A verb form in a noun position is not an event unless the lexicon also lists it as a noun.
    if (!verb && form.verb && !(ACTIONS[form.action]!.nouns ?? []).includes(w)) {
      i += form.length - 1;
      continue;
    }
    // "gives final approval", "held talks": a light verb and the event's noun report it done.
    if (!verb && words.slice(Math.max(0, i - 3), i).some((b) => DONE_LIGHT.has(b))) verb = true;
    out.push(decidedAt({
      action: byObject(words, i, form.action),
      status: statusOf(words, i, verb, form.action),
      word: words.slice(i, i + form.length).join(' '),
      verb,
      object: objectAfter(words, i + form.length),
    }, decided, i));
    i += form.length - 1;
  }
  return out;
}

/** Positions (among words, punctuation left out) right after a possessive: "Boeing's", "workers'". */
function afterPossessive(tagged: Tagged): Set<number> {
  const out = new Set<number>();
  let n = 0;
  let prev = '';
  for (let k = 0; k < tagged.words.length; k++) {
    const w = tagged.words[k]!;
    const p = tagged.pos[k];
    const possessive = /^['’]s$/i.test(prev) || (/^['’]$/.test(prev) && /s$/i.test(tagged.words[k - 2] ?? ''));
    if (p === 'PUNCT' || p === 'SPACE') {
      prev = w;
      continue;
    }
    if (possessive) out.add(n);
    n++;
    prev = w;
  }
  return out;
}

/** Verbs whose "to" clause is what was decided: "agree to extend talks" extends them. */
const DECIDED_TO = new Set(['agree', 'agrees', 'agreed', 'vote', 'votes', 'voted', 'decide', 'decides', 'decided', 'opt', 'opts', 'opted', 'resolve', 'resolves', 'resolved']);

/** Positions of such verbs: the event is the verb after their "to", not they. */
function decisions(words: string[]): Set<number> {
  const out = new Set<number>();
  for (let i = 0; i < words.length - 2; i++) if (DECIDED_TO.has(words[i]!) && words[i + 1] === 'to') out.add(i);
  return out;
}

/** The action a decision verb governs (two words before: "voted to strike") was decided, not merely planned. */
function decidedAt(a: Action, decided: Set<number>, i: number): Action {
  return decided.has(i - 2) && a.status === 'planned' ? { ...a, status: 'happened' } : a;
}

/** Parts of speech that open the object of a headline's verb ("forces Google's", "guarantees an"). */
const OBJECT_OPENS = new Set(['PROPN', 'DET', 'ADJ', 'NUM', 'PRON']);

/** "Judge forces Google's ...", "Deal guarantees American CEO": a present-tense verb between a subject and its object, read as a plural noun. */
function nounReadVerb(raw: string[], pos: string[], i: number): boolean {
  return pos[i] === 'NOUN' && /^[a-z]+[^s]s$/.test(raw[i] ?? '') && i > 0 && (pos[i - 1] === 'PROPN' || pos[i - 1] === 'NOUN') && OBJECT_OPENS.has(pos[i + 1] ?? '');
}

/**
 * A verb the lexicon does not list, as the tagger read it: an event of its own kind, named
 * by its lemma. Auxiliaries, light verbs ("take", "show") and reporting verbs say nothing of the event.
 */
function openAction(words: string[], raw: string[], pos: string[], lemmas: string[], i: number, ignore?: ReadonlySet<string>, verbless = false): Action | undefined {
  // An acronym ("DOT launches") is a name the tagger misread.
  if ((pos[i] !== 'VERB' && !(verbless && nounReadVerb(raw, pos, i))) || /^[A-Z]{2,}$/.test(raw[i] ?? '')) return undefined;
  const lemma = lemmas[i]!;
  if (lemma.length < 3 || LIGHT_VERBS.has(lemma) || REPORTING_VERBS.has(lemma) || REPORTING_VERBS.has(words[i]!) || ignore?.has(words[i]!) || ignore?.has(lemma)) return undefined;
  // "expected to", "recommend ratifying": the verb after it is the event; this one only marks it planned.
  if (PLANNED_MARKERS.has(words[i]!) && (words[i + 1] === 'to' || (pos[i + 1] === 'VERB' && matchForm(lemmas, i + 1)))) return undefined;
  return { action: `~${lemma}`, status: statusOf(words, i, true, ''), word: words[i]!, verb: true, object: objectAfter(words, i + 1) };
}

/** The action of a verb whose sense depends on its object ("file a lawsuit", "strike a deal"). */
function byObject(words: string[], i: number, action: string): string {
  const rule = BY_OBJECT[words[i]!];
  if (!rule) return action;
  for (let j = i + 1; j < Math.min(words.length, i + 5); j++) if (rule.objects.test(words[j]!)) return rule.action;
  return rule.otherwise ?? action;
}

function matchForm(words: string[], i: number): Form | undefined {
  const candidates = FORMS.get(words[i]!);
  if (!candidates) return undefined;
  for (const f of candidates) {
    if (f.length === 1 || words.slice(i, i + f.length).join(' ') === f.phrase) return f;
  }
  return undefined;
}

/** A plural or proper subject right before a base form makes it a verb ("Kyiv and Washington sign"). */
function subjectBefore(words: string[], capitalised: boolean[], i: number): boolean {
  const prev = words[i - 1];
  if (!prev) return false;
  if (capitalised[i - 1] && !capitalised[i]) return true;
  // A plural noun right before a base form is its subject: "investors back", "talks collapse".
  if (/[^s]s$/.test(prev) && prev.length > 3 && !NOUN_CONTEXT.has(prev)) return true;
  return ['they', 'we', 'both', 'sides', 'countries', 'governments', 'leaders', 'officials', 'lawmakers', 'parties'].includes(prev);
}

/** Light verbs that, before a noun naming an event, say it took place. */
const DONE_LIGHT = new Set(['held', 'holds', 'hold', 'gave', 'gives', 'give', 'made', 'makes', 'took', 'takes', 'won', 'wins', 'got', 'gets', 'secured', 'secures', 'reached', 'reaches']);

function statusOf(words: string[], i: number, verb: boolean, action: string): Status {
  const before = words.slice(Math.max(0, i - 3), i);
  if (before.some((w) => NEGATION_MARKERS.has(w))) return 'failed';
  // "expects workers to reject": a setback foreseen is not one yet.
  if (before.some((w) => PLANNED_MARKERS.has(w))) return 'planned';
  if (ACTIONS[action]?.setback) return 'failed';
  const w = words[i]!;
  // "signing ceremony", "ratification vote": a named event not yet reported as done, unless
  // a verb says it took place ("held a meeting", "gave final approval").
  if (!verb) return before.some((b) => DONE_LIGHT.has(b)) ? 'happened' : 'planned';
  if (/ing$/.test(w)) return 'planned';
  return 'happened';
}

const OBJECT_SKIP = new Set(['the', 'a', 'an', 'its', 'their', 'his', 'her', 'to', 'of', 'on', 'in', 'for', 'with', 'by', 'and', 'as', 'at', 'into', 'up', 'out', 'off', 'first', 'new', 'long-awaited', 'key', 'major', 'formally', 'officially', 'also', 'deal', 'agreement']);

function objectAfter(words: string[], from: number): string {
  for (let j = from; j < Math.min(words.length, from + 4); j++) {
    const w = words[j]!;
    if (!OBJECT_SKIP.has(w) && w.length > 2) return stem(w);
  }
  return '';
}

/** The frame's main action: the first verb of the headline, else of the lede, else a noun. */
export function mainAction(headline: Action[], lede: Action[]): Action | undefined {
  return headline.find((a) => a.verb) ?? lede.find((a) => a.verb) ?? headline[0] ?? lede[0];
}

/** True when the sentence restates ("X repeated that ...") before it reports any event. */
export function restates(text: string): boolean {
  const words = tokens(text);
  const at = words.findIndex((w) => RESTATEMENT_VERBS.has(w));
  if (at < 0) return false;
  const first = extractActions(text).find((a) => a.verb);
  return !first || words.indexOf(first.word.split(' ')[0]!) > at;
}
