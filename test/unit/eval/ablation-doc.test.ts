import { describe, expect, it } from 'vitest';
import { evaluationDoc, formatAblation } from '../../../src/cli/eval.js';
import type { Summary } from '../../../src/eval/loso.js';

const summary = (view: Summary['view'], meanHeldOut: number): Summary => ({
  view, stories: 8, meanHeldOut, meanShipped: meanHeldOut, meanKeyword: 0.5, meanFsd: 0.5, misses: [],
});

describe('what the tagger buys, as eval prints and documents it', () => {
  const withTagger = [summary('full', 0.819), summary('headline', 0.734)];
  const without = [summary('full', 0.796), summary('headline', 0.643)];

  it('gives each shape its mean without and with the tagger, and the difference with its sign', () => {
    expect(formatAblation(withTagger, without)).toEqual([
      'full: 0.796 without, 0.819 with (+0.023)',
      'headline: 0.643 without, 0.734 with (+0.091)',
    ]);
    expect(formatAblation([summary('full', 0.7)], [summary('full', 0.75)])).toEqual(['full: 0.750 without, 0.700 with (-0.050)']);
  });

  it('puts the comparison in docs/evaluation.md only when the run measured it', () => {
    const at = new Date('2026-12-07T15:00:00Z');
    expect(evaluationDoc([], withTagger, at, without)).toContain('## What the part-of-speech tagger buys\n\nThe same leave-one-story-out run');
    expect(evaluationDoc([], withTagger, at, without)).toContain('- headline: 0.643 without, 0.734 with (+0.091)');
    expect(evaluationDoc([], withTagger, at)).not.toContain('tagger buys');
  });
});
