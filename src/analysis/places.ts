/**
 * Places a sentence names (for `ask`'s "where" answers): a proper name the tagger marks
 * after a preposition of place ("in Geneva", "in Fulton County Superior Court", "travelled
 * to Seattle", "in a packed Washington courtroom"), and the dateline a wire report opens
 * with ("SEATTLE (Oct. 21) -", "Geneva - "). Courts are told apart, for "which court".
 */
import { MONTHS, WEEKDAYS } from './lexicon.js';
import { tag } from './nlp.js';

export interface Place {
  text: string;
  /** A court ("Fulton County Superior Court", "federal court in Atlanta" gives Atlanta, not a court). */
  court: boolean;
}

const PLACE_PREPOSITIONS = new Set(['in', 'at', 'to', 'from']);
/** Words that may stand between the preposition and the name ("in a packed Washington courtroom"). */
const BETWEEN = new Set(['DET', 'ADJ', 'VERB']);
const CALENDAR = new Set([...MONTHS, ...WEEKDAYS]);
const COURT = /\b(court|tribunal)\b/i;

/** A dateline: a name in capitals or title case, then "(date)" or a dash, at the very start. */
const DATELINE = /^([A-Z][A-Za-z.]+(?:,? [A-Z][A-Za-z.]+){0,2})\s*(?:\([^)]{1,30}\)\s*)?[-–—]\s/;

export function extractPlaces(sentence: string): Place[] {
  const out: Place[] = [];
  const dl = DATELINE.exec(sentence);
  if (dl && !CALENDAR.has(dl[1]!.toLowerCase())) out.push({ text: titleCase(dl[1]!), court: false });
  const t = tag(sentence);
  for (let i = 0; i < t.words.length; i++) {
    if (t.pos[i] !== 'ADP' || !PLACE_PREPOSITIONS.has(t.lemmas[i]!)) continue;
    let j = i + 1;
    while (j < t.words.length && BETWEEN.has(t.pos[j]!) && /^[a-z]/.test(t.words[j]!) && j - i <= 3) j++;
    // A capitalised word inside a name is part of it, whatever the tagger takes it for ("Cook County").
    const run: string[] = [];
    while (j < t.words.length && /^[A-Z]/.test(t.words[j]!) && (t.pos[j] === 'PROPN' || t.pos[j + 1] === 'PROPN')) run.push(t.words[j++]!);
    // A month or weekday ("in March", "on Friday") is a date, not a place.
    const name = run.filter((w) => !CALENDAR.has(w.toLowerCase().replace(/\.$/, '')));
    if (!name.length || name.length < run.length) continue;
    const text = name.join(' ');
    out.push({ text, court: COURT.test(text) });
  }
  courts(t.words, t.pos, out);
  return out.filter((p, i) => out.findIndex((x) => x.text === p.text) === i);
}

/** Any court the sentence names, wherever it stands ("the 9th U.S. Circuit Court of Appeals upheld …"). */
function courts(words: string[], pos: string[], out: Place[]): void {
  for (let i = 0; i < words.length; i++) {
    if (pos[i] !== 'PROPN' || (i > 0 && pos[i - 1] === 'PROPN')) continue;
    let j = i;
    while (j < words.length && (pos[j] === 'PROPN' || (words[j] === 'of' && pos[j + 1] === 'PROPN'))) j++;
    const run = words.slice(i, j);
    if (!run.some((w) => COURT.test(w) || /^circuit$/i.test(w))) continue;
    // The circuit's number belongs to its name ("9th Circuit").
    const ordinal = i > 0 && /^\d+(st|nd|rd|th)$/.test(words[i - 1]!) ? `${words[i - 1]} ` : '';
    out.push({ text: `${ordinal}${run.join(' ')}`, court: true });
  }
}

function titleCase(s: string): string {
  return s === s.toUpperCase() ? s.toLowerCase().replace(/\b[a-z]/g, (c) => c.toUpperCase()) : s;
}
