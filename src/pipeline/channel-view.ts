/**
 * The developments one channel may be told about (`latest`, on-demand and scheduled
 * digests): of the stories it follows, each development once, as the first report of it
 * the channel was sent or may see. A record went to this channel, or (for a channel with
 * no watch terms) to a configured target, so it came from a public feed; what went only
 * to other channels came from their private feeds, or did not match this channel's terms.
 */
import type { AlertRecord, ChannelSettings } from '../store/ports.js';
import { followedStories } from './stories.js';

export interface ChannelView {
  settings: Pick<ChannelSettings, 'channel' | 'watch' | 'stories'>;
  configuredTargets: string[] | undefined;
  /** What a channel follows unless it chose (and the story of records older than story ids); absent: no story filter. */
  defaultStory?: string | undefined;
}

export function mayShow(view: ChannelView, r: AlertRecord): boolean {
  const { channel, watch } = view.settings;
  const story = view.defaultStory;
  if (story !== undefined && !followedStories(view.settings, story).includes(r.alert.storyId || story)) return false;
  if (r.targets.includes(channel)) return true;
  if (!view.configuredTargets) return !watch.length;
  return !watch.length && r.targets.some((t) => view.configuredTargets!.includes(t));
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
