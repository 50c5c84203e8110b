import { afterEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { extractArticle } from '../../../../src/feeds/enrich/extract.js';
import { createExtractPool } from '../../../../src/feeds/enrich/extract-pool.js';
import { worstLoopLag } from '../../../helpers/loop-lag.js';
import { ROOT } from '../../../helpers/paths.js';

const page = readFileSync(path.join(ROOT, 'test/fixtures/hostile/asks-and-template.html'), 'utf8');
const ARTICLE = [
  'The city council passed the 2026 budget on Tuesday evening by a vote of nine to four, ending a debate that had run for three weeks and drawn hundreds of residents to public hearings.',
  'The budget raises spending on transit by 12 percent and freezes property taxes for a second year, a compromise the mayor described as the best the city could afford.',
  'Opponents said the transit increase would be spent before the new lines open, and several members asked for a quarterly report on the spending, which the council agreed to.',
  'The budget takes effect on 1 January, and the first quarterly report is due in April, the council clerk said after the vote.',
];
const pools: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  while (pools.length) await pools.pop()!.close();
});

describe('Readability output without templates and in-article asks (issue 22 item 13)', () => {
  it('drops <template> content and newsletter, donation and subscription boxes with no telling class names, keeping every paragraph', async () => {
    for (const s of ['Template placeholder', 'Sign up for our free morning briefing', 'Get the Ledger in your inbox', 'Independent local journalism needs your support', 'Donate now', 'unlimited access']) expect(page).toContain(s);
    const pool = createExtractPool({ size: 1 });
    pools.push(pool);
    const { result, worstLagMs } = await worstLoopLag(() => pool.extract(page, 200_000, 10_000));
    expect(result?.text.split('\n')).toEqual(ARTICLE);
    expect(worstLagMs).toBeLessThan(500);
  });

  it('keeps an article paragraph that links to a sign-up page without pitching anything', () => {
    const html = `<html><body><article><h1>Consultation opens</h1>
<p>${ARTICLE[0]}</p>
<p>Residents can sign up to speak at the hearing on the city's website, <a href="https://city.example/consultation/register">register here</a>, until Friday noon.</p>
<p>${ARTICLE[1]}</p><p>${ARTICLE[2]}</p></article></body></html>`;
    expect(extractArticle(html, 200_000)?.text).toContain('Residents can sign up to speak at the hearing');
  });

  it('a short article with an ask under it keeps the article and loses the ask', () => {
    const html = `<html><body><nav>${'<a href="/s">Section</a> '.repeat(30)}</nav><div class="post"><h1>Fund gets $75m</h1>
<p>The development agency will put $75 million into the reconstruction fund, matching the other side's contribution, the agency said on Wednesday.</p>
<div><p>Your support keeps us independent.</p><a href="/donate">Give</a></div></div><footer>${'Links '.repeat(60)}</footer></body></html>`;
    const text = extractArticle(html, 200_000)?.text ?? '';
    expect(text).toContain('The development agency will put $75 million');
    expect(text).not.toContain('Your support keeps us independent');
  });
});
