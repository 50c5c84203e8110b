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
 * @param id the term's id in a vocabulary (interned by the caller)
 * @param idf the term's inverse document frequency
 */
export function buildVector(terms: string[], id: (t: string) => number, idf: (t: string) => number): SparseVector {
  if (!terms.length) return EMPTY_VECTOR;
  const tf = new Map<string, number>();
  for (const t of terms) tf.set(t, (tf.get(t) ?? 0) + 1);
  const entries: Array<[number, number]> = [];
  let norm = 0;
  for (const [t, n] of tf) {
    const x = (1 + Math.log(n)) * idf(t);
    entries.push([id(t), x]);
    norm += x * x;
  }
  norm = Math.sqrt(norm) || 1;
  entries.sort((a, b) => a[0] - b[0]);
  const ids = new Int32Array(entries.length);
  const weights = new Float64Array(entries.length);
  entries.forEach(([i, x], k) => {
    ids[k] = i;
    weights[k] = x / norm;
  });
  return { ids, weights };
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
