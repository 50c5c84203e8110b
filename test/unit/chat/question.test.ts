/** Question kinds and the periods questions name, against a fixed "now". */
import { describe, expect, it } from 'vitest';
import { parsePeriod, parseQuestion, questionKind } from '../../../src/chat/commands/question.js';

const now = new Date('2026-12-02T10:00:00Z'); // a Wednesday
const day = (s: string) => Date.parse(`${s}T00:00:00Z`);

describe('questions', () => {
  it('tells the kind from the first question phrase', () => {
    expect(questionKind('When did Ukraine\'s parliament ratify the deal?')).toBe('when');
    expect(questionKind('How much did the DFC commit?')).toBe('amount');
    expect(questionKind('How many joint projects were announced, and by when?')).toBe('count');
    expect(questionKind('Who won the tender?')).toBe('who');
    expect(questionKind('Which companies won the tender?')).toBe('who');
    expect(questionKind('What is the joint fund called?')).toBe('name');
    expect(questionKind('What happened since Monday?')).toBe('happened');
    expect(questionKind('What was the latest development in January 2026?')).toBe('happened');
    expect(questionKind('What did the New York Times report?')).toBe('other');
  });

  it('reads absolute days, months, years and ranges', () => {
    expect(parsePeriod('What did they sign on 17 April 2025?', now)!.period).toMatchObject({ from: day('2025-04-17'), to: day('2025-04-18') - 1, label: '17 April 2025' });
    expect(parsePeriod('What happened between 1 and 10 May 2025?', now)!.period).toMatchObject({ from: day('2025-05-01'), to: day('2025-05-11') - 1, label: '1 May 2025 to 10 May 2025' });
    expect(parsePeriod('the latest development in January 2026', now)!.period).toMatchObject({ from: day('2026-01-01'), to: day('2026-02-01') - 1, label: 'January 2026' });
    expect(parsePeriod('what happened in 2025', now)!.period).toMatchObject({ from: day('2025-01-01'), to: day('2026-01-01') - 1 });
    // A month without a year means that month in whichever year the coverage has it.
    expect(parsePeriod('What did Ukraine propose in June?', now)!.period.yearless).toEqual({ month: 5 });
    // "may" the verb is not a month.
    expect(parsePeriod('Who may sign the deal?', now)).toBeUndefined();
  });

  it('reads periods relative to now', () => {
    expect(parsePeriod('what happened last week', now)!.period).toMatchObject({ from: now.getTime() - 7 * 86_400_000, to: now.getTime() });
    expect(parsePeriod('what happened since Monday?', now)!.period).toMatchObject({ from: day('2026-11-30'), to: now.getTime() });
    expect(parsePeriod('anything in the past 3 days', now)!.period).toMatchObject({ from: now.getTime() - 3 * 86_400_000 });
    expect(parsePeriod('what happened yesterday', now)!.period).toMatchObject({ from: day('2026-12-01'), to: day('2026-12-02') - 1 });
  });

  it('searches for the content words only, date and frame words left out', () => {
    expect(parseQuestion('What happened to the fund in June 2025?', now).terms).toEqual(['fund']);
    expect(parseQuestion('What is the joint fund called?', now).terms).toEqual(['joint', 'fund']);
    expect(parseQuestion('When did parliament ratify the deal?', now).actions.map((a) => a.action)).toEqual(['ratify']);
  });
});
