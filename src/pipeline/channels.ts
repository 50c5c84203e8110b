/**
 * What chat channels asked for: which alerts they receive (watch terms) and which
 * extra feeds are polled for them. A channel with watch terms gets the alerts matching
 * any term; a channel that added feeds but no terms gets every alert.
 */
import type { FeedConfig } from '../config/app-config.js';
import type { Alert } from '../domain/alert.js';
import { parseWatchTerm, watchMatches } from '../chat/commands/parse.js';
import type { ChannelStore } from '../store/ports.js';

export function alertText(alert: Alert): string {
  return [alert.headline, alert.whatIsNew, ...alert.newFacts].join('\n');
}

export function channelTargets(channels: ChannelStore): (alert: Alert) => Promise<string[]> {
  return async (alert) => {
    const text = alertText(alert);
    return (await channels.listChannels())
      .filter((c) => (c.watch.length ? c.watch.some((w) => {
        const term = parseWatchTerm(w);
        return !('error' in term) && watchMatches(term, text);
      }) : c.feeds.length > 0))
      .map((c) => c.channel);
  };
}

/**
 * Stored watch terms the current rules refuse (e.g. a backtracking-only regex saved by an
 * older version): they are skipped when matching; the caller warns about each at start-up.
 */
export async function disabledWatchTerms(channels: ChannelStore): Promise<Array<{ channel: string; term: string; why: string }>> {
  const out: Array<{ channel: string; term: string; why: string }> = [];
  for (const c of await channels.listChannels()) {
    for (const w of c.watch) {
      const t = parseWatchTerm(w);
      if ('error' in t) out.push({ channel: c.channel, term: w, why: t.error });
    }
  }
  return out;
}

/** Who hears about a feed (paused, back): the configured targets and every channel that added it. */
export function feedAudience(targets: string[], channels: ChannelStore): (feedId: string) => Promise<string[]> {
  return async (feedId) => {
    const owners = (await channels.listChannels()).filter((c) => c.feeds.some((f) => f.id === feedId)).map((c) => c.channel);
    return [...new Set([...targets, ...owners])];
  };
}

/** Configured feeds plus every channel's, each URL once. */
export function allFeeds(configured: FeedConfig[], channels: ChannelStore): () => Promise<FeedConfig[]> {
  return async () => {
    const out = new Map(configured.map((f) => [f.url, f]));
    for (const c of await channels.listChannels()) for (const f of c.feeds) if (!out.has(f.url)) out.set(f.url, f);
    return [...out.values()];
  };
}
