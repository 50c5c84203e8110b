/**
 * Retirement edits only the posting lists of the developments that leave, and renumbers
 * the slots now and then: neither may change what a search finds among the kept ones.
 */
import { describe, expect, it } from 'vitest';
import { DevelopmentIndex } from '../../../src/analysis/developments.js';
import { prepareArticle } from '../../../src/analysis/profile.js';
import { generateStream } from '../../../src/bench/generate.js';

const DAY = 86_400_000;

describe('development index retirement', () => {
  it('candidates are always kept developments, and renumbering the slots changes no search', () => {
    const ix = new DevelopmentIndex();
    // Four articles a day for 750 days, a 20-day window: about 2,000 opened, under 100 kept at a time.
    const profiles = generateStream(3000, 5).map((a) => prepareArticle(a));
    let opened = 0;
    profiles.forEach((p, i) => {
      ix.count(p);
      const found = ix.candidates(p);
      const kept = new Set(ix.developments);
      expect(found.every((d) => kept.has(d))).toBe(true);
      if (found[0] && i % 3 === 0) ix.join(found[0], p, 'stream');
      else (ix.open(`d${i}`, p, 'stream', false), opened++);
      ix.retire(p.time - 20 * DAY);
    });
    const live = ix.developments.length;
    expect(opened).toBeGreaterThan(2 * live + 1024);
    // Renumbered along the way: slots stay below what was ever opened.
    expect(Math.max(...ix.developments.map((d) => d.index))).toBeLessThan(2 * live + 1024);
    expect(new Set(ix.developments.map((d) => d.index)).size).toBe(live);

    const probes = profiles.slice(-200);
    const before = probes.map((p) => ix.candidates(p).map((d) => d.id));
    (ix as unknown as { renumber(): void }).renumber();
    expect(ix.developments.map((d) => d.index)).toEqual(ix.developments.map((_, i) => i));
    expect(probes.map((p) => ix.candidates(p).map((d) => d.id))).toEqual(before);
  });
});
