/**
 * `digest schedule daily 08:00 [zone] | weekly mon 08:00 [zone] | off`, and the digest
 * text itself: one line per development of the period (headline, one-sentence summary,
 * sources count, thread link). Posted by pipeline/digest.ts.
 */
import { describeSchedule, lastSlot } from '../../domain/schedule.js';
import type { AlertRecord, ChannelStore } from '../../store/ports.js';
import type { CommandReply } from './handlers.js';
import type { SettingsCommand } from './settings-parse.js';
import { inert } from '../text.js';

export async function digestScheduleCommand(channels: ChannelStore, channelId: string, now: Date, cmd: Extract<SettingsCommand, { name: 'digest-schedule' }>): Promise<CommandReply> {
  const c = await channels.getChannel(channelId);
  if (!cmd.schedule) {
    const was = !!c.digest;
    delete c.digest;
    await channels.putChannel(c);
    return { ephemeral: true, text: was ? 'Scheduled digest turned off.' : 'No digest was scheduled here.' };
  }
  c.digest = { ...cmd.schedule, since: now.toISOString() };
  await channels.putChannel(c);
  const next = lastSlot(c.digest, new Date(now.getTime() + (cmd.schedule.cadence === 'daily' ? 86_400_000 : 7 * 86_400_000)));
  return { ephemeral: true, text: `Digest scheduled: ${describeSchedule(c.digest)}. The first one is due ${next.at.toISOString().slice(0, 16).replace('T', ' ')} UTC; nothing is posted for a period with no new developments.` };
}

export interface DigestLine {
  record: AlertRecord;
  sources: number;
  thread?: string | undefined;
}

function clip(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}

/** Newest first, like the alerts themselves. */
export function digestText(label: string, lines: DigestLine[]): string {
  // Named by story when the period holds several stories' developments.
  const named = new Set(lines.map((l) => l.record.alert.storyId)).size > 1;
  const shown = lines.slice(0, 20).map(({ record: { alert }, sources, thread }) =>
    `• ${named ? `[${alert.storyName}] ` : ''}*${inert(clip(alert.headline, 200))}* — ${inert(clip(alert.whatIsNew, 240))} (${sources} source${sources === 1 ? '' : 's'}) ${thread ?? alert.link}`);
  const more = lines.length > 20 ? `\n… and ${lines.length - 20} more` : '';
  return `${lines.length} new development${lines.length === 1 ? '' : 's'} ${label}:\n${shown.join('\n')}${more}`;
}
