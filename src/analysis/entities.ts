/**
 * Named people and organisations from capitalisation (used by `ask` for "who" answers): runs of capitalised words,
 * minus titles and sentence-initial function words. Keys use the head (last) word so
 * "President Volodymyr Zelensky", "Zelensky" and "Zelenskyy" are one party.
 */
import { MONTHS, NOT_ENTITIES, TITLES, WEEKDAYS } from './lexicon.js';

/** A named person, organisation or other name, keyed by its head word. */
export interface NamedEntity {
  kind: 'person' | 'org' | 'name';
  key: string;
  text: string;
}

/** Words that make a capitalised run an organisation. */
const ORG_WORDS = new Set([
  'fund', 'bank', 'ministry', 'council', 'committee', 'agency', 'corporation', 'corp', 'company',
  'parliament', 'commission', 'department', 'office', 'group', 'house', 'senate',
  'congress', 'court', 'union', 'association', 'institute', 'university', 'party', 'times',
  'news', 'post', 'journal', 'reuters', 'bloomberg', 'axios', 'forbes', 'inc', 'ltd', 'llc',
]);


const CALENDAR = new Set([...MONTHS, ...WEEKDAYS]);

export { isTitleCase } from './profile.js';

/** Folds spelling variants of one name: case, doubled letters, trailing possessive. */
export function entityKey(word: string): string {
  return word.toLowerCase().replace(/'s?$/, '').replace(/(.)\1+/g, '$1');
}

interface Token {
  text: string;
  index: number;
  sentenceStart: boolean;
}

function tokenize(s: string): Token[] {
  const out: Token[] = [];
  let prevEnd = -1;
  for (const m of s.matchAll(/[A-Za-z][A-Za-z'.-]*[A-Za-z]|[A-Za-z]/g)) {
    const gap = prevEnd < 0 ? '' : s.slice(prevEnd, m.index);
    out.push({ text: m[0], index: m.index!, sentenceStart: prevEnd < 0 || /[.!?:"]\s*$/.test(gap) });
    prevEnd = m.index! + m[0].length;
  }
  return out;
}

/** Groups adjacent capitalised tokens; a comma or other punctuation breaks a group. */
function capitalisedRuns(s: string, tokens: Token[]): Token[][] {
  const runs: Token[][] = [];
  let run: Token[] = [];
  tokens.forEach((t, i) => {
    const prev = tokens[i - 1];
    const joined = prev && /^\s+$/.test(s.slice(prev.index + prev.text.length, t.index));
    if (/^[A-Z]/.test(t.text) && (run.length === 0 || joined)) {
      run.push(t);
      return;
    }
    if (run.length) runs.push(run);
    run = /^[A-Z]/.test(t.text) ? [t] : [];
  });
  if (run.length) runs.push(run);
  return runs;
}

export function extractEntities(s: string): NamedEntity[] {
  const facts: NamedEntity[] = [];
  for (const run of capitalisedRuns(s, tokenize(s))) {
    const fact = runToFact(run);
    if (fact) facts.push(fact);
  }
  return facts;
}

function runToFact(run: Token[]): NamedEntity | undefined {
  let words = run.map((t) => t.text.replace(/'s$/, ''));
  const startsSentence = run[0]!.sentenceStart;
  while (words.length && NOT_ENTITIES.has(words[0]!.toLowerCase())) words = words.slice(1);
  const hadTitle = words.some((w) => TITLES.has(w.toLowerCase()));
  const core = words.filter((w) => !TITLES.has(w.toLowerCase()) && !CALENDAR.has(w.toLowerCase()));
  if (core.length === 0) return undefined;
  // A lone capitalised word opening a sentence is usually just the first word.
  if (startsSentence && words.length === run.length && run.length === 1) return undefined;
  const head = core[core.length - 1]!;
  if (head.length < 2 || /^[A-Z]\.?$/.test(head)) return undefined;
  const lower = core.map((w) => w.toLowerCase());
  const kind = lower.some((w) => ORG_WORDS.has(w)) ? 'org' : hadTitle || core.length >= 2 ? 'person' : 'name';
  return { kind, key: `entity:${entityKey(head)}`, text: core.join(' ') };
}
