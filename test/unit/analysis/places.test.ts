/** Places for `ask`'s "where": after a preposition of place, in a dateline, and courts anywhere. */
import { describe, expect, it } from 'vitest';
import { extractPlaces } from '../../../src/analysis/places.js';
import { questionKind } from '../../../src/chat/commands/question.js';

const texts = (s: string) => extractPlaces(s).map((p) => p.text);

describe('extractPlaces', () => {
  it('reads a name after in / at / to, past an adjective, and not a month or a weekday', () => {
    expect(texts('The negotiating body held its second meeting in Geneva this week.')).toEqual(['Geneva']);
    expect(texts('Statements were delivered on Tuesday in a packed Washington courtroom.')).toEqual(['Washington']);
    expect(texts('The acting secretary has travelled to Seattle to meet both sides.')).toEqual(['Seattle']);
    expect(texts('The talks resume in March.')).toEqual([]);
  });

  it('reads a dateline, in capitals or not', () => {
    expect(texts('SEATTLE (Oct. 21) - IAM 751 said early Saturday that a proposal was reached.')).toContain('Seattle');
    expect(texts('STRASBOURG - EU lawmakers on Wednesday approved the rules.')).toContain('Strasbourg');
  });

  it('tells courts apart, whole, with a circuit number, wherever they stand', () => {
    const places = extractPlaces('Delta Air Lines on Friday sued CrowdStrike in Fulton County Superior Court in Georgia.');
    expect(places).toContainEqual({ text: 'Fulton County Superior Court', court: true });
    expect(places).toContainEqual({ text: 'Georgia', court: false });
    expect(texts('The San Francisco-based 9th U.S. Circuit Court of Appeals upheld the order.')).toContain('9th U.S. Circuit Court of Appeals');
  });
});

describe('questionKind', () => {
  it('where, in which city, which court ask for a place; which official for a person; which deposit for a name', () => {
    expect(questionKind('Where did the secretary travel?')).toBe('where');
    expect(questionKind('In which city were the talks held?')).toBe('where');
    expect(questionKind('In which court did Delta sue?')).toBe('where');
    expect(questionKind('Which federal official helped the two sides?')).toBe('who');
    expect(questionKind('Which lithium deposit was put out to tender?')).toBe('name');
    expect(questionKind('What full-year revenue did the company forecast?')).toBe('amount');
  });
});
