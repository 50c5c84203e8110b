import { describe, expect, it } from 'vitest';
import { parseCommand, parseWatchTerm, watchMatches } from '../../../src/chat/commands/parse.js';
import { matchQuery, parseQuery, prepareText } from '../../../src/chat/commands/watch-query.js';

const matches = (source: string, text: string) => {
  const term = parseWatchTerm(source);
  if ('error' in term) throw new Error(term.error);
  return watchMatches(term, text);
};

describe('watch terms with AND / OR / NOT', () => {
  it('the issue\'s example: a phrase AND a word NOT another', () => {
    const cmd = parseCommand('watch add "rare earth" AND fund NOT opinion');
    expect(cmd).toEqual({ ok: true, command: { name: 'watch', action: 'add', term: { kind: 'query', source: '"rare earth" AND fund NOT opinion' } } });
    expect(matches('"rare earth" AND fund NOT opinion', 'Rare-earth fund gets its first $75 million')).toBe(true);
    expect(matches('"rare earth" AND fund NOT opinion', 'Opinion: the rare earth fund is a mistake')).toBe(false);
    expect(matches('"rare earth" AND fund NOT opinion', 'Rare earth deal signed')).toBe(false);
    expect(matches('"rare earth" AND fund NOT opinion', 'A fund for earth that is rare')).toBe(false);
  });

  it('OR, AND NOT, parentheses and regexes inside a query', () => {
    expect(matches('lithium OR cobalt', 'Cobalt prices')).toBe(true);
    expect(matches('(lithium OR cobalt) AND NOT price', 'Cobalt prices')).toBe(true);
    expect(matches('(lithium OR cobalt) AND NOT prices', 'Cobalt prices')).toBe(false);
    expect(matches('/rati(fy|fied)/ AND rada', 'The Rada ratified the deal')).toBe(true);
    expect(matches('/rati(fy|fied)/ AND rada', 'The Senate ratified the deal')).toBe(false);
    // AND binds tighter than OR.
    expect(matches('a1 OR b1 AND c1', 'a1 only')).toBe(true);
    expect(matches('a1 OR b1 AND c1', 'b1 only')).toBe(false);
  });

  it('keeps the simple forms as they were', () => {
    expect(parseWatchTerm('lithium')).toEqual({ kind: 'word', source: 'lithium' });
    expect(parseWatchTerm('“joint fund”')).toEqual({ kind: 'phrase', source: '"joint fund"' });
    expect(parseWatchTerm('/rati(fy|fied)/')).toEqual({ kind: 'regex', source: '/rati(fy|fied)/' });
    expect(matches('fund', 'refunding')).toBe(false);
    // Lower-case "and" is a word, not an operator: two words need an operator between them.
    expect(parseWatchTerm('lithium and cobalt')).toEqual({ error: expect.stringMatching(/expected AND, OR or NOT before "and" .* at position 9$/) });
  });

  it('says where the mistake is', () => {
    const error = (s: string) => (parseWatchTerm(s) as { error: string }).error;
    expect(error('"rare earth AND fund')).toBe('the phrase opened here has no closing double quote at position 1');
    expect(error('"rare earth" AND')).toBe('expected a word, "phrase" or /regex/, found the end at position 17');
    expect(error('fund AND AND opinion')).toBe('expected a word, "phrase" or /regex/, found "AND" at position 10');
    expect(error('(lithium OR cobalt')).toBe('expected ")" to close the "(" at position 1, found the end at position 19');
    expect(error('lithium )')).toBe('unexpected ")" at position 9');
    expect(error('NOT opinion')).toMatch(/needs a word that must appear/);
    expect(error('fund AND /(a)\\1/')).toMatch(/^the regex \/\(a\)\\1\/ is refused: .* at position 10$/);
    expect(parseCommand('watch add fund AND')).toEqual({ ok: false, error: 'expected a word, "phrase" or /regex/, found the end at position 9' });
  });

  it('matches in one pass over the text\'s words: a long hostile text with many repeats is still one scan', () => {
    // Every word of the text is the phrase's first word, and the phrase never completes:
    // the check per occurrence stops at the first mismatch, so the work is bounded by
    // the text's length times the phrase's word count.
    const text = prepareText(`${'rare '.repeat(20_000)}earth`);
    expect(text.words).toHaveLength(20_001);
    expect(matchQuery(parseQuery('"rare rare rare earth" AND NOT opinion'), text)).toBe(true);
    expect(matchQuery(parseQuery('"rare rare earth earth"'), text)).toBe(false);
  });
});
