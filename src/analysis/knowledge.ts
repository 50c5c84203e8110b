/**
 * What the story already knows: every sentence, fact and fingerprint of the seed
 * corpus and of every relevant article accepted since. Grows incrementally; lookups
 * are bounded so cost per article stays flat as the corpus reaches 100k articles.
 */
import type { Fact } from './facts.js';
import { simhashBands, type SimHash } from './dedup.js';

export interface KnownArticle {
  id: string;
  title: string;
  url: string;
  origin: 'corpus' | 'stream';
  developmentId: string | null;
}

export interface SentenceMatch {
  sentence: number;
  article: number;
  /** Share of the query sentence's idf mass that this known sentence contains. */
  coverage: number;
}

export interface AddArticleInput {
  meta: KnownArticle;
  sentenceTerms: string[][];
  shingles: Uint32Array;
  simhash: SimHash;
  facts: Fact[];
}

/** How many postings of one term a lookup reads (the most recent ones). */
const POSTING_SCAN = 400;
/** How many of a sentence's rarest terms seed the candidate search. */
const SEED_TERMS = 6;
const TOP_CANDIDATES = 8;

export class KnowledgeBase {
  readonly articles: KnownArticle[] = [];
  private readonly vocab = new Map<string, number>();
  private df: Int32Array = new Int32Array(1024);
  private readonly postings: number[][] = [];
  private readonly sentenceTerms: Uint32Array[] = [];
  private readonly sentenceArticle: number[] = [];
  private readonly articleShingles: Uint32Array[] = [];
  private readonly simhashes: SimHash[] = [];
  private readonly bands = new Map<string, number[]>();
  private readonly facts = new Map<string, number>();
  private scores = new Float64Array(1024);

  get size(): number {
    return this.articles.length;
  }

  /** Inverse document frequency with article-level counts; unseen terms weigh most. */
  idf(term: string): number {
    const id = this.vocab.get(term);
    const df = id === undefined ? 0 : this.df[id]!;
    return Math.log((this.articles.length + 1) / (df + 0.5)) + 0.1;
  }

  add(input: AddArticleInput): number {
    const idx = this.articles.length;
    this.articles.push(input.meta);
    this.articleShingles.push(input.shingles);
    this.simhashes.push(input.simhash);
    for (const band of simhashBands(input.simhash)) {
      const list = this.bands.get(band);
      if (list) list.push(idx);
      else this.bands.set(band, [idx]);
    }
    const docTerms = new Set<number>();
    for (const terms of input.sentenceTerms) {
      const ids = Uint32Array.from(new Set(terms.map((t) => this.intern(t)))).sort();
      const sIdx = this.sentenceTerms.length;
      this.sentenceTerms.push(ids);
      this.sentenceArticle.push(idx);
      for (const id of ids) {
        this.postings[id]!.push(sIdx);
        docTerms.add(id);
      }
    }
    for (const id of docTerms) this.df[id]!++;
    for (const f of input.facts) {
      if (!this.facts.has(f.key)) this.facts.set(f.key, idx);
      // Once a day of a month is known, "in April" of that year says nothing new.
      const month = /^date:(\d{4}-\d{2})-\d{2}$/.exec(f.key)?.[1];
      if (month && !this.facts.has(`date:${month}`)) this.facts.set(`date:${month}`, idx);
    }
    return idx;
  }

  /** Index of the article that first reported a fact, if any did. */
  factSource(key: string): number | undefined {
    return this.facts.get(key);
  }

  shinglesOf(article: number): Uint32Array {
    return this.articleShingles[article]!;
  }

  simhashOf(article: number): SimHash {
    return this.simhashes[article]!;
  }

  /** Articles whose SimHash shares a band with this one (candidates for near copies). */
  simhashCandidates(h: SimHash): number[] {
    const out = new Set<number>();
    for (const band of simhashBands(h)) for (const a of this.bands.get(band) ?? []) out.add(a);
    return [...out];
  }

  /**
   * Share of the query's idf mass found in the union of its best few known sentences:
   * a retrospective that stitches two old sentences together is still covered.
   */
  unionCoverage(terms: string[], matches: SentenceMatch[], k = 3): number {
    const unique = [...new Set(terms)];
    const total = unique.reduce((a, t) => a + this.idf(t), 0);
    if (!total || !matches.length) return 0;
    const sets = matches.slice(0, k).map((m) => this.sentenceTerms[m.sentence]!);
    let sum = 0;
    for (const t of unique) {
      const id = this.vocab.get(t);
      if (id !== undefined && sets.some((set) => binaryHas(set, id))) sum += this.idf(t);
    }
    return sum / total;
  }

  /** Known sentences that best contain the query sentence, best first. */
  matchSentence(terms: string[]): SentenceMatch[] {
    const weighted = [...new Set(terms)].map((t) => ({ t, w: this.idf(t), id: this.vocab.get(t) }));
    const total = weighted.reduce((a, x) => a + x.w, 0);
    if (total === 0) return [];
    const known = weighted.filter((x): x is { t: string; w: number; id: number } => x.id !== undefined);
    const seeds = [...known].sort((a, b) => b.w - a.w).slice(0, SEED_TERMS);
    const scores = this.scratch();
    const touched: number[] = [];
    for (const { id, w } of seeds) {
      const list = this.postings[id]!;
      for (let i = list.length - 1, n = 0; i >= 0 && n < POSTING_SCAN; i--, n++) {
        const s = list[i]!;
        if (scores[s] === 0) touched.push(s);
        scores[s]! += w;
      }
    }
    const top = topK(touched, scores, TOP_CANDIDATES);
    for (const s of touched) scores[s] = 0;
    return top
      .map((s) => ({
        sentence: s,
        article: this.sentenceArticle[s]!,
        coverage: this.exactCoverage(known, this.sentenceTerms[s]!) / total,
      }))
      .sort((a, b) => b.coverage - a.coverage);
  }

  /** A zeroed score array as long as the sentence list, reused across lookups. */
  private scratch(): Float64Array {
    if (this.scores.length < this.sentenceTerms.length) {
      this.scores = new Float64Array(Math.max(1024, this.sentenceTerms.length * 2));
    }
    return this.scores;
  }

  private exactCoverage(query: Array<{ id: number; w: number }>, terms: Uint32Array): number {
    let sum = 0;
    for (const { id, w } of query) if (binaryHas(terms, id)) sum += w;
    return sum;
  }

  private intern(term: string): number {
    let id = this.vocab.get(term);
    if (id === undefined) {
      id = this.vocab.size;
      this.vocab.set(term, id);
      this.postings.push([]);
      if (id >= this.df.length) {
        const grown = new Int32Array(this.df.length * 2);
        grown.set(this.df);
        this.df = grown;
      }
    }
    return id;
  }
}

/** The k touched sentences with the highest scores (k is small: insertion beats sorting). */
function topK(touched: number[], scores: Float64Array, k: number): number[] {
  const best: number[] = [];
  for (const s of touched) {
    const v = scores[s]!;
    if (best.length === k && v <= scores[best[k - 1]!]!) continue;
    let i = best.length === k ? k - 1 : best.length;
    while (i > 0 && scores[best[i - 1]!]! < v) {
      best[i] = best[i - 1]!;
      i--;
    }
    best[i] = s;
  }
  return best;
}

function binaryHas(arr: Uint32Array, x: number): boolean {
  let lo = 0;
  let hi = arr.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const v = arr[mid]!;
    if (v === x) return true;
    if (v < x) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}
