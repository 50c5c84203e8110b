/**
 * Which development a question is about. A development is told by its headlines and ledes
 * (what every report of it leads with), so a question is matched against those of each
 * development its search hits belong to: the question's words (a word as written counts
 * more than one that only shares its first letters: "monopolist" is not "monopoly"), and
 * the event its frame reports ("rule", "sign"). The answer is then taken from that
 * development's reports, so a sentence that shares the question's words but reports
 * another event does not answer it.
 */
import { extractActions, type Action } from '../../analysis/frame.js';
import { contentTerms } from '../../analysis/text.js';
import type { AskIndex, Report, SentenceHit } from './ask-index.js';
import { inPeriod, searchKey, type Question } from './question.js';
import { tag } from '../../analysis/nlp.js';

/** Reports read per development: its first ones tell what it is. */
const MAX_REPORTS = 12;
/** Body sentences that count as the lede. */
const LEDE = 2;

interface Told {
  /** Full stems and search keys of the headline, and of the lede. */
  head: Set<string>;
  headKeys: Set<string>;
  lede: Set<string>;
  ledeKeys: Set<string>;
  actions: Action[];
  /** Lemmas of the verbs its headline and lede put in the past ("voted", "signed", "won"); tagged when first asked. */
  past?: Set<string>;
}

const told = new WeakMap<Report, Told>();

function tellOf(r: Report): Told {
  let t = told.get(r);
  if (!t) {
    const head = contentTerms(r.headline);
    const lede = contentTerms(r.sentences.slice(1, 1 + LEDE).join(' '));
    t = {
      head: new Set(head), headKeys: new Set(head.map(searchKey)), lede: new Set(lede), ledeKeys: new Set(lede.map(searchKey)),
      actions: extractActions(r.headline, true),
    };
    told.set(r, t);
  }
  return t;
}

export interface DevelopmentMatch {
  id: string;
  /** Share of the question's word weight its headlines and ledes hold, raised by a matching event. */
  score: number;
  reports: Report[];
}

/** The developments of the hits, best match first. */
export function matchDevelopments(ix: AskIndex, q: Question, hits: SentenceHit[], hidden: Set<string>): DevelopmentMatch[] {
  const stems = [...new Set(contentTerms(q.text))].filter((s) => q.terms.includes(searchKey(s)));
  // A name the question gives ("Delta", "Mehta") tells its development from another of the same kind.
  const names = new Set(contentTerms(namesGiven(q)));
  const weight = (s: string) => ix.weight(searchKey(s)) * (names.has(s) ? 2 : 1);
  const total = stems.reduce((a, s) => a + weight(s), 0);
  if (!total) return [];
  // The event asked about is what the question says happened ("who won the tender"): a noun
  // for another step ("tender") names what it is about, not the event.
  const done = q.actions.filter((a) => a.status === 'happened');
  const wanted = new Set((done.length ? done : q.actions.slice(0, 1)).map((a) => a.action));
  const asked = doneAsked(q);
  const out: DevelopmentMatch[] = [];
  for (const id of new Set(hits.map((h) => h.report.developmentId))) {
    const reports = (ix.developments.get(id) ?? []).filter((r) => !hidden.has(r.feedId)).slice(0, MAX_REPORTS);
    if (!reports.length) continue;
    const tells = reports.map(tellOf);
    let got = 0;
    for (const s of stems) {
      const k = searchKey(s);
      const best = Math.max(...tells.map((t) => (t.head.has(s) ? 1 : t.headKeys.has(k) ? 0.8 : t.lede.has(s) ? 0.5 : t.ledeKeys.has(k) ? 0.4 : 0)));
      got += best * weight(s);
    }
    let score = got / total;
    if (asked.size) {
      // "What did they decide in their vote": the reports that say they voted, not the previews of the vote.
      if (reports.some((r) => [...pastOf(r)].some((l) => asked.has(l)))) score *= 1.4;
    } else if (wanted.size) {
      const acts = tells.flatMap((t) => t.actions).filter((a) => wanted.has(a.action));
      if (acts.some((a) => a.status === 'happened')) score *= 1.4;
    }
    // A development nowhere dated in the period the question names is another one.
    if (q.period && !reports.some((r) => inPeriod(q.period!, r.eventTime) || inPeriod(q.period!, r.published))) score *= 0.7;
    out.push({ id, score, reports });
  }
  out.sort((a, b) => b.score - a.score);
  return out;
}

/**
 * "What did they decide in their vote": a question about a thing done, as its lemmas (the
 * reports that say they voted answer it, not the previews of the vote). Empty otherwise.
 */
