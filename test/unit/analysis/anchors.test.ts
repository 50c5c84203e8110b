import { describe, expect, it } from 'vitest';
import { AnchorStats } from '../../../src/analysis/anchors.js';

describe('story anchors', () => {
  it('a name the story uses twice and its near misses do not is an anchor', () => {
    const a = new AnchorStats(['Ukraine', 'Verkhovna Rada']);
    a.addStory(['dobra', 'telegram']);
    a.addStory(['dobra']);
    a.addNearMiss(['telegram']);
    expect(a.find(['dobra', 'telegram', 'congo'])).toEqual(['dobra']);
  });

  it('concept words are the groups\' business, never anchors', () => {
    const a = new AnchorStats(['Verkhovna Rada']);
    a.addStory(['rada']);
    a.addStory(['rada']);
    expect(a.find(['rada'])).toEqual([]);
  });

  it('a name the story never used is a stranger', () => {
    const a = new AnchorStats(['Ukraine']);
    a.addStory(['dobra']);
    expect(a.strangers(['dobra', 'congo', 'ukraine'])).toEqual(['congo']);
  });
});
