/**
 * Copy detection: word shingles for containment ("how much of this text appears in
 * that one") and a 64-bit SimHash, kept as two 32-bit halves so the hot path never
 * touches BigInt, for finding near-identical syndicated copies in constant time.
 */
import { hash32, words } from './text.js';

const SHINGLE = 4;

/** Sorted, de-duplicated hashes of the text's overlapping 4-word windows. */
export function shingles(text: string): Uint32Array {
  const w = words(text);
  const set = new Set<number>();
  if (w.length < SHINGLE) {
    if (w.length) set.add(hash32(w.join(' ')));
  } else {
    for (let i = 0; i + SHINGLE <= w.length; i++) set.add(hash32(w.slice(i, i + SHINGLE).join(' ')));
  }
  return Uint32Array.from(set).sort();
}

/** Share of `a`'s shingles that also occur in `b` (both sorted). */
export function containment(a: Uint32Array, b: Uint32Array): number {
  if (a.length === 0) return 0;
  let i = 0;
  let j = 0;
  let hit = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      hit++;
      i++;
      j++;
    } else if (a[i]! < b[j]!) i++;
    else j++;
  }
  return hit / a.length;
}

export interface SimHash {
  hi: number;
  lo: number;
}

/** Charikar SimHash over the shingle hashes (a second hash gives the high half). */
export function simhash(sh: Uint32Array): SimHash {
  const acc = new Int32Array(64);
  for (const h of sh) {
    const h2 = mix32(h);
    for (let b = 0; b < 32; b++) {
      acc[b]! += (h >>> b) & 1 ? 1 : -1;
      acc[b + 32]! += (h2 >>> b) & 1 ? 1 : -1;
    }
  }
  let lo = 0;
  let hi = 0;
  for (let b = 0; b < 32; b++) {
    if (acc[b]! > 0) lo |= 1 << b;
    if (acc[b + 32]! > 0) hi |= 1 << b;
  }
  return { hi: hi >>> 0, lo: lo >>> 0 };
}

/** murmur3's finaliser: a second, independent-enough 32-bit hash from the first. */
function mix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

export function hamming(a: SimHash, b: SimHash): number {
  return popcount((a.hi ^ b.hi) >>> 0) + popcount((a.lo ^ b.lo) >>> 0);
}

/** Four 16-bit bands: two hashes within Hamming distance 3 share at least one band. */
export function simhashBands(h: SimHash): string[] {
  return [
    `0:${h.lo & 0xffff}`, `1:${h.lo >>> 16}`, `2:${h.hi & 0xffff}`, `3:${h.hi >>> 16}`,
  ];
}
