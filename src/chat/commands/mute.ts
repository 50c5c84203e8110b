/**
 * mute / unmute a development (or the whole story) and pause / resume a channel's alerts,
 * for a while or until undone. Expired entries are dropped when next read.
 * What they mean for delivery is `channelGate` in pipeline/channel-policy.ts.
 */
import type { ChannelSettings, ChannelStore } from '../../store/ports.js';
import { describeSchedule } from '../../domain/schedule.js';
import type { CommandReply } from './handlers.js';
import type { SettingsCommand } from './settings-parse.js';

const reply = (text: string): CommandReply => ({ ephemeral: true, text });
const MAX_MUTES = 100;

export function activeMutes(c: ChannelSettings, now: Date): NonNullable<ChannelSettings['mutes']> {
  return (c.mutes ?? []).filter((m) => !m.until || Date.parse(m.until) > now.getTime());
}

export function isPaused(c: ChannelSettings, now: Date): boolean {
  return !!c.paused && (!c.paused.until || Date.parse(c.paused.until) > now.getTime());
}

const untilText = (until: string | undefined) => (until ? `until ${until.slice(0, 16).replace('T', ' ')} UTC` : 'until undone');

export interface MuteDeps {
  channels: ChannelStore;
  now: () => Date;
  /** The default story: what `mute story` mutes. */
  storyId: string;
  /** Every story tracked here: any of their ids mutes that story's alerts. */
  storyIds?: string[];
  /** Whether a development id is known (so a typo is not muted silently). */
  knownDevelopment: (id: string) => boolean;
}

export async function muteCommand(deps: MuteDeps, channelId: string, cmd: Extract<SettingsCommand, { name: 'mute' | 'unmute' | 'pause' | 'resume' }>): Promise<CommandReply> {
  const now = deps.now();
  const c = await deps.channels.getChannel(channelId);
  c.mutes = activeMutes(c, now);
  if (!isPaused(c, now)) delete c.paused;
  // "story" is the story's own id: mute every alert.
  if ((cmd.name === 'mute' || cmd.name === 'unmute') && cmd.target.toLowerCase() === 'story') cmd = { ...cmd, target: deps.storyId };
  const stories = new Set([deps.storyId, ...(deps.storyIds ?? [])]);
  const label = (t: string) => (stories.has(t) ? `the story ${t} (every alert)` : `development ${t}`);
  switch (cmd.name) {
    case 'mute': {
      if (!stories.has(cmd.target) && !deps.knownDevelopment(cmd.target)) {
        return reply(`No development ${cmd.target} is known. Use the id shown on an alert (\`development dev-…\`), or a story's id (${[...stories].join(', ')}) for the whole story.`);
      }
      if (c.mutes.length >= MAX_MUTES && !c.mutes.some((m) => m.target === cmd.target)) return reply(`A channel can mute at most ${MAX_MUTES} developments; unmute one first.`);
      const until = cmd.until?.toISOString();
      c.mutes = [...c.mutes.filter((m) => m.target !== cmd.target), until ? { target: cmd.target, until } : { target: cmd.target }];
      await deps.channels.putChannel(c);
      return reply(`Muted ${label(cmd.target)} ${untilText(until)}: its alerts and follow-ups are not posted or threaded here.`);
    }
    case 'unmute': {
      if (!c.mutes.some((m) => m.target === cmd.target)) return reply(`${label(cmd.target)} is not muted here; see \`/storywatch status\`.`);
      c.mutes = c.mutes.filter((m) => m.target !== cmd.target);
      await deps.channels.putChannel(c);
      return reply(`Unmuted ${label(cmd.target)}.`);
    }
    case 'pause': {
      const until = cmd.until?.toISOString();
      c.paused = until ? { until } : {};
      await deps.channels.putChannel(c);
      return reply(`Alerts paused in this channel ${untilText(until)}: nothing is posted here meanwhile (\`/storywatch resume\` to undo). Alerts still count in \`latest\` and digests.`);
    }
    case 'resume': {
      const was = !!c.paused;
      delete c.paused;
      await deps.channels.putChannel(c);
      return reply(was ? 'Alerts resumed in this channel.' : 'Alerts were not paused here.');
    }
  }
}

/** The lines `status` shows about this channel's own settings. */
export function settingsLines(c: ChannelSettings, now: Date): string[] {
  const out: string[] = [];
  if (isPaused(c, now)) out.push(`Alerts are PAUSED here ${untilText(c.paused?.until)}.`);
  const mutes = activeMutes(c, now);
  if (mutes.length) out.push(`Muted: ${mutes.map((m) => `${m.target} (${untilText(m.until)})`).join(', ')}`);
  if (c.digest) out.push(`Digest: ${describeSchedule(c.digest)}`);
  if (c.notify) out.push(`Notify: ${c.notify.mention.kind} ${c.notify.mention.id} on new developments${c.notify.minConfidence ? ` with confidence ≥ ${c.notify.minConfidence}` : ''}`);
  return out;
}
