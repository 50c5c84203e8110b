/**
 * The names a story's seeds use and which of them name one party: runs of capitalised
 * words the tagger reads as names ("International Association of Machinists"), joined
 * when one is plainly a variant of another: the same word in another spelling (U.S./US,
 * Zelensky/Zelenskyy), an acronym of it (DOJ, WHO, IAM), its first word (Activision of
 * Activision Blizzard), the surname of a full name, or its demonym (Ukrainian, Ukraine).
 */
import { MONTHS, NOT_ENTITIES, TITLES, WEEKDAYS } from '../analysis/lexicon.js';
import { sentences, tag, type Tagged } from '../analysis/nlp.js';
import { countries as COUNTRIES } from 'countries-list';

export interface NameCluster {
  /** Every spelling seen, most frequent first. */
  variants: string[];
  mentions: number;
  counts: Map<string, number>;
}

const CALENDAR = new Set([...MONTHS, ...WEEKDAYS]);
const NAME_POS = new Set(['PROPN', 'NOUN', 'ADJ']);
const CONNECTORS = new Set(['of', 'for']);
const FUNCTION_WORDS = new Set(['of', 'for', 'and', 'the', 'on', 'in']);

const isCapitalised = (w: string) => /^[A-Z]/.test(w);
/** ALL-CAPS with two letters or more (EU, U.S., IAM, W24 is not). */
export const isAcronym = (w: string) => /^(?:[A-Z]\.?){2,6}$/.test(w);

