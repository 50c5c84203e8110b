/**
 * What chat channels asked for: which alerts they receive (watch terms) and which
 * extra feeds are polled for them. A channel with watch terms gets the alerts matching
 * any term; a channel that added feeds but no terms gets every alert of the configured
 * feeds. A channel's own feeds are private to it: their alerts and notices go only to
 * the channels that added that feed URL, never to the configured targets.
 */
import { createHash } from 'node:crypto';
import type { FeedConfig } from '../config/app-config.js';
import type { Alert } from '../domain/alert.js';
import { parseWatchTerm, prepareWatchText, watchMatches } from '../chat/commands/parse.js';
import type { PreparedText } from '../chat/commands/watch-query.js';
import type { ChannelSettings, ChannelStore } from '../store/ports.js';
import { followedStories, isChannelTarget } from './stories.js';

export function alertText(alert: Alert): string {
  return [alert.headline, alert.whatIsNew, ...alert.newFacts].join('\n');
}

/**
 * A channel feed's id: the full SHA-256 of the owning channel and the URL. No channel
 * can pick a URL whose id (and so whose feed state) is another channel's feed. Stored
 * ids are never trusted: they are derived again wherever a feed is looked up.
 */
export function channelFeedId(channel: string, url: string): string {
  return `c-${createHash('sha256').update(`${channel}\n${url}`).digest('hex')}`;
}

/** The channel's feeds with their derived ids. */
export function feedsOf(c: ChannelSettings): FeedConfig[] {
  return c.feeds.map((f) => ({ id: channelFeedId(c.channel, f.url), url: f.url }));
}

function wantsAlert(c: ChannelSettings, text: PreparedText): boolean {
  return c.watch.some((w) => {
    const term = parseWatchTerm(w);
    return !('error' in term) && watchMatches(term, text);
  });
}

/** Channels subscribed to the configured feeds' alerts: matching watch terms, or feeds and no terms. */
export function channelTargets(channels: ChannelStore): (alert: Alert) => Promise<string[]> {
  return async (alert) => subscribedTo(await channels.listChannels(), prepareWatchText(alertText(alert)));
}

function subscribedTo(list: ChannelSettings[], text: PreparedText): string[] {
  return list.filter((c) => (c.watch.length ? wantsAlert(c, text) : c.feeds.length > 0)).map((c) => c.channel);
}

/** Where the feed with this id comes from: the configuration, and/or channels (by URL). */
async function origin(configured: FeedConfig[], list: ChannelSettings[], feedId: string) {
  const own = list.find((c) => feedsOf(c).some((f) => f.id === feedId));
  const url = configured.find((f) => f.id === feedId)?.url ?? own?.feeds.find((f) => channelFeedId(own.channel, f.url) === feedId)?.url;
  const isConfigured = !!url && configured.some((f) => f.url === url);
  const owners = url ? list.filter((c) => c.feeds.some((f) => f.url === url)) : [];
  return { isConfigured, owners };
}

/**
 * Who gets an alert raised by an article of feed `feedId`. A configured feed: the
 * configured targets (through their watch terms, if they have any) and the subscribed
 * channels. A channel's feed: only the channels that added that URL (each through its own
 * watch terms, if it has any).
 */
export function alertAudience(configured: FeedConfig[], targets: string[], channels: ChannelStore, defaultStory?: string): (alert: Alert, feedId: string) => Promise<string[]> {
  return async (alert, feedId) => {
    const list = await channels.listChannels();
    const { isConfigured, owners } = await origin(configured, list, feedId);
    const text = prepareWatchText(alertText(alert));
    const ownersWanting = owners.filter((c) => !c.watch.length || wantsAlert(c, text)).map((c) => c.channel);
    // A configured target with watch terms gets what matches them, as any channel does.
    const watching = (t: string) => {
      const c = list.find((x) => x.channel === t);
      return !c?.watch.length || wantsAlert(c, text);
    };
    const all = isConfigured ? [...targets.filter(watching), ...subscribedTo(list, text), ...ownersWanting] : ownersWanting;
    if (defaultStory === undefined) return [...new Set(all)];
    // A chat channel hears only the stories it follows; console and files hear them all.
    const follows = (t: string) => !isChannelTarget(t) || followedStories(list.find((c) => c.channel === t), defaultStory).includes(alert.storyId);
    return [...new Set(all.filter(follows))];
  };
}

/** Who hears about a feed (paused, back): its owners; the configured targets too if it is configured. */
export function feedAudience(targets: string[], channels: ChannelStore, configured: FeedConfig[] = []): (feedId: string) => Promise<string[]> {
  return async (feedId) => {
    const { isConfigured, owners } = await origin(configured, await channels.listChannels(), feedId);
    const configuredById = configured.some((f) => f.id === feedId);
    return [...new Set([...(isConfigured || configuredById ? targets : []), ...owners.map((c) => c.channel)])];
  };
}

/**
 * Feed ids private to channels other than `channel` (their own feeds, unless the URL is
 * configured or also this channel's): what came from them is not shown to `channel`.
 */
export function othersFeeds(channel: string, list: ChannelSettings[], configured: FeedConfig[]): Set<string> {
  const configuredIds = new Set(configured.map((f) => f.id));
  const mine = list.find((c) => c.channel === channel)?.feeds ?? [];
  const sharedUrls = new Set([...configured.map((f) => f.url), ...mine.map((f) => f.url)]);
  const out = new Set<string>();
  for (const c of list) {
    if (c.channel === channel) continue;
    for (const f of c.feeds) {
      if (sharedUrls.has(f.url)) continue;
      // Both the derived id and whatever an older version stored.
      for (const id of [channelFeedId(c.channel, f.url), f.id]) if (!configuredIds.has(id)) out.add(id);
    }
  }
  return out;
}

/** Configured feeds plus every channel's own (each channel polls its own, with its own state). */
export function allFeeds(configured: FeedConfig[], channels: ChannelStore, defaultStory?: string): () => Promise<FeedConfig[]> {
  return async () => {
    const out = new Map(configured.map((f) => [f.id, f]));
    for (const c of await channels.listChannels()) {
      // A channel's feed is judged for the stories that channel follows.
      const stories = defaultStory === undefined ? undefined : followedStories(c, defaultStory);
      for (const f of feedsOf(c)) if (!out.has(f.id)) out.set(f.id, stories ? { ...f, stories } : f);
    }
    return [...out.values()];
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
