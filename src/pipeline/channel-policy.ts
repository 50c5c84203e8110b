/**
 * What a channel's own settings do to a post at delivery time: a paused channel or a
 * muted development (or story) gets nothing, follow-ups included (no thread either);
 * a channel with `notify` gets its one mention on new-development alerts at or above
 * its confidence. Decided per post, so a mute also holds back what was already pending.
 */
import { activeMutes, isPaused } from '../chat/commands/mute.js';
import type { PostExtras } from '../chat/ports.js';
import type { Alert } from '../domain/alert.js';
import type { ChannelStore } from '../store/ports.js';

export interface GateDecision {
  /** Why it is not posted (and marked done): "paused", "muted". */
  skip?: string | undefined;
  extras?: PostExtras | undefined;
}

export type Gate = (target: string, alert: Alert) => Promise<GateDecision>;

/** `storyId`: the story of alerts recorded before alerts named theirs. */
export function channelGate(channels: ChannelStore, storyId: string, now: () => Date): Gate {
  return async (target, alert) => {
    const c = await channels.getChannel(target);
    const at = now();
    if (isPaused(c, at)) return { skip: `alerts are paused in ${target}` };
    // A story's id mutes that story's alerts only, never another story's in the same channel.
    const story = alert.storyId || storyId;
    const muted = activeMutes(c, at).find((m) => m.target === alert.developmentId || m.target === story);
    if (muted) return { skip: `${muted.target} is muted in ${target}` };
    if (c.notify && alert.kind !== 'follow-up' && alert.confidence >= c.notify.minConfidence) return { extras: { mention: c.notify.mention } };
    return {};
  };
}
