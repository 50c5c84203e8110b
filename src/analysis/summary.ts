/**
 * "What is new" in one to three sentences: the article's novel sentences ranked by how
 * much new information and how many new facts they carry, picked with maximal marginal
 * relevance so the summary does not say one thing twice, then put back in text order.
 */

export interface ScoredSentence {
  text: string;
  position: number;
  terms: string[];
  /** 0..1, share of the sentence not contained in any known sentence. */
  novelty: number;
  /** Summed weight of the new facts this sentence states. */
  newFactWeight: number;
  /** Sum of the sentence's term weights: how much it says at all. */
  information: number;
  isTitle: boolean;
}

const MAX_SENTENCES = 3;
const MAX_CHARS = 480;
const REDUNDANT = 0.6;

export function summarize(sentences: ScoredSentence[], novelThreshold: number): string {
  const candidates = sentences
    .filter((s) => s.novelty >= 1 - novelThreshold || s.newFactWeight > 0)
    .map((s) => ({ s, score: rank(s) }))
    .sort((a, b) => b.score - a.score);
  const picked: ScoredSentence[] = [];
  let chars = 0;
  for (const { s } of candidates) {
    if (picked.length >= MAX_SENTENCES) break;
    if (picked.some((p) => overlap(s.terms, p.terms) >= REDUNDANT)) continue;
    if (picked.length > 0 && chars + s.text.length > MAX_CHARS) continue;
    picked.push(s);
    chars += s.text.length;
  }
  return picked
    .sort((a, b) => a.position - b.position)
    .map((s) => (s.isTitle ? `${s.text.replace(/[.:;,\s]+$/, '')}.` : s.text))
    .join(' ');
}

function rank(s: ScoredSentence): number {
  // Titles state the news compactly but say less; a small discount keeps body facts first.
  return (s.novelty * Math.min(s.information, 12) + 2 * s.newFactWeight) * (s.isTitle ? 0.8 : 1);
}

/** Share of the smaller sentence's terms that the other also has. */
function overlap(a: string[], b: string[]): number {
  const sa = new Set(a);
  const sb = new Set(b);
  if (!sa.size || !sb.size) return 0;
  let hit = 0;
  for (const t of sa) if (sb.has(t)) hit++;
  return hit / Math.min(sa.size, sb.size);
}
