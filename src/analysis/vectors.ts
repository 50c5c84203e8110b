/**
 * Sparse tf-idf vectors as two parallel arrays sorted by term id: a dot product is one
 * merge of two short sorted lists, with no hashing. Plain arrays, not typed ones: V8
 * makes a small typed array several times slower than an array of small integers, and
 * an article makes a dozen of these.
 */

export interface SparseVector {
  ids: readonly number[];
  weights: readonly number[];
}

export const EMPTY_VECTOR: SparseVector = { ids: [], weights: [] };

/**
 * Term ids, document frequencies and idf by id: typed arrays instead of maps of strings,
 * and an idf weighed against the collection's size at the last 2% step (log() per term
 * per lookup was the decision's hot path).
 *
 * Every value here is a function of what was counted, never of when it was asked for:
 * the steps move as documents are counted, and a term's idf is `f(step size, its df)`.
 * Engines that learned the same articles in the same order (one worker, or several
 * catching up on each other) therefore weigh every term alike and decide alike.
 */
export class Vocabulary {
  private readonly ids = new Map<string, number>();
  private df = new Int32Array(1024);
  private idfValue = new Float64Array(1024);
  private idfEpoch = new Int32Array(1024).fill(-1);
  private epoch = 0;
  private epochDocs = 0;
  /** Coarser steps (a tenth of growth): when cached member vectors are weighed again. */
  private generationDocs = 0;
  generation = 0;
  docs = 0;

  intern(term: string): number {
    let id = this.ids.get(term);
    if (id === undefined) {
      id = this.ids.size;
      this.ids.set(term, id);
      if (id >= this.df.length) this.grow();
    }
    return id;
  }

  /** The id of a term seen before, or -1. */
  lookup(term: string): number {
    return this.ids.get(term) ?? -1;
  }

  /** The ids of terms, in order (new terms get one). */
  internAll(terms: readonly string[]): number[] {
    const ids = new Array<number>(terms.length);
    for (let i = 0; i < terms.length; i++) ids[i] = this.intern(terms[i]!);
    return ids;
  }

  /** Counts one document's distinct terms, by id (see distinctIds). */
  countIds(distinct: readonly number[]): void {
    this.docs++;
    for (const id of distinct) {
      this.df[id]!++;
      this.idfEpoch[id] = -1;
    }
    if (this.docs > this.epochDocs * 1.02 + 1) {
      this.epoch++;
      this.epochDocs = this.docs;
    }
    if (this.docs > this.generationDocs * 1.1 + 5) {
      this.generation++;
      this.generationDocs = this.docs;
    }
  }

  idfOf(id: number): number {
    if (this.idfEpoch[id] !== this.epoch) {
      this.idfValue[id] = Math.log((this.epochDocs + 1) / (this.df[id]! + 0.5)) + 0.1;
      this.idfEpoch[id] = this.epoch;
    }
    return this.idfValue[id]!;
  }

  idf(term: string): number {
    const id = this.lookup(term);
    return id < 0 ? Math.log((this.epochDocs + 1) / 0.5) + 0.1 : this.idfOf(id);
  }

  /** Weighs counted terms by today's idf: a vector that shares the counts' ids. */
  weigh(c: TermCounts): SparseVector {
    const n = c.ids.length;
    if (!n) return EMPTY_VECTOR;
    const weights = new Array<number>(n);
    let norm = 0;
    for (let k = 0; k < n; k++) {
      const x = c.tf[k]! * this.idfOf(c.ids[k]!);
      weights[k] = x;
      norm += x * x;
    }
    norm = Math.sqrt(norm) || 1;
    for (let k = 0; k < n; k++) weights[k]! /= norm;
    return { ids: c.ids, weights };
  }

  private grow(): void {
    const n = this.df.length * 2;
    const df = new Int32Array(n);
    df.set(this.df);
    const value = new Float64Array(n);
    value.set(this.idfValue);
    const epoch = new Int32Array(n).fill(-1);
    epoch.set(this.idfEpoch);
    [this.df, this.idfValue, this.idfEpoch] = [df, value, epoch];
  }

  /** Everything counted, as plain data for an engine snapshot (snapshot.ts). */
  exportState(): VocabularyState {
    const n = this.ids.size;
    return {
      terms: [...this.ids.keys()], df: this.df.slice(0, n), idfValue: this.idfValue.slice(0, n), idfEpoch: this.idfEpoch.slice(0, n),
      epoch: this.epoch, epochDocs: this.epochDocs, docs: this.docs, generation: this.generation, generationDocs: this.generationDocs,
    };
  }

  /** Replaces what was counted with a snapshot's (ids keep their numbers: cached vectors stay valid). */
  importState(s: VocabularyState): void {
    this.ids.clear();
    s.terms.forEach((t, i) => this.ids.set(t, i));
    const cap = Math.max(1024, 2 ** Math.ceil(Math.log2(s.terms.length + 1)));
    [this.df, this.idfValue, this.idfEpoch] = [new Int32Array(cap), new Float64Array(cap), new Int32Array(cap).fill(-1)];
    this.df.set(s.df);
    this.idfValue.set(s.idfValue);
    this.idfEpoch.set(s.idfEpoch);
    [this.epoch, this.epochDocs, this.docs, this.generation, this.generationDocs] = [s.epoch, s.epochDocs, s.docs, s.generation, s.generationDocs];
  }
}

export interface VocabularyState {
  terms: string[];
  df: Int32Array;
  idfValue: Float64Array;
  idfEpoch: Int32Array;
  epoch: number;
  epochDocs: number;
  docs: number;
  generation: number;
  generationDocs: number;
}

export function dot(a: SparseVector, b: SparseVector): number {
  let i = 0;
  let j = 0;
  let sum = 0;
  const ai = a.ids;
  const bi = b.ids;
  while (i < ai.length && j < bi.length) {
    const x = ai[i]!;
    const y = bi[j]!;
    if (x === y) sum += a.weights[i++]! * b.weights[j++]!;
    else if (x < y) i++;
    else j++;
  }
  return sum;
}

/** Distinct ids in order of first appearance. */
export function distinctIds(ids: readonly number[]): number[] {
  const seen = new Set<number>();
  const out: number[] = [];
  for (const id of ids) if (!seen.has(id)) (seen.add(id), out.push(id));
  return out;
}

/**
 * A text as counted terms: its distinct ids, sorted, and 1 + log of each one's count.
 * Counted once per article; weighing it again when idf moves costs no sort.
 */
export interface TermCounts {
  ids: readonly number[];
  tf: readonly number[];
}

export function termCounts(termIds: readonly number[]): TermCounts {
  const raw = sortInts(termIds.slice());
  const ids: number[] = [];
  const tf: number[] = [];
  for (let i = 0; i < raw.length; i++) {
    if (i === 0 || raw[i] !== raw[i - 1]) {
      ids.push(raw[i]!);
      tf.push(0);
    }
    tf[tf.length - 1]!++;
  }
  for (let k = 0; k < tf.length; k++) tf[k] = 1 + Math.log(tf[k]!);
  return { ids, tf };
}

/** Ascending, in place: insertion sort for a headline or a lede's worth, the library sort beyond. */
function sortInts(a: number[]): number[] {
  if (a.length > 64) return a.sort((x, y) => x - y);
  for (let i = 1; i < a.length; i++) {
    const x = a[i]!;
    let j = i - 1;
    while (j >= 0 && a[j]! > x) {
      a[j + 1] = a[j]!;
      j--;
    }
    a[j + 1] = x;
  }
  return a;
}
