/**
 * robots.txt of publisher sites, honoured for page fetches (RFC 9309): fetched once per
 * origin and kept for a day at most; a 4xx answer (no robots.txt) allows everything; a
 * site whose robots.txt cannot be read (5xx, timeout, refused) is treated as disallowing
 * everything for a while, as the RFC says, so its pages are analysed on their feed text.
 */
import robotsModule from 'robots-parser';
import { FetchError } from '../fetcher.js';

// The package is CommonJS (module.exports = fn) while its typings declare a default export.
type Parse = (url: string, text: string) => { isAllowed(url: string, ua?: string): boolean | undefined };
const robotsParser = ((robotsModule as unknown as { default?: Parse }).default ?? robotsModule) as unknown as Parse;

export interface RobotsDeps {
  /** GETs the text of a robots.txt (through the guarded, polite fetcher); throws FetchError. */
  fetchText: (url: string) => Promise<string>;
  userAgent: string;
  now?: () => number;
  /** How long a read robots.txt is trusted (default and RFC maximum 24 h). */
  ttlMs?: number;
  /** How long an unreadable one blocks its site before it is asked again (default 10 min). */
  failureTtlMs?: number;
  /** Origins remembered at most (oldest forgotten first). */
  maxHosts?: number;
}

export interface RobotsCache {
  /** Whether the project's user agent may fetch this URL. Never throws. */
  allowed(url: string): Promise<{ ok: boolean; why?: string }>;
}

type Rules = { isAllowed(url: string, ua?: string): boolean | undefined } | 'allow-all' | { unreachable: string };

export function createRobotsCache(deps: RobotsDeps): RobotsCache {
  const now = deps.now ?? Date.now;
  const ttl = deps.ttlMs ?? 24 * 3600_000;
  const failureTtl = deps.failureTtlMs ?? 10 * 60_000;
  const maxHosts = deps.maxHosts ?? 2000;
  const cache = new Map<string, { until: number; rules: Promise<Rules> }>();

  const load = async (origin: string): Promise<Rules> => {
    const robotsUrl = `${origin}/robots.txt`;
    try {
      return robotsParser(robotsUrl, await deps.fetchText(robotsUrl));
    } catch (err) {
      if (err instanceof FetchError && err.status !== undefined && err.status >= 400 && err.status < 500 && err.status !== 429) return 'allow-all';
      return { unreachable: `robots.txt at ${robotsUrl} could not be read (${(err as Error).message})` };
    }
  };

  const rulesFor = (origin: string): Promise<Rules> => {
    const hit = cache.get(origin);
    if (hit && hit.until > now()) {
      // Most recently used last, so the oldest is the first key when the map is full.
      cache.delete(origin);
      cache.set(origin, hit);
      return hit.rules;
    }
    const rules = load(origin);
    const entry = { until: now() + ttl, rules };
    void rules.then((r) => {
      if (typeof r === 'object' && 'unreachable' in r) entry.until = now() + failureTtl;
    });
    cache.delete(origin);
    cache.set(origin, entry);
    while (cache.size > maxHosts) cache.delete(cache.keys().next().value!);
    return rules;
  };

  // robots.txt groups name a product token ("storywatch"), not a full user-agent header
  // with its version and contact.
  const token = deps.userAgent.split(/[/\s(]/)[0] || deps.userAgent;
  return {
    async allowed(url) {
      let origin: string;
      try {
        origin = new URL(url).origin;
      } catch {
        return { ok: false, why: 'not a valid URL' };
      }
      const rules = await rulesFor(origin);
      if (rules === 'allow-all') return { ok: true };
      if ('unreachable' in rules) return { ok: false, why: rules.unreachable };
      return rules.isAllowed(url, token) === false ? { ok: false, why: `disallowed by ${origin}/robots.txt for ${token}` } : { ok: true };
    },
  };
}