export function doneAsked(q: Question): Set<string> {
  let lemmas = doneOf.get(q);
  if (!lemmas) doneOf.set(q, (lemmas = q.kind === 'other' && /^\W*what (did|was|were)\b/i.test(q.text) ? new Set(tag(q.text).lemmas) : new Set()));
  return lemmas;
}

/** Tagged once per question: ranking, matching and the answer line all ask. */
const doneOf = new WeakMap<Question, Set<string>>();

/** The names a question gives ("Delta", "Mehta"): its capitalised words after the first. */
export function namesGiven(q: Question): string {
  return q.text.replace(/^\W*\w+/, '').match(/\b[A-Z][\w'-]*/g)?.join(' ') ?? '';
}

function pastOf(r: Report): Set<string> {
  const t = tellOf(r);
  t.past ??= pastVerbs([r.headline, ...r.sentences.slice(1, 1 + LEDE)]);
  return t.past;
}

/** A verb in a past form: the word is not its lemma and not a present form ("votes", "voting"). */
function isPast(pos: string, word: string, lemma: string): boolean {
  const w = word.toLowerCase();
  return pos === 'VERB' && w !== lemma && !/(ing|s)$/.test(w);
}

function pastVerbs(texts: string[]): Set<string> {
  const out = new Set<string>();
  for (const t of texts) {
    const tg = tag(t);
    tg.pos.forEach((p, i) => {
      if (isPast(p, tg.words[i]!, tg.lemmas[i]!)) out.add(tg.lemmas[i]!);
    });
  }
  return out;
}

/** Verbs that frame a question ("what did they decide"), not the thing done. */
const ASKING_VERBS = new Set(['do', 'decide', 'happen', 'be', 'say', 'agree']);

/**
 * "What did the machinists decide in their vote": the clause of a lede that says what was
 * done, from its past-tense verb to the clause's end ("voted Monday night to ratify a new
 * contract"). Only a verb the question names counts; the asking verb itself does not.
 */
export function doneClause(q: Question, reports: Report[]): { report: Report; pos: number; clause: string } | undefined {
  const asked = new Set([...doneAsked(q)].filter((l) => !ASKING_VERBS.has(l)));
  if (!asked.size) return undefined;
  for (const report of reports.slice(0, 3)) {
    for (let pos = 1; pos <= LEDE && pos < report.sentences.length; pos++) {
      const sentence = report.sentences[pos]!;
      const t = tag(sentence);
      const i = t.pos.findIndex((p, k) => asked.has(t.lemmas[k]!) && isPast(p, t.words[k]!, t.lemmas[k]!));
      if (i < 0) continue;
      const from = new RegExp(`\\b${t.words[i]!.replace(/[^\w]/g, '')}\\b`).exec(sentence)?.index;
      if (from === undefined) continue;
      const clause = sentence.slice(from).split(/[,;:.!?](?:\s|$)/)[0]!.split(/\s+/).slice(0, MAX_CLAUSE_WORDS).join(' ');
      if (clause.split(' ').length >= 3) return { report, pos, clause };
    }
  }
  return undefined;
}

const MAX_CLAUSE_WORDS = 14;

/**
 * The day a development happened: the day most of its reports' headlines or ledes give (a
 * lede may also name an earlier step: one report's date is not enough), the earliest on a
 * tie. A date well before the report's own publication is background ("on strike since
 * September 13"), not the day of the news; without a recent one, its first report's publication.
 */
export function developmentDate(reports: Report[]): { time: number; exact: boolean } | undefined {
  const dated = reports.filter((r) => !Number.isNaN(r.eventTime));
  const stated = dated.filter((r) => r.eventText && (Number.isNaN(r.published) || (r.eventTime <= r.published + DAY && r.eventTime >= r.published - RECENT_DAYS * DAY)));
  if (!stated.length) {
    const published = reports.map((r) => r.published).filter((t) => !Number.isNaN(t));
    if (published.length) return { time: Math.min(...published), exact: false };
    return dated.length ? { time: Math.min(...dated.map((r) => r.eventTime)), exact: false } : undefined;
  }
  const days = new Map<number, { n: number; exact: boolean }>();
  for (const r of stated) {
    const day = Math.floor(r.eventTime / DAY);
    const d = days.get(day) ?? { n: 0, exact: false };
    days.set(day, { n: d.n + 1, exact: d.exact || r.eventExact });
  }
  const [day, d] = [...days].sort((a, b) => b[1].n - a[1].n || a[0] - b[0])[0]!;
  return { time: day * DAY + DAY / 2, exact: d.exact };
}

/** News is reported within days: a date further back is background. */
const RECENT_DAYS = 7;
const DAY = 86_400_000;
