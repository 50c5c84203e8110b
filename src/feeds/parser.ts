/**
 * Feed XML -> Articles, with rss-parser's string parser (HTTP is ours). RSS 0.9x/1.0/2.0
 * and Atom; HTML content becomes clean text. A feed that is not XML fails alone.
 */
import Parser from 'rss-parser';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import type { Article } from '../domain/article.js';
import { stripControl } from '../domain/control.js';
import { htmlToText } from './html.js';
import { isAggregatorUrl, unwrapLink } from './enrich/links.js';
import { guessOutletSuffix, stripOutletSuffix } from './outlet.js';
import { JobError, sharedPool } from './offthread/pool.js';

type Item = Parser.Item & {
  id?: string; 'content:encoded'?: string; summary?: string;
  /** Google News: <source url="https://outlet.example">Outlet</source>. */
  source?: unknown; 'dc:publisher'?: unknown; 'News:Source'?: unknown;
};

/**
 * rss-parser makes a `contentSnippet` of every item with two lazy regexes over the whole
 * content, quadratic on unterminated tags: one description of 120,000 '<' held the loop
 * for half a minute. It offers no switch, so its helper (the module every parse calls)
 * gets our linear, capped HTML-to-text instead; the snippet is only a fallback here.
 */
const rssUtils = createRequire(import.meta.url)('rss-parser/lib/utils.js') as { getSnippet: (s: string) => string };
rssUtils.getSnippet = (s: string) => htmlToText(s, 4000);

const parser: Parser<Record<string, unknown>, Item> = new Parser({ customFields: { item: ['id', 'summary', 'source', 'dc:publisher', 'News:Source'] } });

export interface ParsedFeed {
  title: string;
  articles: Article[];
  /** Items skipped because they had neither text nor a link, with why. */
  skipped: string[];
}

export class FeedParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FeedParseError';
  }
}

/** Bounds on what one feed can make us do per poll, whatever it sends. */
export interface ParseLimits {
  /** Items read per poll, newest first; the rest are reported, not read (default 200). */
  maxItems: number;
  /** Characters of text kept per item (default 200k); HTML beyond 4x that is not even scanned. */
  maxTextChars: number;
}

export const DEFAULT_PARSE_LIMITS: ParseLimits = { maxItems: 200, maxTextChars: 200_000 };

/**
 * `identity` (default: `feedUrl`) is what article ids are keyed on with the item's guid:
 * the feed's configured URL, so ids survive the feed moving to another address.
 */
/**
 * Parsing is linear but not free (up to 0.2 s per MB of XML, 5 MB allowed), and several
 * feeds answering at once parse back to back: a body larger than this is parsed on a
 * worker thread, so feeds never hold the event loop for long, alone or together.
 */
export const OFF_THREAD_FEED_CHARS = 64_000;
/** A feed still parsing after this is refused (a 5 MB feed parses in a few seconds). */
export const FEED_PARSE_BUDGET_MS = 20_000;

export async function parseFeed(xml: string, feedUrl: string, limits: ParseLimits = DEFAULT_PARSE_LIMITS, identity = feedUrl): Promise<ParsedFeed> {
  if (xml.length <= OFF_THREAD_FEED_CHARS) return parseFeedHere(xml, feedUrl, limits, identity);
  let got: ParsedFeed | { failed: string };
  try {
    got = await sharedPool('feeds').run<ParsedFeed | { failed: string }>({ kind: 'parse', xml, url: feedUrl, limits, identity }, FEED_PARSE_BUDGET_MS);
  } catch (err) {
    if (!(err instanceof JobError)) throw err;
    if (err.kind === 'busy' || err.kind === 'dropped') throw new Error(`feed of ${xml.length} characters not parsed: ${err.message}; will retry`);
    throw new FeedParseError(`feed of ${xml.length} characters could not be parsed: ${err.message}; check the feed URL serves an ordinary RSS/Atom feed`);
  }
  if ('failed' in got) throw new FeedParseError(got.failed);
  return got;
}

/** parseFeed on the calling thread, whatever the size (the worker thread's entry). */
export async function parseFeedHere(xml: string, feedUrl: string, limits: ParseLimits = DEFAULT_PARSE_LIMITS, identity = feedUrl): Promise<ParsedFeed> {
  if (!/^\s*(<\?xml|<rss|<feed|<rdf:RDF|<!--|<!DOCTYPE)/i.test(xml.replace(/^\uFEFF/, ''))) {
    throw new FeedParseError(`not an RSS/Atom document (starts with ${JSON.stringify(xml.slice(0, 40))})`);
  }
  if (declaresEntities(xml)) throw new FeedParseError('document declares XML entities; refused (entity-expansion attacks)');
  let feed: Parser.Output<Item>;
  try {
    feed = await parser.parseString(xml);
  } catch (err) {
    throw new FeedParseError(`invalid feed XML: ${(err as Error).message.split('\n')[0]}`);
  }
  const articles: Article[] = [];
  const skipped: string[] = [];
  const items = newestFirst(feed.items ?? []);
  for (const { item, index } of items.slice(0, limits.maxItems)) {
    const a = toArticle(item, feedUrl, identity, asText(feed.title), limits.maxTextChars);
    if (a) articles.push(a);
    else skipped.push(`item ${index + 1}: no title, text or link`);
  }
  if (items.length > limits.maxItems) {
    skipped.push(`${items.length - limits.maxItems} older item(s) beyond the ${limits.maxItems}-item cap per poll were not read`);
  }
  return { title: asText(feed.title), articles, skipped };
}

