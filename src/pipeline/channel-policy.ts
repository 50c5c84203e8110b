/**
 * What a channel's own settings do to a post at delivery time: a paused channel or a
 * muted development (or story) gets nothing, follow-ups included (no thread either);
 * a channel with `notify` gets its one mention on new-development alerts at or above
 * its confidence. Decided per post, so a mute also holds back what was already pending.
 *
 * Knowledge is per audience: a follow-up of a development this channel has not been sent
 * (it came from another channel's feed, or the channel followed, resumed or changed its
 * watch terms since) is posted there as a new-development alert, opening the thread.
 */
import { activeMutes, isPaused } from '../chat/commands/mute.js';
import type { PostExtras } from '../chat/ports.js';
import type { Alert } from '../domain/alert.js';
import type { ChannelStore } from '../store/ports.js';

export interface GateDecision {
  /** Why it is not posted (and marked done): "paused", "muted". */
  skip?: string | undefined;
  extras?: PostExtras | undefined;
  /** Post this follow-up as a new development: the channel has not been sent its development. */
  asDevelopment?: boolean | undefined;
  /** Called once the post went through (records what the channel now knows). */
  posted?: (() => Promise<void>) | undefined;
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
    const asDevelopment = alert.kind === 'follow-up' && !(await channels.wasSent(target, alert.developmentId));
    const posted = () => channels.markSent(target, alert.developmentId, at.getTime());
    const opens = alert.kind !== 'follow-up' || asDevelopment;
    if (c.notify && opens && alert.confidence >= c.notify.minConfidence) return { extras: { mention: c.notify.mention }, asDevelopment, posted };
    return { asDevelopment, posted };
  };
}
