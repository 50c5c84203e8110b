/**
 * Counts the engine's number facts do not read: a number the tagger marks that stands
 * apart from its noun ("277-page ruling", "11, including Poland and Iran, abstained"). For
 * "how many X did Y", the count that does the question's verb (it is the verb's subject,
 * so the verb follows it) counts most, then the one of the noun asked about.
 */
import { MONTHS, NUMBER_WORDS } from '../../analysis/lexicon.js';
import { tag } from '../../analysis/nlp.js';
import { searchKey } from './question.js';

const MONTH = new RegExp(`^(${MONTHS.join('|')}|jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec)\\.?$`, 'i');

/** Tokens after a number that may still hold its verb. */
const REACH = 16;

/** The question's verbs and nouns, as search keys. */
export function askedWords(question: string): { verbs: Set<string>; nouns: Set<string> } {
  const t = tag(question);
  const keys = (p: string) => new Set(t.lemmas.filter((_, i) => t.pos[i] === p).map((l) => searchKey(l.toLowerCase())));
  return { verbs: keys('VERB'), nouns: keys('NOUN') };
}

export function askedCount(sentence: string, question: string): { text: string; score: number } | undefined {
  const t = tag(sentence);
  const { verbs, nouns } = askedWords(question);
  let best: { text: string; score: number } | undefined;
  for (let i = 0; i < t.words.length; i++) {
    const w = t.words[i]!;
    if (t.pos[i] !== 'NUM' || !(/^\d[\d,]*$/.test(w) || w.toLowerCase() in NUMBER_WORDS)) continue;
    // A year, an amount or a percentage is not a count.
    // A day of a month ("June 18", "18 June") is a date, not a count.
    if (MONTH.test(t.words[i - 1] ?? '') || MONTH.test(t.words[i + 1] ?? '')) continue;
    if (/^(1[89]|20)\d\d$/.test(w) || /^[$€£]$/.test(t.words[i - 1] ?? '') || /^(%|percent|per|billion|million|bn|m)$/i.test(t.words[i + 1] ?? '')) continue;
    // "Forty-six" is one number; so is "COVID-19" none.
    const compound = t.words[i - 1] === '-' && t.pos[i - 2] === 'NUM' ? `${t.words[i - 2]}-` : '';
    if (!compound && t.words[i - 1] === '-') continue;
    // The counted noun: the next noun, across a hyphen or adjectives ("277-page").
    let j = i + 1;
    while (j < t.words.length && (t.words[j] === '-' || t.pos[j] === 'ADJ')) j++;
    const noun = t.pos[j] === 'NOUN' || t.pos[j] === 'PROPN' ? t.words[j]! : '';
    let score = noun && nouns.has(searchKey(t.lemmas[j]!.toLowerCase())) ? 1 : 0;
    // Its verb: the first one after it, past an aside ("11, including Poland, abstained").
    for (let k = i + 1; k < Math.min(t.words.length, i + REACH); k++) {
      if (t.pos[k] !== 'VERB' || t.words[k] === 'including') continue;
      if (verbs.has(searchKey(t.lemmas[k]!.toLowerCase()))) score += 2;
      break;
    }
    if (score > (best?.score ?? 0)) {
      // In figures, as the answer line gives dates and amounts ("Forty-six" is 46); figures as written.
      const n = compound ? value(t.words[i - 2]!) + value(w) : /^\d/.test(w) ? w : value(w);
      best = { text: noun ? `${n}${t.words[i + 1] === '-' ? '-' : ' '}${noun}` : String(n), score };
    }
  }
  return best;
}

function value(w: string): number {
  return NUMBER_WORDS[w.toLowerCase()] ?? Number(w.replace(/,/g, ''));
}