/**
 * Whether the markup itself (not text inside CDATA or comments, where a headline may well
 * quote "<!ENTITY") declares entities or a DTD internal subset. One linear scan: regexes
 * over unterminated sections would go quadratic on a hostile 5 MB body.
 */
export function declaresEntities(xml: string): boolean {
  let markup = '';
  let i = 0;
  while (i < xml.length) {
    const comment = xml.indexOf('<!--', i);
    const cdata = xml.indexOf('<![CDATA[', i);
    const next = comment < 0 ? cdata : cdata < 0 ? comment : Math.min(comment, cdata);
    if (next < 0) {
      markup += xml.slice(i);
      break;
    }
    markup += xml.slice(i, next);
    const end = next === cdata ? xml.indexOf(']]>', next + 9) : xml.indexOf('-->', next + 4);
    if (end < 0) break;
    i = end + 3;
  }
  return /<!ENTITY/i.test(markup) || /<!DOCTYPE[^>[]*\[/i.test(markup);
}

/**
 * Malformed XML can make the XML layer hand back an object or array where text was
 * expected ({ _: "text", $: {...} }); take the text or nothing, never throw.
 */
export function asText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  if (Array.isArray(v)) return asText(v[0]);
  if (v && typeof v === 'object' && '_' in v) return asText((v as { _: unknown })._);
  return '';
}

/** Dated items newest first (undated ones after them, in document order). */
function newestFirst(items: Item[]): Array<{ item: Item; index: number }> {
  const when = (it: Item) => {
    const t = Date.parse(asText(it.isoDate) || asText(it.pubDate));
    return Number.isNaN(t) ? -Infinity : t;
  };
  return items.map((item, index) => ({ item, index, t: when(item) })).sort((a, b) => b.t - a.t || a.index - b.index);
}

function toArticle(item: Item, feedUrl: string, identity: string, feedTitle: string, maxText: number): Article | undefined {
  const clean = (v: unknown) => stripControl(htmlToText(asText(v).slice(0, 4000))).slice(0, 1000).trim();
  // Character references can smuggle ESC, BEL or CR in: none of it survives ingestion.
  const rawTitle = clean(item.title);
  const link = resolveLink(asText(item.link) || undefined, feedUrl);
  const aggregated = isAggregatorUrl(feedUrl) || (link !== undefined && isAggregatorUrl(link));
  const named = (clean(item.source) || clean(item['News:Source']) || clean(item['dc:publisher'])).slice(0, 200);
  const outlet = named || (aggregated ? guessOutletSuffix(rawTitle) : undefined);
  const title = outlet ? stripOutletSuffix(rawTitle, outlet) : rawTitle;
  const html = asText(item['content:encoded']) || asText(item.content) || asText(item.summary) || asText(item.contentSnippet);
  // A Google News description is the headline again as a link plus the outlet's name: no text.
  const text = stripControl(htmlToText(html.slice(0, maxText * 4)), true).slice(0, maxText);
  const content = outlet && aggregated ? restatement(text, rawTitle, title, outlet) : text;
  // Bing's click tracker carries the publisher URL; old Google ids carry it inside.
  const url = link === undefined ? undefined : unwrapLink(link);
  if (!title && !content) return undefined;
  const rawId = asText(item.guid) || asText(item.id) || link || `${title}|${asText(item.pubDate)}`;
  const when = Date.parse(asText(item.isoDate) || asText(item.pubDate));
  return {
    id: createHash('sha256').update(`${identity}|${rawId}`).digest('hex').slice(0, 20),
    title,
    url: url ?? feedUrl,
    source: outlet || stripControl(feedTitle) || new URL(feedUrl).hostname,
    publishedAt: Number.isNaN(when) ? '' : new Date(when).toISOString(),
    content,
  };
}

/** The description when it says more than the headline and the outlet's name; empty otherwise. */
function restatement(text: string, rawTitle: string, title: string, outlet: string): string {
  const norm = (s: string) => s.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
  const rest = norm(text).replace(norm(rawTitle), ' ').replace(norm(title), ' ').replace(norm(outlet), ' ').trim();
  return rest ? text : '';
}

function resolveLink(link: string | undefined, base: string): string | undefined {
  if (!link) return undefined;
  try {
    const u = new URL(link.trim(), base);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : undefined;
  } catch {
    return undefined;
  }
}
