/**
 * Scheduled digests: for every channel with a schedule whose latest period is due and not
 * yet posted, claim the period (once ever, in the store) and post one message listing the
 * period's developments; nothing when nothing happened. Run by the embedded runner's timer
 * and by the BullMQ leader; a restart, a second worker or a second call finds the claim.
 */
import { digestText, type DigestLine } from '../chat/commands/digest.js';
import type { ChatAdapter } from '../chat/ports.js';
import { describeSchedule, lastSlot, localStamp } from '../domain/schedule.js';
import type { Logger } from '../log.js';
import type { AlertRecord, ChannelStore, StateStore } from '../store/ports.js';
import { channelDevelopments, mayShow, type ChannelView } from './channel-view.js';
import { othersFeeds } from './channels.js';
import type { FeedConfig } from '../config/app-config.js';

export interface DigestDeps {
  channels: ChannelStore;
  store: StateStore;
  /** Every tracked story's store (default: `store` alone): a channel's digest lists the stories it follows. */
  stores?: StateStore[];
  adapters: ChatAdapter[];
  log: Logger;
  now: () => Date;
  /** Configured alert targets: alerts that went to one of them are public, others stay in their channels. */
  configuredTargets: string[];
  /** Configured feeds: with them, what came from other channels' private feeds is told apart by its feed. */
  configuredFeeds?: FeedConfig[] | undefined;
  /** The default story (what a channel follows unless it chose): digests list only followed stories. */
  defaultStory?: string | undefined;
}

/** How many recent alert records a digest looks through (a week of a busy story is far fewer). */
const LOOKBACK = 5000;

export async function runDigests(deps: DigestDeps): Promise<number> {
  const now = deps.now();
  let posted = 0;
  let records: AlertRecord[] | undefined;
  const list = await deps.channels.listChannels();
  for (const c of list) {
    if (!c.digest) continue;
    const slot = lastSlot(c.digest, now);
    // A period that ended before the schedule was set is not this schedule's.
    if (slot.at.getTime() < Date.parse(c.digest.since)) continue;
    const adapter = deps.adapters.find((a) => a.handles(c.channel));
    if (!adapter) continue;
    records ??= await recentOfAll(deps.stores ?? [deps.store]);
    const hidden = deps.configuredFeeds ? othersFeeds(c.channel, list, deps.configuredFeeds) : undefined;
    const view = { settings: c, hidden, configuredTargets: deps.configuredTargets, defaultStory: deps.defaultStory };
    const lines = await periodLines(records, view, slot.from, slot.at, adapter);
    // Claimed first: a crash between claim and post loses one digest, never posts two.
    if (!(await deps.channels.claimDigest(c.channel, slot.key))) continue;
    if (!lines.length) continue;
    const label = `from ${localStamp(slot.from, c.digest.zone)} to ${localStamp(slot.at, c.digest.zone)} (${c.digest.zone})`;
    try {
      await (adapter.postText ?? adapter.postNotice).call(adapter, c.channel, digestText(label, lines));
      posted++;
    } catch (err) {
      deps.log.warn(`digest for ${c.channel} (${describeSchedule(c.digest)}, ${slot.key}) could not be posted: ${(err as Error).message}; it is not retried (a digest is never posted twice)`);
    }
  }
  return posted;
}

/** Newest first across the stories; an alert reaches only channels following its story, so targets sort them. */
async function recentOfAll(stores: StateStore[]): Promise<AlertRecord[]> {
  const all = (await Promise.all(stores.map((s) => s.recentAlerts(LOOKBACK)))).flat();
  return stores.length > 1 ? all.sort((a, b) => b.createdAt.localeCompare(a.createdAt)) : all;
}

/** The period's developments as this channel knows them (followed stories, watch terms, its feeds). */
async function periodLines(records: AlertRecord[], view: ChannelView, from: Date, to: Date, adapter: ChatAdapter): Promise<DigestLine[]> {
  const channel = view.settings.channel;
  const inPeriod = channelDevelopments(view, records).filter((r) => Date.parse(r.createdAt) >= from.getTime() && Date.parse(r.createdAt) < to.getTime());
  const lines: DigestLine[] = [];
  for (const record of inPeriod) {
    const sources = new Set(records.filter((r) => r.alert.developmentId === record.alert.developmentId && mayShow(view, r)).flatMap((r) => r.alert.sources.map((s) => s.name)));
    const thread = await adapter.threadLink?.(channel, record.alert.developmentId).catch(() => undefined);
    lines.push({ record, sources: Math.max(1, sources.size), thread });
  }
  return lines;
}
