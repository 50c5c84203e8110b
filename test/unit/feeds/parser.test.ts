import { describe, expect, it } from 'vitest';
import { parseFeed } from '../../../src/feeds/parser.js';
import { htmlToText } from '../../../src/feeds/html.js';

const rss2 = `<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title>
<item><title>Rada ratifies &amp; signs</title><link>/a/1</link><guid>g1</guid><pubDate>Thu, 08 May 2025 15:00:00 GMT</pubDate>
<description><![CDATA[<p>The <b>Rada</b> voted.</p><script>alert(1)</script><p>338 in favour &mdash; a record.</p>]]></description></item>
<item><title></title><description></description></item></channel></rss>`;

const atom = `<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Atom wire</title>
<entry><title>Fund meets</title><link href="https://example.org/e1"/><id>urn:e1</id><updated>2025-06-20T09:00:00Z</updated>
<content type="html">&lt;p&gt;The board met.&lt;/p&gt;</content></entry></feed>`;

const rss1 = `<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/">
<channel rdf:about="https://example.org/"><title>RDF wire</title><link>https://example.org/</link><description>d</description></channel>
<item rdf:about="https://example.org/r1"><title>RSS 1.0 item</title><link>https://example.org/r1</link><description>Body text.</description></item></rdf:RDF>`;

describe('parseFeed', () => {
  it('reads RSS 2.0, resolves relative links, turns HTML into text and reports empty items', async () => {
    const f = await parseFeed(rss2, 'https://wire.example.org/feed.xml');
    expect(f.articles).toHaveLength(1);
    expect(f.articles[0]).toMatchObject({
      title: 'Rada ratifies & signs', url: 'https://wire.example.org/a/1', source: 'Wire',
      publishedAt: '2025-05-08T15:00:00.000Z', content: 'The Rada voted.\n338 in favour — a record.',
    });
    expect(f.skipped).toEqual(['item 2: no title, text or link']);
  });

  it('reads Atom and RSS 1.0', async () => {
    const a = await parseFeed(atom, 'https://example.org/atom');
    expect(a.articles[0]).toMatchObject({ title: 'Fund meets', url: 'https://example.org/e1', content: 'The board met.' });
    const r = await parseFeed(rss1, 'https://example.org/rdf');
    expect(r.articles[0]).toMatchObject({ title: 'RSS 1.0 item', content: 'Body text.' });
  });

  it('gives stable ids: the same item parses to the same id, another feed to another id', async () => {
    const a = await parseFeed(rss2, 'https://wire.example.org/feed.xml');
    const b = await parseFeed(rss2, 'https://wire.example.org/feed.xml');
    const c = await parseFeed(rss2, 'https://other.example.org/feed.xml');
    expect(a.articles[0]!.id).toBe(b.articles[0]!.id);
    expect(a.articles[0]!.id).not.toBe(c.articles[0]!.id);
  });

  it('fails one feed with a clear message for non-XML, entity declarations and broken XML', async () => {
    await expect(parseFeed('<html><body>Not a feed</body></html>', 'https://x/')).rejects.toThrow(/not an RSS\/Atom document/);
    await expect(parseFeed('{"json": true}', 'https://x/')).rejects.toThrow(/not an RSS\/Atom document/);
    const bomb = '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]><rss><channel><title>&lol2;</title></channel></rss>';
    await expect(parseFeed(bomb, 'https://x/')).rejects.toThrow(/declares XML entities/);
    await expect(parseFeed('<?xml version="1.0"?><rss><channel><item><title>cut', 'https://x/')).rejects.toThrow(/invalid feed XML|not an RSS/);
  });
});

describe('htmlToText', () => {
  it('drops scripts, styles and comments and decodes entities', () => {
    expect(htmlToText('<style>p{}</style><p>A&nbsp;&#8364;5 &amp; &#x41;</p><!-- c --><br>B')).toBe('A €5 & A\nB');
  });
});

describe('asText', () => {
  it('takes text out of the shapes malformed XML produces, and never throws', async () => {
    const { asText } = await import('../../../src/feeds/parser.js');
    expect(asText('a')).toBe('a');
    expect(asText({ _: 'b', $: { type: 'html' } })).toBe('b');
    expect(asText([{ _: 'c' }])).toBe('c');
    expect(asText({ $: {} })).toBe('');
    expect(asText(undefined)).toBe('');
    expect(asText(Object.create(null))).toBe('');
  });

  it('a literal "<!ENTITY" inside CDATA or a comment is text, not a declaration; real DTDs are still refused', async () => {
    const quoted = `<?xml version="1.0"?><rss version="2.0"><channel><title>Sec</title><!-- <!ENTITY in a comment -->
<item><title><![CDATA[How <!ENTITY x "y"> expansion attacks work]]></title><link>https://sec.example/a</link><description><![CDATA[<p>Write <!DOCTYPE r [ and <!ENTITY a "b"> ...</p>]]></description></item></channel></rss>`;
    const { articles } = await parseFeed(quoted, 'https://sec.example/feed.xml');
    expect(articles.map((a) => a.title)).toEqual(['How expansion attacks work']);
    await expect(parseFeed('<?xml version="1.0"?><!DOCTYPE r [<!ELEMENT r ANY>]><rss/>', 'https://x/')).rejects.toThrow(/declares XML entities/);
    await expect(parseFeed('<?xml version="1.0"?><!-- x --><!DOCTYPE r [<!ENTITY a "b">]><rss/>', 'https://x/')).rejects.toThrow(/declares XML entities/);
  });

  it('reads at most maxItems items per poll, newest first, reports the rest, and caps text per item', async () => {
    // Oldest first in the document, as some feeds are: the cap must still keep the newest.
    const items = Array.from({ length: 1000 }, (_, i) => `<item><title>t${i}</title><guid>g${i}</guid><pubDate>${new Date(Date.UTC(2025, 0, 1, 0, i)).toUTCString()}</pubDate></item>`);
    const big = `<item><title>huge</title><guid>big</guid><pubDate>${new Date(Date.UTC(2026, 0, 1)).toUTCString()}</pubDate><description>${'word '.repeat(300_000)}</description></item>`;
    const xml = `<?xml version="1.0"?><rss version="2.0"><channel><title>x</title>${items.join('')}${big}</channel></rss>`;
    const parsed = await parseFeed(xml, 'https://x.example/f');
    expect(parsed.articles).toHaveLength(200);
    expect(parsed.articles[0]!.title).toBe('huge');
    expect(parsed.articles[0]!.content.length).toBeLessThanOrEqual(200_000);
    expect(parsed.articles.slice(1).map((a) => a.title)).toEqual(Array.from({ length: 199 }, (_, i) => `t${999 - i}`));
    expect(parsed.skipped).toEqual(['801 older item(s) beyond the 200-item cap per poll were not read']);
  });
});
