/**
 * Concept groups as a user writes them: names as written, words in any of their usual forms.
 */
import { describe, expect, it } from 'vitest';
import { matchGroups } from '../../../src/analysis/relevance.js';
import type { StoryDefinition } from '../../../src/domain/story.js';

const story: StoryDefinition = {
  id: 'acme-strike',
  name: 'Acme strike',
  description: 'Machinists at Acme on strike.',
  groups: [
    { name: 'company', required: true, terms: ['Acme', 'ACME Corp'] },
    { name: 'labour', required: true, terms: ['strike', 'ratify', 'walkout', 'union contract'] },
  ],
  minRelevance: 0.7,
};

const labour = (text: string) => matchGroups(story, [text]).matched.find((m) => m.group === 'labour')?.terms;

describe('concept groups', () => {
  it('a one-word term in lower case also matches its -ing and -ed forms, and says the term as written', () => {
    expect(labour('Acme and striking workers resume talks')).toEqual(['strike']);
    expect(labour('Acme members ratified the offer')).toEqual(['ratify']);
    expect(labour('Acme workers ratifying the offer')).toEqual(['ratify']);
    expect(labour('Acme union ratifies the offer')).toEqual(['ratify']);
    expect(labour('Acme walkouts spread')).toEqual(['walkout']);
  });

  it('names and phrases are matched as written, plurals aside', () => {
    expect(matchGroups(story, ['Acmeing is not a word']).missing).toContain('company');
    expect(labour('Acme union contracts expire')).toEqual(['union contract']);
    expect(labour('Acme union contracting expires')).toBeUndefined();
    expect(labour('Acme strikers gather')).toBeUndefined();
  });
});
