import { describe, expect, it } from 'vitest';
import { contentTerms, splitSentences, stem } from '../../../src/analysis/text.js';

describe('splitSentences', () => {
  it('splits on sentence ends but not on abbreviations, initials or decimals', () => {
    const text = 'The U.S. offered $1.5 billion. Lt. Gen. Keith Kellogg visited Kyiv. J. Smith said "yes." Then it ended.';
    expect(splitSentences(text)).toEqual([
      'The U.S. offered $1.5 billion.',
      'Lt. Gen. Keith Kellogg visited Kyiv.',
      'J. Smith said "yes."',
      'Then it ended.',
    ]);
  });

  it('treats paragraph breaks as sentence ends and drops empty lines', () => {
    expect(splitSentences('Headline without stop\n\nBody one. Body two\n')).toEqual(['Headline without stop', 'Body one.', 'Body two']);
  });
});

describe('stem and contentTerms', () => {
  it('folds inflections and British/American spellings onto one stem', () => {
    expect(stem('authorised')).toBe(stem('authorized'));
    expect(stem('authorises')).toBe(stem('authorize'));
    expect(stem('minerals')).toBe(stem('mineral'));
    expect(stem('ratified')).toBe(stem('ratifies'));
  });

  it('keeps "US" the country apart from "us" the pronoun', () => {
    expect(contentTerms('Give us the U.S. deal')).toEqual(['give', 'usa', 'deal']);
  });

  it('drops stop words and splits hyphenated words', () => {
    expect(contentTerms('The US-Ukraine fund was signed in Washington')).toEqual(['usa', 'ukrain', 'fund', 'sign', 'washington']);
  });
});
