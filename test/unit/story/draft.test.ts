/** Drafting a story's concept groups from its seeds (issue 24): parties with their spellings, the subject, and why. */
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { draftStory } from '../../../src/story/draft.js';
import { clusterNames, nameMentions } from '../../../src/story/names.js';
import { parseSeedSpec, pageDate } from '../../../src/story/seeds.js';
import { ROOT } from '../../helpers/paths.js';

function seedsIn(dir: string) {
  return readdirSync(dir).sort().map((f) => {
    const lines = readFileSync(path.join(dir, f), 'utf8').split('\n');
    const i = lines.findIndex((l) => l.trim());
    return { title: lines[i]!.trim(), content: lines.slice(i + 1).join('\n') };
  });
}

const group = (d: ReturnType<typeof draftStory>, term: string) => d.groups.find((g) => g.terms.includes(term));

describe('story drafting', () => {
  it('joins a party\'s spellings: acronym, first word, demonym, the person its title introduces', () => {
    const ties: Array<[string, string]> = [];
    const text = [
      'The U.S. Department of Justice sued Google on Tuesday. The DOJ said Google broke the law.',
      'Microsoft agreed to buy Activision Blizzard. Activision shares rose, and Microsoft CEO Satya Nadella spoke.',
      'Ukrainian officials met in Kyiv. Ukraine said the talks went well.',
    ];
    const clusters = clusterNames(nameMentions(text, ties), ties);
    const of = (name: string) => clusters.find((c) => c.variants.includes(name))?.variants ?? [];
    expect(of('DOJ')).toContain('U.S. Department of Justice');
    expect(of('Activision')).toContain('Activision Blizzard');
    expect(of('Ukraine')).toEqual(expect.arrayContaining(['Ukrainian', 'Kyiv']));
    expect(of('Microsoft')).toContain('Satya Nadella');
    expect(of('Microsoft')).not.toContain('Activision');
  });

  it('drafts the minerals deal from its seeds: Ukraine and the US as parties, minerals as the subject', () => {
    const d = draftStory(seedsIn(path.join(ROOT, 'config/stories/minerals-deal/corpus')));
    expect(group(d, 'Ukraine')?.terms).toEqual(expect.arrayContaining(['Ukrainian', 'Zelensky']));
    expect(group(d, 'US')?.terms).toContain('United States');
    expect(group(d, 'mineral')?.name).toBe('subject');
    expect(d.groups.every((g) => g.required)).toBe(true);
    expect(d.minRelevance).toBe(0.7);
    expect(d.why.join('\n')).toMatch(/party "Ukraine": named in 5 of 5 seeds/);
  });

  it('drafts the CrowdStrike outage with the company, its CEO, and the outage', () => {
    const d = draftStory(seedsIn(path.join(ROOT, 'eval/crowdstrike-outage/story/corpus')));
    expect(group(d, 'CrowdStrike')?.terms).toContain('Kurtz');
    expect(group(d, 'outage')?.name).toBe('subject');
    // Words any report uses are never the subject.
    expect(d.groups.flatMap((g) => g.terms)).not.toContain('year');
  });

  it('says so when nothing recurs across the seeds', () => {
    const d = draftStory([{ title: 'x', content: '' }]);
    expect(d.groups).toEqual([]);
    expect(d.why.join(' ')).toMatch(/give more seeds/);
  });
});

describe('seed specs and page dates', () => {
  it('reads an @date suffix, and leaves an @ inside a URL alone', () => {
    expect(parseSeedSpec('corpus/001.txt@2025-03-04T12:00:00Z')).toEqual({ source: 'corpus/001.txt', date: new Date('2025-03-04T12:00:00Z') });
    expect(parseSeedSpec('a.txt@2025-03-04').date?.toISOString()).toBe('2025-03-04T12:00:00.000Z');
    expect(parseSeedSpec('https://x.test/@user/post')).toEqual({ source: 'https://x.test/@user/post' });
    expect(() => parseSeedSpec('a.txt@2025-13-45')).toThrow(/not a date/);
  });

  it('finds a page\'s date in metadata, JSON-LD, <time> or the URL, in that order', () => {
    const meta = '<html><head><meta property="article:published_time" content="2025-02-22T10:00:00Z"></head></html>';
    expect(pageDate(meta, 'https://x.test/a')?.date.toISOString()).toBe('2025-02-22T10:00:00.000Z');
    const ld = '<script type="application/ld+json">{"@graph":[{"@type":"NewsArticle","datePublished":"2024-09-08T08:00:00-07:00"}]}</script>';
    expect(pageDate(ld, 'https://x.test/a')?.from).toMatch(/JSON-LD/);
    expect(pageDate('<time datetime="2021-04-21">x</time>', 'https://x.test/a')?.date.toISOString()).toBe('2021-04-21T12:00:00.000Z');
    expect(pageDate('<p>no date</p>', 'https://x.test/2024/07/19/outage')?.from).toMatch(/URL/);
    expect(pageDate('<p>no date</p>', 'https://x.test/outage')).toBeUndefined();
  });
});

describe('event families', () => {
  it('widens a subject with the words reports use for the same kind of event, and says so', async () => {
    const { familyOf } = await import('../../../src/story/synonyms.js');
    expect(familyOf(['acquisition', 'metaverse'])).toEqual(expect.arrayContaining(['takeover', 'buyout']));
    expect(familyOf(['metaverse'])).toEqual([]);
    const d = draftStory(seedsIn(path.join(ROOT, 'eval/microsoft-activision/story/corpus')));
    expect(group(d, 'acquisition')?.terms).toContain('buyout');
    expect(d.why.join('\n')).toMatch(/subject widened with words reports use for the same kind of event: .*buyout/);
  });
});
