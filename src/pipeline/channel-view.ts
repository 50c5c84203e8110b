/**
 * The developments one channel may be told about (`latest`, on-demand and scheduled
 * digests): of the stories it follows, each development once, as the first report of it
 * the channel was sent or may see: a record that went to this channel, or (for a channel
 * with no watch terms) one raised by a feed that is not another channel's private feed
 * (older records, which do not name their feed: one that went to a configured target).
 */
import type { AlertRecord, ChannelSettings } from '../store/ports.js';
import { followedStories } from './stories.js';

export interface ChannelView {
  settings: Pick<ChannelSettings, 'channel' | 'watch' | 'stories'>;
  configuredTargets: string[] | undefined;
  /** Feeds private to other channels (see othersFeeds); absent: records are judged by their targets alone. */
  hidden?: Set<string> | undefined;
  /** What a channel follows unless it chose (and the story of records older than story ids); absent: no story filter. */
  defaultStory?: string | undefined;
}

export function mayShow(view: ChannelView, r: AlertRecord): boolean {
  const { channel, watch } = view.settings;
  const story = view.defaultStory;
  if (story !== undefined && !followedStories(view.settings, story).includes(r.alert.storyId || story)) return false;
  if (r.targets.includes(channel)) return true;
  if (watch.length) return false;
  // From a feed this channel may see (a configured one, or its own), whoever it went to.
  if (r.feedId !== undefined && view.hidden) return !view.hidden.has(r.feedId);
  return !view.configuredTargets || r.targets.some((t) => view.configuredTargets!.includes(t));
}

/**
 * `records` newest first (several stories' merged); returns one record per development,
 * the oldest this channel may see, newest development first.
 */
export function channelDevelopments(view: ChannelView, records: AlertRecord[]): AlertRecord[] {
  const first = new Map<string, AlertRecord>();
  for (const r of records) if (mayShow(view, r)) first.set(`${r.alert.storyId}\n${r.alert.developmentId}`, r);
  return [...first.values()].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
}
