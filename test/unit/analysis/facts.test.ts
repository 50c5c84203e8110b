import { describe, expect, it } from 'vitest';
import { extractFacts } from '../../../src/analysis/facts.js';

const keys = (s: string, publishedAt?: string) =>
  extractFacts(s, { publishedAt: publishedAt ? new Date(publishedAt) : undefined }).map((f) => f.key);

describe('extractFacts', () => {
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

  it('reads counts and durations but not generic counts', () => {
    const k = keys('A board of three American and three Ukrainian members will reinvest for ten years.');
    expect(k).toEqual(expect.arrayContaining(['count:3:american', 'count:3:ukrainian', 'duration:10:year']));
    expect(keys('The two sides met.')).not.toContain('count:2:side');
  });

  it('pins weekdays and year-less dates to the calendar of the publication date', () => {
    // 2025-04-29 was a Tuesday.
    expect(keys('The cabinet approved it on Tuesday.', '2025-04-29T09:00:00Z')).toContain('date:2025-04-29');
    expect(keys('In a post on April 16, she said so.', '2025-04-17T09:00:00Z')).toContain('date:2025-04-16');
  });

  it('reports realised legal steps, with what they act on, and skips hedged ones', () => {
    expect(keys('The deal was signed in Washington.')).toEqual(expect.arrayContaining(['event:sign', 'step:sign:washington']));
    expect(keys('Parliament ratified the agreement.')).toContain('event:ratify');
    expect(keys('The agreement entered into force on Friday.')).toContain('event:enter_force');
    expect(keys('The deal could be signed as early as this week.')).not.toContain('event:sign');
    expect(keys('Parliament would be required to approve it.')).not.toContain('event:approve');
    expect(keys('The legal basis is almost finalised.')).not.toContain('event:agree');
    expect(keys('The entrance was blocked by snow.')).toContain('event:reject');
  });

  it('finds people and institutions, keyed so name variants meet', () => {
    const a = keys('Prime Minister Denys Shmyhal said the cabinet agreed.');
    expect(a).toEqual(expect.arrayContaining(['entity:shmyhal', 'party:cabinet']));
    expect(keys('It was Volodymyr Zelenskyy who spoke.')).toContain('entity:zelensky');
    expect(keys('Then Zelensky spoke.')).toContain('entity:zelensky');
  });

  it('takes no names from Title Case headlines and no "first" from titles like First Deputy', () => {
    expect(keys('Minerals Fund Board Meets For The First Time').filter((k) => k.startsWith('entity:'))).toEqual([]);
    expect(keys('He named First Deputy Prime Minister Yulia Svyrydenko.').some((k) => k.startsWith('milestone:'))).toBe(false);
    expect(keys('The fund approved its first investment.')).toContain('milestone:invest');
  });
});
