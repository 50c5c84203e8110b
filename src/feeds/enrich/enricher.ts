/**
 * Full text behind short feed items: resolve the publisher URL (Google News decoding),
 * ask the publisher's robots.txt, fetch the page (HTML only, through the same guarded,
 * capped, polite fetcher as feeds) and extract the article. Every item has one time
 * budget for all of it; whatever fails or runs out of time leaves the item as the feed
 * gave it, with the reason, and never throws: the item is analysed either way, once.
 * Extracted text is cached by URL, so a story carried by two feeds is fetched once.
 */
import type { Article } from '../../domain/article.js';
import type { PageRequest, PageResult } from '../fetcher.js';
import { ExtractError, sharedExtractor, type Extractor } from './extract-pool.js';
import { decodeGoogleNewsLink, GOOGLE_NEWS_BASE_URL } from './google-news.js';
import { createHostileHosts } from './hostile-hosts.js';
import { isGoogleNewsLink } from './links.js';
import type { RobotsCache } from './robots.js';

export type FullTextMode = 'auto' | 'always' | 'never';

export interface EnrichSettings {
  /** Longest one item may take: decoding, robots.txt and the page together (default 10 s). */
  pageBudgetMs: number;
  /** In `auto` mode, an item whose text is shorter than this is fetched (default 500). */
  shortTextChars: number;
  /** Body cap for a page (default 2 MiB); a larger page is analysed on its feed text. */
  maxPageBytes: number;
  maxTextChars: number;
  googleNewsBaseUrl: string;
  /** URLs whose outcome is remembered (default 5000). */
  cacheSize: number;
}

export const DEFAULT_ENRICH_SETTINGS: EnrichSettings = {
  pageBudgetMs: 10_000, shortTextChars: 500, maxPageBytes: 2 * 1024 * 1024, maxTextChars: 200_000,
  googleNewsBaseUrl: GOOGLE_NEWS_BASE_URL, cacheSize: 5000,
};

export interface EnricherDeps {
  /** One request through the guarded, polite fetcher, ending by `timeoutMs` whatever happens. */
  fetch: (url: string, req: PageRequest, limits: { timeoutMs: number; maxBytes: number }) => Promise<PageResult>;
  robots: RobotsCache;
  settings: EnrichSettings;
  /** Where pages are parsed (default: one shared pool of worker threads). */
  extractor?: Extractor;
  now?: () => number;
}

export interface Enriched {
  article: Article;
  /** 'full-text' when the page's text is analysed; otherwise why the feed's text is. */
  outcome: string;
  fullText: boolean;
  /** The page was refused or stopped as hostile (too large or deep, past its time, killed its worker): worth a warning. */
  refused?: boolean;
}

export interface Enricher {
  enrich(article: Article, mode: FullTextMode): Promise<Enriched>;
}

/**
 * Names reserved for documentation and testing (RFC 2606, RFC 6761) never host a
 * publisher's article: fixture feeds link there, and the offline demo must stay offline.
 */
export function isReservedHost(url: string): boolean {
  let host: string;
  try {
    host = new URL(url).hostname.toLowerCase().replace(/\.$/, '');
  } catch {
    return false;
  }
  return /(^|\.)example\.(com|net|org)$/.test(host) || /(^|\.)(example|test|invalid|localhost)$/.test(host);
}

type PageOutcome = { text: string; finalUrl: string } | { failed: string; refused?: boolean };

const siteOf = (url: string) => {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
};

/** A real article page extracts in well under a second; one still parsing after this is hostile. */
const MAX_EXTRACT_MS = 5_000;

/** A failure is remembered for a while only: the page may be up again on the next poll. */
const FAILURE_TTL_MS = 10 * 60_000;

