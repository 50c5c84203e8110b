import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { extractArticle } from '../../../../src/feeds/enrich/extract.js';
import { ROOT } from '../../../helpers/paths.js';

interface Page { id: string; layout: string; title: string; paragraphs: string[]; boilerplate: string[] }
const dir = path.join(ROOT, 'test/fixtures/pages');
const pages = JSON.parse(readFileSync(path.join(dir, 'pages.json'), 'utf8')) as Page[];

describe('extraction quality on fixture pages built like real news pages', () => {
  it('there are at least 10 pages, in five different site layouts', () => {
    expect(pages.length).toBeGreaterThanOrEqual(10);
    expect(new Set(pages.map((p) => p.layout)).size).toBe(5);
  });

  it.each(pages.map((p) => [p.id, p.layout, p] as const))('%s (%s): every paragraph of the article, none of the navigation, ads, comments or footer', (_id, _layout, page) => {
    const html = readFileSync(path.join(dir, `${page.id}.html`), 'utf8');
    // Each boilerplate string is really on the page: its absence below means something.
    for (const b of page.boilerplate) expect(html).toContain(b.replace(/&/g, '&amp;'));
    const got = extractArticle(html, 200_000);
    expect(got).toBeDefined();
    const lines = got!.text.split('\n');
    for (const p of page.paragraphs) expect(lines).toContain(p);
    for (const b of page.boilerplate) expect(got!.text).not.toContain(b);
  });

  it('a page with no article in it gives nothing rather than its menu', () => {
    const html = '<html><body><nav><ul><li><a href="/a">Home</a></li><li><a href="/b">World</a></li></ul></nav><footer>© 2025</footer></body></html>';
    expect(extractArticle(html, 1000)?.text ?? '').not.toMatch(/Home|World/);
  });
});
