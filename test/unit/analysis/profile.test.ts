import { describe, expect, it } from 'vitest';
import { recordTagged, withoutTagger } from '../../../src/analysis/nlp.js';
import { cleanHeadline, detectGenre, prepareArticle } from '../../../src/analysis/profile.js';

const article = (title: string, content: string, source = 'reuters.com') => ({
  id: 'a1', title, content, source, url: 'https://example.net/a1', publishedAt: '2025-05-08T10:00:00Z',
});

describe('article profile', () => {
  it('strips an aggregator outlet suffix from the headline', () => {
    expect(cleanHeadline('Ukraine ratifies minerals deal - Reuters', 'Reuters')).toBe('Ukraine ratifies minerals deal');
    expect(cleanHeadline('Ukraine ratifies minerals deal - The Kyiv Independent', '')).toBe('Ukraine ratifies minerals deal');
    // A dash inside a headline is not an outlet.
    expect(cleanHeadline('US - Ukraine talks stall again over the fund terms', '')).toBe('US - Ukraine talks stall again over the fund terms');
  });

  it('recognises genre pieces by their label or their question', () => {
    expect(detectGenre('Opinion: the deal is a mistake')).toBe('opinion');
    expect(detectGenre('Explainer: how the fund works')).toBe('explainer');
    expect(detectGenre('What the ratified minerals deal means for Ukraine')).toBe('explainer');
    expect(detectGenre('Why the fund bets on graphite')).toBe('analysis');
    expect(detectGenre('Timeline: from proposal to signing')).toBe('timeline');
    expect(detectGenre('Rada ratifies minerals deal')).toBe('news');
  });

  it('takes a lesson piece and a how-to-watch preview for what they are, not for news', () => {
    expect(detectGenre('What the grid failure teaches us about backup power')).toBe('explainer');
    expect(detectGenre('How the port strike ended: lessons for unions')).toBe('explainer');
    expect(detectGenre('How to watch the Senate hearing on the rail merger')).toBe('explainer');
    // A how-to that tells of an event is still news.
    expect(detectGenre('How lawmakers voted on the rail merger')).toBe('news');
  });

  it('reads the genre a body declares: a label, or a commentary that argues', () => {
    expect(prepareArticle(article('The hidden price of the deal', 'Analysis. Ever since the bid, critics have lined up.')).genre).toBe('analysis');
    expect(prepareArticle(article('The deal deserves a chance', 'The block was a mistake, argues an Asia Times commentary.')).genre).toBe('opinion');
    expect(prepareArticle(article('Rada ratifies deal', 'Parliament ratified the agreement on Thursday.')).genre).toBe('news');
  });

  it('reads a headline-only item (title and outlet) as a headline with no body', () => {
    const p = prepareArticle(article('Rada ratifies minerals deal', 'Rada ratifies minerals deal\u00a0\u00a0reuters.com'));
    expect(p.body).toEqual([]);
    expect(p.headlineOnly).toBe(true);
    expect(p.main?.action).toBe('ratify');
  });

  it('keeps numbers as terms and names of the lede, not the concept names', () => {
    const p = prepareArticle(article('Fund gets $75 million', 'The DFC put $75 million into the fund run from Kyiv by Yulia Svyrydenko.'), {
      concepts: new Set(['svyrydenko', 'kyiv']),
    });
    expect(p.terms).toContain('#money:usd:75000000');
    expect(p.names).toContain('dfc');
    expect(p.names).not.toContain('yulia');
  });

  it('reads a quoted name without its quote marks, so two headlines quoting it share the name', () => {
    const p = prepareArticle(article("Sony keeps 'Call of Duty' on PlayStation", "Sony said 'Call of Duty' stays on PlayStation for ten years."));
    expect(p.names).toEqual(expect.arrayContaining(['duty', 'playstation']));
    expect(p.names.filter((n) => n.includes("'"))).toEqual([]);
  });

  it('dates the event when the lede gives a calendar day before publication', () => {
    const p = prepareArticle(article('Deal signed', 'On April 30, 2025 the two governments signed the agreement.'));
    expect(new Date(p.eventTime!).toISOString().slice(0, 10)).toBe('2025-04-30');
  });

  it('without the tagger, the frame is read by the lexicon alone, and the tagger is back afterwards, even after a throw', () => {
    const walkout = article('Boeing workers walk off the job over a garbage contract', 'Thousands of machinists stopped work at midnight.');
    // "walk" is in no lexicon: only the tagger reads it as the headline's verb.
    expect(prepareArticle(walkout).main?.action).toBe('~walk');
    expect(withoutTagger(() => prepareArticle(walkout).main?.action)).toBe('block');
    expect(() => withoutTagger(() => {
      throw new Error('boom');
    })).toThrow('boom');
    expect(prepareArticle(walkout).main?.action).toBe('~walk');
  });

  it('records the sentences it tags while asked to (the classify bench times them), and no more after', () => {
    const tagged: string[] = [];
    recordTagged(tagged);
    // A headline with no verb: the frame tags the first sentence too.
    prepareArticle(article('Minerals deal: the fine print', 'Ukraine ratified the minerals agreement on Thursday. Officials welcomed it.'));
    recordTagged(undefined);
    expect(tagged).toEqual(['Minerals deal: the fine print', 'Ukraine ratified the minerals agreement on Thursday.']);
    prepareArticle(article('Rada ratifies minerals deal', 'Parliament ratified the agreement on Thursday.'));
    expect(tagged).toHaveLength(2);
  });
});
