/**
 * Sparse tf-idf vectors as two parallel typed arrays sorted by term id: a dot product is
 * one merge of two short sorted lists, with no hashing, and a vector makes two
 * allocations instead of a map's many (the decision takes dozens of products an article).
 */

export interface SparseVector {
  ids: Int32Array;
  weights: Float64Array;
}

export const EMPTY_VECTOR: SparseVector = { ids: new Int32Array(0), weights: new Float64Array(0) };

/**
 * Term ids, document frequencies and idf by id: typed arrays instead of maps of strings,
 * and an idf that is recomputed only once the collection has grown by 2% (log() per term
 * per lookup was the decision's hot path).
 */
export class Vocabulary {
  private readonly ids = new Map<string, number>();
  private df = new Int32Array(1024);
  private idfValue = new Float64Array(1024);
  private idfEpoch = new Int32Array(1024).fill(-1);
  private epoch = 0;
  private epochDocs = 0;
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

  /** Counts one document's distinct terms. */
  count(terms: string[]): void {
    this.docs++;
    for (const t of new Set(terms)) {
      const id = this.intern(t);
      this.df[id]!++;
      this.idfEpoch[id] = -1;
    }
  }

  dfOf(term: string): number {
    const id = this.lookup(term);
    return id < 0 ? 0 : this.df[id]!;
  }

  idfOf(id: number): number {
    if (this.docs > this.epochDocs * 1.02 + 1) {
      this.epoch++;
      this.epochDocs = this.docs;
    }
    if (this.idfEpoch[id] !== this.epoch) {
      this.idfValue[id] = Math.log((this.docs + 1) / (this.df[id]! + 0.5)) + 0.1;
      this.idfEpoch[id] = this.epoch;
    }
    return this.idfValue[id]!;
  }

  idf(term: string): number {
    const id = this.lookup(term);
    return id < 0 ? Math.log(this.docs + 1) + 0.1 - Math.log(0.5) : this.idfOf(id);
  }

  vector(terms: string[]): SparseVector {
    if (!terms.length) return EMPTY_VECTOR;
    const raw = Int32Array.from(terms, (t) => this.intern(t)).sort();
    let unique = 0;
    for (let i = 0; i < raw.length; i++) if (i === 0 || raw[i] !== raw[i - 1]) unique++;
    const ids = new Int32Array(unique);
    const weights = new Float64Array(unique);
    let norm = 0;
    for (let i = 0, k = -1; i < raw.length; i++) {
      if (i === 0 || raw[i] !== raw[i - 1]) {
        k++;
        ids[k] = raw[i]!;
        weights[k] = 0;
      }
      weights[k]!++;
    }
    for (let k = 0; k < unique; k++) {
      const x = (1 + Math.log(weights[k]!)) * this.idfOf(ids[k]!);
      weights[k] = x;
      norm += x * x;
    }
    norm = Math.sqrt(norm) || 1;
    for (let k = 0; k < unique; k++) weights[k]! /= norm;
    return { ids, weights };
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
      epoch: this.epoch, epochDocs: this.epochDocs, docs: this.docs,
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
    [this.epoch, this.epochDocs, this.docs] = [s.epoch, s.epochDocs, s.docs];
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
