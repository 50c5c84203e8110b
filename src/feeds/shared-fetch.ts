/**
 * One fetch per URL per window (the app uses half a poll interval, so a feed's own next
 * poll always asks again), whichever feeds list it (a configured feed and a channel's copy
 * of it, two channels' copies): as MonitoRSS shares one fetch per URL. A feed whose URL was
 * fetched within the window gets that answer instead of asking the host again; each feed
 * still parses it and keeps its own state. Per process.
 */
import type { FetchResult, Validators } from './fetcher.js';

interface Recent {
  at: number;
  /** What the fetch sent: a 304 or "unchanged" answers only a feed that sent the same. */
  sent: Validators;
  result: Promise<FetchResult>;
}

type Fetch = (url: string, prev: Validators) => Promise<FetchResult>;

const same = (a: Validators, b: Validators) => a.etag === b.etag && a.lastModified === b.lastModified && a.bodyHash === b.bodyHash;

export function shareFetches(fetch: Fetch, windowMs: number, opts: { now?: () => number; maxEntries?: number } = {}): Fetch {
  const now = opts.now ?? Date.now;
  const max = opts.maxEntries ?? 1000;
  const recent = new Map<string, Recent>();
  return async (url, prev) => {
    const hit = recent.get(url);
    if (hit && now() - hit.at < windowMs) {
      const r = await hit.result.catch(() => undefined);
      // A body answers anyone; a "nothing new" answers only who asked with the same validators.
      if (r && (r.kind === 'ok' || same(hit.sent, prev))) return r;
    }
    const result = fetch(url, prev);
    recent.delete(url);
    if (recent.size >= max) recent.delete(recent.keys().next().value!);
    recent.set(url, { at: now(), sent: { etag: prev.etag, lastModified: prev.lastModified, bodyHash: prev.bodyHash }, result });
    // A failure is not shared: the next feed on that URL tries for itself.
    result.catch(() => recent.get(url)?.result === result && recent.delete(url));
    return result;
  };
}