export function createEnricher(deps: EnricherDeps): Enricher {
  const now = deps.now ?? Date.now;
  const s = deps.settings;
  const extractor = deps.extractor ?? sharedExtractor();
  const pages = lru<Promise<PageOutcome>>(s.cacheSize);
  const links = lru<Promise<string>>(s.cacheSize);
  const hostile = createHostileHosts({ strikes: 2, forMs: FAILURE_TTL_MS, now });

  const decode = (link: string, deadline: number) => links.get(link, () => decodeGoogleNewsLink({
    baseUrl: s.googleNewsBaseUrl,
    get: async (url) => (await deps.fetch(url, {}, limits(deadline))).body,
    post: async (url, form) => (await deps.fetch(url, { form, accept: '*/*' }, limits(deadline))).body,
  }, link), { failureTtlMs: FAILURE_TTL_MS, now });

  const limits = (deadline: number) => ({ timeoutMs: Math.max(1, deadline - now()), maxBytes: s.maxPageBytes });

  const loadPage = async (url: string, deadline: number): Promise<PageOutcome> => {
    const robots = await deps.robots.allowed(url);
    if (!robots.ok) return { failed: robots.why ?? 'disallowed by robots.txt' };
    const page = await deps.fetch(url, { htmlOnly: true }, limits(deadline));
    // Asked after the fetch too: the site may have earned it while this page downloaded.
    const refused = hostile.refusal(url) ?? hostile.refusal(page.finalUrl);
    if (refused) return { failed: refused };
    try {
      // Ends a little before the item's budget, so the reason it ends is the one reported.
      const got = await extractor.extract(page.body, s.maxTextChars, Math.min(deadline - now() - 100, MAX_EXTRACT_MS), {
        wanted: () => !hostile.refusal(page.finalUrl), group: siteOf(page.finalUrl),
      });
      return got ? { text: got.text, finalUrl: page.finalUrl } : { failed: `no article text found on ${page.finalUrl}` };
    } catch (err) {
      if (!(err instanceof ExtractError)) throw err;
      if (err.kind === 'dropped') return { failed: hostile.refusal(page.finalUrl) ?? err.message };
      if (!err.hostile) return { failed: err.message };
      hostile.strike(page.finalUrl);
      return { failed: err.message, refused: true };
    }
  };

  const page = (url: string, deadline: number) => pages.get(url, () => loadPage(url, deadline).catch((err: Error) => ({ failed: err.message })), {
    failureTtlMs: FAILURE_TTL_MS, now, isFailure: (o) => 'failed' in o,
  });

  const work = async (article: Article, mode: FullTextMode, deadline: number): Promise<Enriched> => {
    let current = article;
    if (isGoogleNewsLink(article.url)) {
      try {
        current = { ...article, url: await decode(article.url, deadline) };
      } catch (err) {
        return { article, outcome: `Google News link not decoded: ${(err as Error).message}`, fullText: false };
      }
    }
    if (mode === 'auto' && article.content.length >= s.shortTextChars) return { article: current, outcome: 'feed text long enough', fullText: false };
    if (isReservedHost(current.url)) return { article: current, outcome: 'a reserved documentation domain (RFC 2606), not a publisher', fullText: false };
    const shunned = hostile.refusal(current.url);
    if (shunned) return { article: current, outcome: shunned, fullText: false };
    const got = await page(current.url, deadline);
    if ('failed' in got) return { article: current, outcome: got.failed, fullText: false, ...(got.refused ? { refused: true } : {}) };
    if (got.text.length <= article.content.length) return { article: current, outcome: 'page text no longer than the feed text', fullText: false };
    return { article: { ...current, url: got.finalUrl, content: got.text }, outcome: 'full-text', fullText: true };
  };

  return {
    async enrich(article, mode) {
      if (mode === 'never') return { article, outcome: 'fullText: never', fullText: false };
      const deadline = now() + s.pageBudgetMs;
      let timer: NodeJS.Timeout | undefined;
      // Each request ends by the deadline; this also bounds waiting for a host's turn.
      const late = new Promise<Enriched>((resolve) => {
        timer = setTimeout(() => resolve({ article, outcome: `no full text within the ${s.pageBudgetMs} ms budget`, fullText: false }), s.pageBudgetMs);
      });
      try {
        return await Promise.race([work(article, mode, deadline).catch((err: Error) => ({ article, outcome: err.message, fullText: false })), late]);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

/**
 * A bounded map of promises (in flight or settled), so concurrent asks for one URL share
 * one fetch; least recently used entries go first, failed ones after a while.
 */
function lru<T>(max: number) {
  const map = new Map<string, { value: T; failedAt?: number }>();
  return {
    get(key: string, make: () => T, opts: { failureTtlMs: number; now: () => number; isFailure?: (v: Awaited<T>) => boolean }): T {
      const hit = map.get(key);
      if (hit && (hit.failedAt === undefined || opts.now() - hit.failedAt < opts.failureTtlMs)) {
        map.delete(key);
        map.set(key, hit);
        return hit.value;
      }
      const entry: { value: T; failedAt?: number } = { value: make() };
      map.delete(key);
      map.set(key, entry);
      while (map.size > max) map.delete(map.keys().next().value!);
      void Promise.resolve(entry.value).then(
        (v) => {
          if (opts.isFailure?.(v as Awaited<T>)) entry.failedAt = opts.now();
        },
        () => (entry.failedAt = opts.now()),
      );
      return entry.value;
    },
  };
}
