import { describe, expect, it } from 'vitest';
import { htmlToText, MAX_HTML_TO_TEXT_CHARS } from '../../../src/feeds/html.js';
import { OFF_THREAD_FEED_CHARS, parseFeed } from '../../../src/feeds/parser.js';
import { worstLoopLag } from '../../helpers/loop-lag.js';

const feedWith = (description: string) => `<?xml version="1.0"?><rss version="2.0"><channel><title>Hostile</title>
<item><title>Ordinary headline</title><link>https://hostile.test/a</link><guid>h1</guid><description>${description}</description></item>
</channel></rss>`;

describe('HTML to text on hostile markup (issue 22 item 8)', () => {
  it('a feed item whose description is 120,000 "<" leaves the event loop responsive', async () => {
    const xml = feedWith('&lt;'.repeat(120_000));
    const { result, worstLagMs } = await worstLoopLag(() => parseFeed(xml, 'https://hostile.test/feed.xml'));
    expect(result.articles).toHaveLength(1);
    expect(result.articles[0]!.title).toBe('Ordinary headline');
    expect(worstLagMs).toBeLessThan(500);
  });

  it('unterminated comments, tags and scripts cost one pass each', async () => {
    const inputs = ['<!--'.repeat(100_000), '<a '.repeat(150_000), '<script>'.repeat(60_000), '<p'.repeat(200_000) + '>text'];
    const { result, worstLagMs } = await worstLoopLag(() => inputs.map((s) => htmlToText(s)));
    expect(result.slice(0, 3)).toEqual(['', '', '']);
    expect(worstLagMs).toBeLessThan(500);
  });

  it('reads no further than its cap', () => {
    const text = htmlToText('<p>' + 'a'.repeat(MAX_HTML_TO_TEXT_CHARS * 2) + '</p>');
    expect(text.length).toBe(MAX_HTML_TO_TEXT_CHARS - 3);
  });

  it('keeps paragraphs and decodes entities, and drops what a reader never sees', () => {
    expect(htmlToText('<p>One &amp; two&hellip;</p><template><p>Hidden</p></template><p>Three<br>four</p><!-- x -->'))
      .toBe('One & two…\nThree\nfour');
  });

  it('a 4 MB feed of 16,000 items is parsed off the event loop, with the same answer and errors as on it', async () => {
    const items = Array.from({ length: 16_000 }, (_, i) => `<item><title>Headline number ${i} about the council budget</title><link>https://big.test/a/${i}</link><guid>b${i}</guid><pubDate>${new Date(Date.UTC(2025, 0, 1) + i * 60_000).toUTCString()}</pubDate><description>&lt;p&gt;A paragraph of text for item ${i}, of an ordinary length for a feed description.&lt;/p&gt;</description></item>`);
    const xml = `<?xml version="1.0"?><rss version="2.0"><channel><title>Big</title>${items.join('')}</channel></rss>`;
    expect(xml.length).toBeGreaterThan(4_000_000);
    const { result, worstLagMs } = await worstLoopLag(() => parseFeed(xml, 'https://big.test/feed.xml'));
    expect(result.articles).toHaveLength(200);
    expect(result.articles[0]).toMatchObject({ title: 'Headline number 15999 about the council budget', content: 'A paragraph of text for item 15999, of an ordinary length for a feed description.' });
    expect(result.skipped).toEqual(['15800 older item(s) beyond the 200-item cap per poll were not read']);
    expect(worstLagMs).toBeLessThan(500);
    const broken = `<?xml version="1.0"?><rss><channel><title>x</title>${'<item><title>cut'.repeat(OFF_THREAD_FEED_CHARS / 10)}`;
    await expect(parseFeed(broken, 'https://big.test/broken.xml')).rejects.toThrow(/invalid feed XML|not an RSS/);
  });
});
