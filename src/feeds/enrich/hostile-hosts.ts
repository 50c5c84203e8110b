/**
 * Sites whose pages keep failing extraction as hostile (refused by the pre-scan, stopped
 * at their budget, or killing their worker) are not read for a while: each such page
 * holds a worker for its whole budget, and one site serving them by the dozen would
 * otherwise take the workers from every other site's pages.
 */
export interface HostileHosts {
  /** Why pages from this URL's site are not read now, or undefined. */
  refusal(url: string): string | undefined;
  /** One more hostile page from this URL's site. */
  strike(url: string): void;
}

export function createHostileHosts(opts: { strikes: number; forMs: number; now: () => number }): HostileHosts {
  const hosts = new Map<string, { strikes: number; until?: number }>();
  const hostOf = (url: string) => {
    try {
      return new URL(url).host;
    } catch {
      return url;
    }
  };
  return {
    refusal(url) {
      const h = hosts.get(hostOf(url));
      if (h?.until === undefined) return undefined;
      if (h.until <= opts.now()) {
        hosts.delete(hostOf(url));
        return undefined;
      }
      return `pages from ${hostOf(url)} are not read until ${new Date(h.until).toISOString().slice(11, 16)} UTC: ${opts.strikes} of them in a row were too large, too deep or too slow to parse`;
    },
    strike(url) {
      const key = hostOf(url);
      const h = hosts.get(key) ?? { strikes: 0 };
      h.strikes++;
      if (h.strikes >= opts.strikes) Object.assign(h, { strikes: 0, until: opts.now() + opts.forMs });
      hosts.delete(key);
      hosts.set(key, h);
      // Bounded: the oldest sites are forgotten first.
      if (hosts.size > 10_000) hosts.delete(hosts.keys().next().value!);
    },
  };
}
