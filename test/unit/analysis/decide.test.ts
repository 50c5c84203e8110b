import { describe, expect, it } from 'vitest';
import { decide, DECIDE_FEATURES, probability, scoreMatches } from '../../../src/analysis/decide.js';
import { DevelopmentIndex } from '../../../src/analysis/developments.js';
import { prepareArticle } from '../../../src/analysis/profile.js';
import { DECIDE_WEIGHTS } from '../../../src/analysis/weights.js';

const at = (id: string, title: string, content: string, day: string) =>
  prepareArticle({ id, title, content, source: `${id}.example`, url: `https://${id}.example/`, publishedAt: `${day}T12:00:00Z` });

function indexWith(...items: ReturnType<typeof at>[]) {
  const index = new DevelopmentIndex();
  for (const p of items) {
    index.count(p);
    index.open(`dev-${p.id}`, p, 'stream', true);
  }
  return index;
}

describe('join or open', () => {
  it('ships one weight per feature', () => {
    expect(DECIDE_WEIGHTS.features).toEqual(DECIDE_FEATURES);
    expect(DECIDE_WEIGHTS.weights).toHaveLength(DECIDE_FEATURES.length);
    expect(probability(DECIDE_WEIGHTS, DECIDE_FEATURES.map(() => 0))).toBeGreaterThan(0);
  });

  it('another outlet\'s rewrite the same day joins the development', () => {
    const first = at('a', 'Kyiv and Washington sign minerals deal', 'The United States and Ukraine signed the minerals agreement in Washington, creating a joint fund.', '2025-04-30');
    const rewrite = at('b', 'US and Ukraine ink key deal on critical minerals', 'Ukraine and the US have signed an agreement that sets up a joint investment fund.', '2025-04-30');
    const v = decide(scoreMatches(indexWith(first), rewrite));
    expect(v.kind).toBe('join');
  });

  it('the same action going from planned to done opens a new development', () => {
    const planned = at('a', 'Rada to vote on ratifying minerals deal next week', 'Parliament is expected to ratify the agreement with the United States on May 8.', '2025-05-02');
    const done = at('b', 'Rada ratifies minerals deal', 'The Verkhovna Rada ratified the agreement with the United States with 338 votes.', '2025-05-08');
    const [best] = scoreMatches(indexWith(planned), done);
    expect(best?.relation).toBe('progressed');
    expect(decide(scoreMatches(indexWith(planned), done)).kind).toBe('open');
  });

  it('months later, similar words are not the same event', () => {
    const old = at('a', 'Ukraine and US launch reconstruction fund', 'The two governments launched the reconstruction investment fund.', '2025-05-23');
    const later = at('b', 'Reconstruction fund launches first tender', 'The reconstruction investment fund launched its first tender for a lithium site.', '2025-11-02');
    expect(decide(scoreMatches(indexWith(old), later)).kind).toBe('open');
  });
});
