/**
 * Aggregator links. Bing News wraps the publisher URL in a parameter of its click
 * tracker, so it is unwrapped here with no request. Google News links are opaque ids:
 * links minted before mid-2024 carry the URL inside the id (decoded here); newer ones
 * ("AU_yqL…" ids) need the two-request flow in google-news.ts.
 */

const GOOGLE_NEWS_HOST = 'news.google.com';

export function isGoogleNewsLink(raw: string): boolean {
  return googleNewsId(raw) !== undefined;
}

/** The base64 article id of a news.google.com/rss/articles/<id> (or /articles/, /read/) link. */
export function googleNewsId(raw: string): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return undefined;
  }
  if (url.hostname !== GOOGLE_NEWS_HOST) return undefined;
  const parts = url.pathname.split('/').filter(Boolean);
  const kind = parts[parts.length - 2];
  const id = parts[parts.length - 1];
  return id && (kind === 'articles' || kind === 'read') && /^[A-Za-z0-9_-]{8,}$/.test(id) ? id : undefined;
}

/**
 * The publisher URL inside an old-style Google News id, read as the protobuf it is
 * (field 4, a length-prefixed string) rather than by trimming bytes. Undefined for
 * new-style ids, whose string is an opaque token.
 */
export function decodeGoogleNewsIdOffline(id: string): string | undefined {
  const bytes = Buffer.from(id.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  if (bytes[0] !== 0x08 || bytes[2] !== 0x22) return undefined;
  let len = 0;
  let shift = 0;
  let i = 3;
  for (; i < bytes.length && i < 8; i++) {
    const b = bytes[i]!;
    len |= (b & 0x7f) << shift;
    shift += 7;
    if (!(b & 0x80)) {
      i++;
      break;
    }
  }
  const inner = bytes.subarray(i, i + len).toString('latin1');
  return /^https?:\/\/[^\s]+$/.test(inner) ? inner : undefined;
}

/** Bing News RSS item links: bing.com/news/apiclick.aspx?…&url=<publisher URL>&… */
export function unwrapBingLink(raw: string): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return undefined;
  }
  if (!/(^|\.)bing\.com$/i.test(url.hostname) || !/\/apiclick\.aspx$/i.test(url.pathname)) return undefined;
  const target = url.searchParams.get('url');
  if (!target) return undefined;
  try {
    const inner = new URL(target);
    return inner.protocol === 'http:' || inner.protocol === 'https:' ? inner.href : undefined;
  } catch {
    return undefined;
  }
}

/** The publisher URL when it can be had without a request; the link as given otherwise. */
export function unwrapLink(raw: string): string {
  const bing = unwrapBingLink(raw);
  if (bing) return bing;
  const id = googleNewsId(raw);
  return (id && decodeGoogleNewsIdOffline(id)) || raw;
}

/** Whether a link or feed belongs to an aggregator (its items' titles end in " - Outlet"). */
export function isAggregatorUrl(raw: string): boolean {
  try {
    const host = new URL(raw).hostname;
    return host === GOOGLE_NEWS_HOST || /(^|\.)bing\.com$/i.test(host);
  } catch {
    return false;
  }
}
