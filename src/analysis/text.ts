/**
 * Text primitives shared by every analysis step: sentence splitting, tokenising,
 * stop words and a light English stemmer. Pure functions, no I/O.
 */
import { porterStem, sentences } from './nlp.js';

/** Normalises typographic quotes, dashes and spaces so later regexes see one form. */
const NEEDS_NORMALIZING = /[\r\u2018\u2019\u201A\u2032\u201C\u201D\u201E\u2033\u2013\u2014\u2212\u00A0\u2007\u202F\t]/;

export function normalizeText(text: string): string {
  // Most text is already plain (and the steps call this on one sentence more than once).
  // A class test and a substring search: the two in one alternation scanned four times slower.
  if (!NEEDS_NORMALIZING.test(text) && !text.includes('  ')) return text;
  return text
    .replace(/\r\n?/g, '\n')
    .replace(/[\u2018\u2019\u201A\u2032]/g, "'")
    .replace(/[\u201C\u201D\u201E\u2033]/g, '"')
    .replace(/[\u2013\u2014\u2212]/g, ' - ')
    .replace(/[\u00A0\u2007\u202F]/g, ' ')
    .replace(/[ \t]+/g, ' ');
}

/** Splits text into sentences (wink-nlp's boundaries, see nlp.ts); line breaks always end one. */
export function splitSentences(text: string): string[] {
  return sentences(normalizeText(text));
}

export const STOP_WORDS = new Set(
  (
    'a about above after again against all almost also am an and any are aren as at be because been ' +
    'before being below between both but by can could did do does doing down during each either ' +
    'even ever every few for from further had has have having he her here hers herself him himself ' +
    'his how however i if in into is it its itself just least less like made make many may me might ' +
    'more most much must my myself neither no nor not now of off on once one only or other our ours ' +
    'ourselves out over own per quite rather said same says say she should since so some still such ' +
    'than that the their theirs them themselves then there these they this those though through ' +
    'thus to too under until up upon us very was we were what when where whether which while who ' +
    'whom whose why will with within without would yet you your yours yourself according told ' +
    'week weeks day days year years month months time new news report reports reported ' +
    'mr mrs ms s t re ve ll d'
  ).split(' '),
);

/** Lower-cased word tokens (letters, digits, inner hyphens/apostrophes kept). */
export function words(text: string): string[] {
  return normalizeText(text).toLowerCase().match(/[a-z0-9]+(?:['-][a-z0-9]+)*/g) ?? [];
}

/** Content-word stems of a text: the unit every similarity measure works on. */
export function contentTerms(text: string): string[] {
  const out: string[] = [];
  // "US" the country must survive lower-casing, where it would become the pronoun.
  for (const w of words(text.replace(/\bU\.S\.(?![A-Za-z])|\bUS\b/g, 'USA'))) {
    for (const part of w.replace(/'s$/, '').split('-')) {
      if (part.length < 2 || STOP_WORDS.has(part)) continue;
      out.push(stem(part));
    }
  }
  return out;
}

const stemCache = new Map<string, string>();

/** Word stems (Porter2), cached: the same few thousand words come back all the time. */
export function stem(word: string): string {
  const hit = stemCache.get(word);
  if (hit !== undefined) return hit;
  const out = computeStem(word);
  if (stemCache.size < 200_000) stemCache.set(word, out);
  return out;
}

/** Porter2 (wink's English model), after folding British spellings to American ones. */
function computeStem(input: string): string {
  const w = input.replace(/'s?$/, '');
  if (w.length <= 3 || /^\d/.test(w)) return w;
  return porterStem(w.replace(/is(e|es|ed|ing|ation|ations)$/, 'iz$1').replace(/our$/, 'or'));
}

/** 64-bit FNV-1a of a string, as a bigint; used by shingling and SimHash. */
export function hash64(s: string): bigint {
  let h = 0xcbf29ce484222325n;
  for (let i = 0; i < s.length; i++) {
    h ^= BigInt(s.charCodeAt(i));
    h = (h * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return h;
}

/** 32-bit FNV-1a: cheap enough for per-shingle hashing on the hot path. */
export function hash32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
