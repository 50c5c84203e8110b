import { describe, expect, it } from 'vitest';
import { containment, hamming, shingles, simhash } from '../../../src/analysis/dedup.js';

const a = 'The board of the joint fund held its first meeting in Kyiv on Friday and appointed an interim chief executive, the ministry said.';

describe('shingles and SimHash', () => {
  it('a verbatim copy is fully contained and has the same SimHash', () => {
    expect(containment(shingles(a), shingles(`${a} Extra closing line from the syndicator.`))).toBe(1);
    expect(hamming(simhash(shingles(a)), simhash(shingles(a)))).toBe(0);
  });

  it('unrelated text shares no shingles and is far in Hamming distance', () => {
    const b = 'Grain exports through Black Sea ports climbed in May as insurers cut premiums for cargo ships.';
    expect(containment(shingles(a), shingles(b))).toBe(0);
    expect(hamming(simhash(shingles(a)), simhash(shingles(b)))).toBeGreaterThan(10);
  });

  it('a light edit keeps most shingles', () => {
    const edited = a.replace('on Friday', 'on Friday morning');
    expect(containment(shingles(edited), shingles(a))).toBeGreaterThan(0.7);
  });
});
