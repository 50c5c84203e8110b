/** The story page's rendering (issue 24): feed strings escaped, only http(s) links, kinds and sizes in the SVG. */
import { describe, expect, it } from 'vitest';
import { renderStory, timelineSvg } from '../../../src/web/render.js';
import { buildTimeline, kindOf } from '../../../src/web/timeline.js';
import type { ProcessedArticle } from '../../../src/store/ports.js';

function entry(id: string, dev: string | null, over: Partial<ProcessedArticle['decision']> = {}, article: Partial<ProcessedArticle['article']> = {}): ProcessedArticle {
  return {
    article: { id, title: `title ${id}`, url: `https://news.test/${id}`, source: 'wire', publishedAt: `2025-05-0${id.slice(-1)}T12:00:00Z`, content: '', ...article },
    feedId: 'f', processedAt: '2025-05-09T00:00:00Z',
    decision: { relevant: dev !== null, novel: false, developmentId: dev, duplicateOf: null, relevance: 0.8, novelty: 0.5, summary: `summary ${id}`, facts: [], reasons: [], ...over },
  };
}

describe('story page rendering', () => {
  const entries = [
    entry('a1', 'd1', { novel: true, facts: ['count: 338 lawmakers'] }),
    entry('a2', 'd1', { duplicateOf: 'a1' }),
    entry('a3', 'd1', { novelty: 0.1 }),
    entry('a4', 'd1', { novelty: 0.9 }, { title: '<script>alert(1)</script>', url: 'javascript:alert(1)', source: 'evil<b>' }),
    entry('a5', 'd2', { novel: true }),
    entry('a6', null),
  ];

  it('groups reports into developments, newest first, each report called copy, rewrite or follow-up', () => {
    const t = buildTimeline({ id: 's', name: 'S' }, entries);
    expect(t.developments.map((d) => d.id)).toEqual(['d2', 'd1']);
    const d1 = t.developments[1]!;
    expect(d1.first.id).toBe('a1');
    expect(d1.later.map((r) => [r.id, r.relation])).toEqual([['a4', 'follow-up'], ['a3', 'rewrite'], ['a2', 'copy']]);
    expect(d1.later[0]!.url).toBe('');
  });

  it('escapes every feed string and links only http(s) pages', () => {
    const html = renderStory(buildTimeline({ id: 's', name: 'S <i>' }, entries));
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('<b>evil&lt;b&gt;</b>');
    expect(html).toContain('<h1>S &lt;i&gt;</h1>');
    expect(html).not.toMatch(/javascript:/i);
    expect(html).toContain('New: count: 338 lawmakers');
  });

  it('draws one mark per development, larger with more reports, coloured by kind', () => {
    const t = buildTimeline({ id: 's', name: 'S' }, entries, [
      { id: 'd1', headline: '', origin: 'stream', alerted: true, first: 0, last: 0, actions: { 'ratify/happened': 3 }, numbers: [], names: [], sources: [], reports: 4 },
      { id: 'd2', headline: '', origin: 'stream', alerted: true, first: 0, last: 0, actions: { 'vote/planned': 2, 'sign/failed': 1 }, numbers: [], names: [], sources: [], reports: 1 },
    ] as never);
    const svg = timelineSvg(t);
    const circles = [...svg.matchAll(/r="([\d.]+)" fill="(#\w+)"/g)].map((m) => [Number(m[1]), m[2]]);
    expect(circles).toHaveLength(2);
    expect(circles[0]![0]).toBeGreaterThan(circles[1]![0] as number);
    expect(circles.map((c) => c[1])).toEqual(['#1a7f37', '#0969da']);
    expect(kindOf({ actions: { 'reject/failed': 2, 'sign/happened': 1 } } as never)).toBe('setback');
  });
});