/** Folds spellings of one name: case, dots, apostrophes, doubled letters. */
export function foldName(s: string): string {
  return s.toLowerCase().replace(/[.'’]/g, '').replace(/\s+/g, ' ').replace(/(.)\1+/g, '$1').trim();
}

interface Run { words: string[]; initial: boolean; /** The name a title ties it to ("CrowdStrike CEO George Kurtz"). */ of?: string }

/**
 * Capitalised runs of one tagged sentence; a title splits a run and is left out, but ties
 * the name after it to the one before ("WHO chief Tedros", "US Treasury Secretary Scott
 * Bessent"): a person introduced by a party's title speaks for that party.
 */
function runs(t: Tagged): Run[] {
  const out: Run[] = [];
  let run: string[] = [];
  let start = 0;
  let titled: string | undefined;
  let titles = 0;
  const close = () => {
    while (run.length && CONNECTORS.has(run[run.length - 1]!)) run.pop();
    if (run.length) out.push({ words: run, initial: start === 0, ...(titled && titles ? { of: titled } : {}) });
    run = [];
  };
  t.words.forEach((w, i) => {
    const lower = w.toLowerCase();
    const isTitle = TITLES.has(lower) || (lower === '-' && titles > 0) || (lower === "'s" && run.length > 0);
    const name = isCapitalised(w) && NAME_POS.has(t.pos[i]!) && !TITLES.has(lower) && !CALENDAR.has(lower);
    const number = run.length > 0 && t.pos[i] === 'NUM' && /^\d{1,4}$/.test(w);
    const connector = run.length > 0 && CONNECTORS.has(w) && isCapitalised(t.words[i + 1] ?? '');
    if (name || number || connector) {
      if (!run.length) start = i;
      if (!(run.length === 0 && NOT_ENTITIES.has(lower) && !isAcronym(w))) run.push(w);
      return;
    }
    if (isTitle) {
      if (run.length) {
        const before = run.join(' ');
        close();
        titled = before;
        titles = 0;
      }
      titles++;
      return;
    }
    close();
    titled = undefined;
    titles = 0;
  });
  close();
  return out;
}

/** Names in each seed's body (headlines are title case: every word would look like a name). */
export function nameMentions(bodies: string[], ties?: Array<[string, string]>): Map<string, number> {
  const counts = new Map<string, number>();
  const lowerText = bodies.join('\n');
  for (const body of bodies) {
    for (const s of sentences(body)) {
      for (const r of runs(tag(s))) {
        const text = r.words.join(' ');
        // "Striking workers…": a lone capital opening a sentence is a name only if never written small.
        if (r.initial && r.words.length === 1 && !isAcronym(text) && new RegExp(`\\b${text.toLowerCase()}\\b`).test(lowerText)) continue;
        if (!/[A-Za-z]{2}/.test(text)) continue;
        counts.set(text, (counts.get(text) ?? 0) + 1);
        if (r.of) ties?.push([r.of, text]);
      }
    }
  }
  return counts;
}

function initials(words: string[], skipFunctionWords: boolean): string {
  return words.filter((w) => !skipFunctionWords || !FUNCTION_WORDS.has(w.toLowerCase())).map((w) => w[0]!.toLowerCase()).join('');
}

/** One name the other stands for: same word folded, acronym, first word, surname, demonym. */
function variantOf(a: string, b: string, lastWordOwners: Map<string, number>): boolean {
  const fa = foldName(a);
  const fb = foldName(b);
  if (fa === fb) return true;
  const wa = a.split(' ');
  const wb = b.split(' ');
  // "World Health Assembly" and "World Health Organization": one body's organs.
  if (wa.length > 2 && wb.length > 2) return foldName(`${wa[0]} ${wa[1]}`) === foldName(`${wb[0]} ${wb[1]}`);
  // "European Union" and "European Commission": one polity's bodies, named by its adjective.
  if (wa.length === 2 && wb.length === 2 && wa[0] === wb[0] && /^[A-Z][a-z]+(?:ean|ian|an|ese|ish)$/.test(wa[0]!)) return true;
  if (wa.length > 1 && wb.length > 1) return false;
  if (wa.length === 1 && wb.length === 1) return demonym(fa, fb);
  const [single, multi] = wa.length === 1 ? [a, wb] : [b, wa];
  if (isAcronym(single)) {
    // Acronyms join by their letters only: "US" is not "U.S. Steel".
    const letters = foldName(single);
    // "U.S. Department of Justice" is the DOJ too: a leading place qualifies the name.
    return [multi, multi.slice(1)].some((m) => m.length > 1 && (letters === initials(m, false) || letters === initials(m, true)));
  }
  const fs = foldName(single);
  if (foldName(multi[0]!) === fs) return true;
  // A surname stands for one full name only: "Steel" of both "Nippon Steel" and "U.S. Steel" is neither,
  // and "Japan" is no surname of "Nippon Steel of Japan".
  const personLike = multi.length <= 3 && !multi.some((w) => CONNECTORS.has(w));
  return personLike && foldName(multi[multi.length - 1]!) === fs && lastWordOwners.get(fs) === 1;
}

/** Ukraine/Ukrainian, Europe/European: a shared stem of five letters or more. */
function demonym(a: string, b: string): boolean {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i >= 5 && i >= Math.min(a.length, b.length) * 0.7;
}

/** Names joined into parties, most mentioned first. */
export function clusterNames(counts: Map<string, number>, ties: Array<[string, string]> = []): NameCluster[] {
  const names = [...counts.keys()];
  const parent = names.map((_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i]!)));
  const lastWordOwners = new Map<string, number>();
  for (const n of new Set(names.filter((x) => x.includes(' ')).map((x) => foldName(x)))) {
    const last = n.split(' ').pop()!;
    lastWordOwners.set(last, (lastWordOwners.get(last) ?? 0) + 1);
  }
  for (let i = 0; i < names.length; i++) {
    for (let j = i + 1; j < names.length; j++) {
      if (variantOf(names[i]!, names[j]!, lastWordOwners)) parent[find(i)] = find(j);
    }
  }
  const index = new Map(names.map((n, i) => [n, i]));
  const persons = new Set(ties.map(([, b]) => b));
  for (const [a, b] of ties) {
    const ia = index.get(a);
    const ib = index.get(b);
    if (ia !== undefined && ib !== undefined) parent[find(ib)] = find(ia);
  }
  // A country is also its other names and its capital ("Kyiv says…", "Washington offers…").
  const byFold = new Map(names.map((n, i) => [foldName(n), i]));
  for (const country of countryNames()) {
    const present = country.map((n) => byFold.get(foldName(n))).filter((i): i is number => i !== undefined);
    for (const i of present.slice(1)) parent[find(i)] = find(present[0]!);
  }
  const groups = new Map<number, string[]>();
  names.forEach((n, i) => groups.set(find(i), [...(groups.get(find(i)) ?? []), n]));
  return [...groups.values()]
    .map((vs) => ({
      // The party's own names before the people who speak for it: the group is named after the first.
      variants: vs.sort((x, y) => Number(persons.has(x)) - Number(persons.has(y)) || counts.get(y)! - counts.get(x)!),
      mentions: vs.reduce((a, v) => a + counts.get(v)!, 0),
      counts: new Map(vs.map((v) => [v, counts.get(v)!])),
    }))
    .sort((x, y) => y.mentions - x.mentions);
}

let countries: string[][] | undefined;

/** Each country's name, aliases (US, USA, America) and capital's name ("Washington" of "Washington D.C."). */
function countryNames(): string[][] {
  countries ??= Object.values(COUNTRIES).map((c) => [c.name, ...((c as { alias?: string[] }).alias ?? []), c.capital.replace(/\s+D\.C\.$/, '')].filter(Boolean));
  return countries;
}

/**
 * Spelt-out forms of an acronym the seeds write in small letters ("artificial intelligence"
 * for AI): word runs whose initials are the acronym's letters, found twice or more.
 */
export function spelledOut(acronym: string, text: string): string[] {
  const letters = foldName(acronym);
  const words = text.toLowerCase().match(/[a-z][a-z-]+/g) ?? [];
  const found = new Map<string, number>();
  for (let i = 0; i + letters.length <= words.length; i++) {
    const run = words.slice(i, i + letters.length);
    if (run.some((w) => w.length < 3 || FUNCTION_WORDS.has(w)) || initials(run, false) !== letters) continue;
    const phrase = run.join(' ');
    found.set(phrase, (found.get(phrase) ?? 0) + 1);
  }
  return [...found].filter(([, n]) => n >= 2).map(([p]) => p);
}
