import { describe, expect, it } from 'vitest';
import { extractNumberFacts } from '../../../src/analysis/facts.js';

const keys = (s: string, publishedAt?: string) =>
  extractNumberFacts(s, { publishedAt: publishedAt ? new Date(publishedAt) : undefined }).map((f) => f.key);

describe('extractNumberFacts', () => {
  it('normalises amounts so "$500bn" and "$500 billion" are one fact', () => {
    expect(keys('Trump wanted $500bn.')).toContain('money:usd:500000000000');
    expect(keys('Trump wanted $500 billion.')).toContain('money:usd:500000000000');
    expect(keys('It put 75 million dollars in.')).toContain('money:usd:75000000');
  });

  it('reads percentages, "half of" and votes', () => {
    expect(keys('Ukraine will contribute 50% of proceeds.')).toContain('percent:50');
    expect(keys('The fund gets half of revenues.')).toContain('percent:50');
    expect(keys('The law passed with 338 votes.')).toContain('vote:338');
    expect(keys('The Senate approved it in a 51-49 vote.')).toContain('vote:51-49');
  });

  it('reads a tally once, and never the tail of a bigger number as one', () => {
    // Each was two facts ("vote: 338 votes", "count: 338 votes"), and "1,500 votes" a 500-vote tally.
    expect(keys('The law passed with 338 votes.')).toEqual(['vote:338']);
    expect(keys('The Senate approved it in a 51-49 vote.')).toEqual(['vote:51-49']);
    expect(keys('Members cast 1,500 votes.')).toEqual(['count:1500:vote']);
    // The tally as a headline and a lede write it.
    expect(keys('Rada backs minerals accord in 338-vote ratification')).toEqual(['vote:338']);
    expect(keys('The Rada ratified it, with 338 lawmakers voting in favour.')).toEqual(['vote:338']);
  });

  it('reads counts and durations but not generic counts', () => {
    const k = keys('A board of three American and three Ukrainian members will reinvest for ten years.');
    expect(k).toEqual(expect.arrayContaining(['count:3:american', 'count:3:ukrainian', 'duration:10:year']));
    expect(keys('The two sides met.')).not.toContain('count:2:side');
  });

  it('counts nouns, not function words, names or dates after a number', () => {
    // Each of these was an alert fact: "count: four for", "count: 751 President", "vote: 4 vote", "count: 19 vaccines".
    expect(keys('The union voted four for and one against.')).toEqual([]);
    expect(keys('IAM Local 751 President Jon Holden spoke.')).toEqual([]);
    expect(keys('Union endorses offer ahead of Nov. 4 vote', '2024-10-31T09:00:00Z')).toEqual(['date:2024-11-04']);
    expect(keys('COVID-19 vaccines were shared.')).toEqual([]);
    expect(keys('Talks missed the 10 May deadline.', '2024-10-31T09:00:00Z')).toEqual(['date:2024-05-10']);
    // Past a name to the noun it qualifies; an acronym is what it counts.
    expect(keys('3,200 Boeing workers began a strike.')).toEqual(['count:3200:worker']);
    expect(keys('338 MPs supported the bill.')).toEqual([expect.stringMatching(/^count:338:mp/)]);
    // Past a qualifier too: the alert reads "7,000 cancelled flights", not "7,000 cancelled".
    expect(extractNumberFacts('About 7,000 cancelled flights followed.').map((f) => f.text)).toEqual(['7,000 cancelled flights']);
    expect(keys('Nearly 33,000 striking machinists returned.')).toEqual(['count:33000:machinist']);
  });

  it('reads no month from a modal or a verb ("may", "march"), only from a calendar word', () => {
    expect(keys('Officials said they may march on Friday.', '2025-04-10T09:00:00Z')).toEqual(['date:2025-04-11']);
    expect(keys('Talks may resume in May.', '2025-04-10T09:00:00Z')).toEqual(['date:2025-05']);
    expect(keys('TRUMP SIGNS DEAL ON MAY 1', '2025-04-10T09:00:00Z')).toEqual(['date:2025-05-01']);
  });

  it('gives a fact its words without the punctuation after them', () => {
    expect(extractNumberFacts('In October, the union rejected it.', { publishedAt: new Date('2024-10-31') })[0]?.text).toBe('October');
  });

  it('pins weekdays and year-less dates to the calendar of the publication date', () => {
    // 2025-04-29 was a Tuesday.
    expect(keys('The cabinet approved it on Tuesday.', '2025-04-29T09:00:00Z')).toContain('date:2025-04-29');
    expect(keys('In a post on April 16, she said so.', '2025-04-17T09:00:00Z')).toContain('date:2025-04-16');
  });

  it('reads calendar dates, not relative spans, times of day or names that look like weekdays', () => {
    const at = '2024-08-05T09:00:00Z';
    expect(keys('The outage on the morning of July 19 set off a meltdown.', at)).toContain('date:2024-07-19');
    for (const s of ['Talks collapsed last month.', 'A ruling is due within two months.', 'It began three months ago.', 'Work moves to Mon Valley Works.']) {
      expect(keys(s, at).filter((k) => k.startsWith('date:'))).toEqual([]);
    }
    expect(extractNumberFacts('Members voted on Thursday evening.', { publishedAt: new Date(at) }).find((f) => f.kind === 'date')?.text).toMatch(/^on Thursday \(2024-08-\d\d\)$/);
  });

  it('counts nothing in a clock time or in the day of a date', () => {
    const at = '2024-08-05T09:00:00Z';
    expect(keys('The update went out at 04:09 UTC on July 19.', at).filter((k) => k.startsWith('count:'))).toEqual([]);
    expect(keys('The outage on July 19 set off a meltdown with 6,000 cancellations.', at).filter((k) => k.startsWith('count:'))).toEqual(['count:6000:cancel']);
  });

  it('reads a number inside a name as part of it, not as a count', () => {
    const counts = (s: string) => keys(s).filter((k) => k.startsWith('count:'));
    expect(counts('IAM 751 now represents 33,000 workers.')).toEqual(['count:33000:worker']);
    expect(counts('Members of IAM District 751 voted to strike.')).toEqual([]);
    expect(counts('Tariffs under Section 232 tariffs rose.')).toEqual([]);
    // A sentence's first word is capitalised whatever it is.
    expect(counts('Nearly 33,000 workers walked out.')).toEqual(['count:33000:worker']);
    expect(counts('Boeing has 33,000 workers.')).toEqual(['count:33000:worker']);
  });
});

