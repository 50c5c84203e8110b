import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseFeed } from '../../../src/feeds/parser.js';
import { guessOutletSuffix, stripOutletSuffix } from '../../../src/feeds/outlet.js';
import { decodeGoogleNewsIdOffline, googleNewsId, unwrapBingLink } from '../../../src/feeds/enrich/links.js';
import { ROOT } from '../../helpers/paths.js';

const fixture = (name: string) => readFileSync(path.join(ROOT, 'test/fixtures/feeds', name), 'utf8');

describe('recorded feed shapes parse into articles with title, outlet, publisher URL and date', () => {
  it('Google News search: outlet from <source>, " - Outlet" stripped, headline-only description dropped, old ids decoded offline', async () => {
    const f = await parseFeed(fixture('google-news.xml'), 'https://news.google.com/rss/search?q=Ukraine+US+minerals+deal');
    expect(f.articles.map((a) => [a.title, a.source, a.publishedAt])).toEqual([
      ["What's in the US-Ukraine minerals agreement?", 'The Kyiv Independent', '2025-05-01T06:40:00.000Z'],
      ['Ukraine and US sign long-awaited minerals deal', 'Reuters', '2025-04-30T22:15:00.000Z'],
      ["Zelensky says minerals deal with US 'making good progress'", 'BBC', '2025-04-21T11:02:00.000Z'],
    ]);
    // The description only repeats the headline and the outlet: nothing to analyse there.
    expect(f.articles.map((a) => a.content)).toEqual(['', '', '']);
    // New-style ids need the decoder (a request); the old-style BBC id carries its URL.
    expect(f.articles[0]!.url).toMatch(/^https:\/\/news\.google\.com\/rss\/articles\/CBMiVkFVX3lx/);
    expect(f.articles[2]!.url).toBe('https://www.bbc.com/news/articles/cjjjnxdv188o');
  });

  it('Bing News search: outlet from News:Source, publisher URL unwrapped from apiclick.aspx without a request', async () => {
    const f = await parseFeed(fixture('bing-news.xml'), 'https://www.bing.com/news/search?q=Ukraine+US+minerals+deal&format=rss');
    expect(f.articles.map((a) => [a.title, a.source, a.url, a.publishedAt])).toEqual([
      ['US development agency commits $75m to reconstruction fund with Ukraine', 'Reuters', 'https://www.reuters.com/world/europe/us-dfc-commits-75-million-ukraine-fund-2025-05-20/', '2025-05-20T09:30:00.000Z'],
      ["Ukraine's parliament ratifies minerals deal with the United States", 'Ukrainska Pravda', 'https://www.pravda.com.ua/eng/news/2025/05/08/7511234/', '2025-05-08T15:05:00.000Z'],
    ]);
    expect(f.articles[1]!.content).toMatch(/^The Verkhovna Rada voted on Thursday to ratify/);
  });

  it('Kyiv Independent and Ukrainska Pravda publisher feeds: the feed title is the outlet, links are the articles', async () => {
    const ki = await parseFeed(fixture('kyiv-independent.xml'), 'https://kyivindependent.com/rss/');
    expect(ki.articles[0]).toMatchObject({
      title: 'Zelensky signs law ratifying minerals agreement with US', source: 'The Kyiv Independent',
      url: 'https://kyivindependent.com/zelensky-signs-law-ratifying-minerals-agreement/', publishedAt: '2025-05-12T09:00:00.000Z',
    });
    expect(ki.articles[0]!.content).toMatch(/^President Volodymyr Zelensky signed the law/);
    const up = await parseFeed(fixture('ukrainska-pravda.xml'), 'https://www.pravda.com.ua/eng/rss/');
    expect(up.articles.map((a) => [a.source, a.url, a.publishedAt])).toEqual([
      ['Ukrainska Pravda', 'https://www.pravda.com.ua/eng/news/2025/06/02/7514777/', '2025-06-02T13:45:00.000Z'],
      ['Ukrainska Pravda', 'https://www.pravda.com.ua/eng/news/2025/05/30/7514321/', '2025-05-30T09:10:00.000Z'],
    ]);
  });

  it('a syndication feed: outlet from dc:publisher, and its " - Outlet" suffix stripped', async () => {
    const f = await parseFeed(fixture('dc-publisher.rdf'), 'https://wire.example.org/rss');
    expect(f.articles[0]).toMatchObject({ title: 'Cabinet approves draft minerals agreement with the US', source: 'Interfax-Ukraine', url: 'https://interfax.example.com/news/1012' });
  });
});

describe('outlet names and aggregator links', () => {
  it('strips only the named outlet, and guesses a suffix only when it looks like a name', () => {
    expect(stripOutletSuffix('Deal signed – The Kyiv Independent', 'the kyiv independent')).toBe('Deal signed');
    expect(stripOutletSuffix('Reuters', 'Reuters')).toBe('Reuters');
    expect(stripOutletSuffix('Deal signed - AP News', 'Reuters')).toBe('Deal signed - AP News');
    expect(guessOutletSuffix('Ukraine and US sign minerals deal - AP News')).toBe('AP News');
    expect(guessOutletSuffix('Ukraine and US sign minerals deal - report')).toBeUndefined();
    expect(guessOutletSuffix('Deal - Reuters')).toBeUndefined();
    expect(guessOutletSuffix('Ukraine signs the deal - Is this the end of the long, hard road?')).toBeUndefined();
  });

  it('decodes Google News ids and Bing click links, and leaves other links alone', () => {
    expect(googleNewsId('https://news.google.com/rss/articles/CBMiVkFVX3lxTE4zaGU2?oc=5')).toBe('CBMiVkFVX3lxTE4zaGU2');
    expect(googleNewsId('https://news.google.com/read/CBMiVkFVX3lxTE4zaGU2?hl=en')).toBe('CBMiVkFVX3lxTE4zaGU2');
    expect(googleNewsId('https://evil.example/rss/articles/CBMiVkFVX3lxTE4zaGU2')).toBeUndefined();
    expect(decodeGoogleNewsIdOffline('CBMiVkFVX3lxTE4zaGU2bTY2ZGkzdTRkSkJ0cFpsTGlDUjkxU2FBRURaTWU0c3QzVWZ1MHZZNkZ5Vzk1ZVBnTDFHY2R6ZmdCUkpUTUJsS1pqQTlCRzlzbHV3')).toBeUndefined();
    expect(unwrapBingLink('http://www.bing.com/news/apiclick.aspx?ref=FexRss&url=javascript%3aalert(1)')).toBeUndefined();
    expect(unwrapBingLink('https://www.bing.com/search?url=https%3a%2f%2fx.example%2f')).toBeUndefined();
  });
});
