/**
 * Parsing of the channel-settings commands: mute, unmute, pause, resume, notify and
 * digest schedule. Each returns a command or a clear error saying what to write.
 */
import { isTimeZone, WEEKDAYS } from '../../domain/schedule.js';
import type { DigestSchedule, Mention } from '../../store/ports.js';

export type SettingsCommand =
  | { name: 'mute'; target: string; until?: Date | undefined }
  | { name: 'unmute'; target: string }
  | { name: 'pause'; until?: Date | undefined }
  | { name: 'resume' }
  | { name: 'notify'; mention: Mention | null; minConfidence: number }
  | { name: 'digest-schedule'; schedule: Omit<DigestSchedule, 'since'> | null };

/** Commands that change a channel's settings: admins only. */
export const SETTINGS_COMMANDS = new Set(['mute', 'unmute', 'pause', 'resume', 'notify', 'digest-schedule']);

type Parsed = { ok: true; command: SettingsCommand } | { ok: false; error: string };
const fail = (error: string): Parsed => ({ ok: false, error });

const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 };
const MAX_FOR_MS = 366 * 86_400_000;

/** "for 2h" -> the moment it ends; absent -> undefined (until undone). */
function parseFor(words: string[], now: Date, what: string): Date | undefined | { error: string } {
  if (!words.length) return undefined;
  const m = words.length === 2 && words[0]!.toLowerCase() === 'for' ? /^(\d{1,4})([mhdw])$/i.exec(words[1]!) : null;
  const ms = m ? Number(m[1]) * UNIT_MS[m[2]!.toLowerCase()]! : 0;
  if (!m || ms <= 0 || ms > MAX_FOR_MS) return { error: `"${what}" takes an optional duration such as \`for 30m\`, \`for 2h\`, \`for 1d\`, \`for 2w\` (at most a year), got "${words.join(' ').slice(0, 40)}"` };
  return new Date(now.getTime() + ms);
}

export function parseSettingsCommand(head: string, rest: string, now: Date): Parsed | undefined {
  const words = rest.split(/\s+/).filter(Boolean);
  switch (head) {
    case 'mute':
    case 'unmute': {
      const target = words[0];
      if (!target || !/^[A-Za-z0-9._:-]{1,120}$/.test(target)) return fail(`"${head}" needs a development id (shown on each alert, e.g. dev-1a2b3c4d) or the story's id`);
      if (head === 'unmute') return words.length === 1 ? { ok: true, command: { name: 'unmute', target } } : fail('"unmute" takes only the development id or story id');
      const until = parseFor(words.slice(1), now, 'mute');
      return until && 'error' in until ? fail(until.error) : { ok: true, command: { name: 'mute', target, until } };
    }
    case 'pause': {
      const until = parseFor(words, now, 'pause');
      return until && 'error' in until ? fail(until.error) : { ok: true, command: { name: 'pause', until } };
    }
    case 'resume':
      return words.length ? fail('"resume" takes no arguments') : { ok: true, command: { name: 'resume' } };
    case 'notify':
      return parseNotify(words);
    default:
      return undefined;
  }
}

/**
 * Discord sends a role as `<@&123>` (a role option or a typed mention); Slack sends a user
 * group as `<!subteam^S0123|@handle>` when escaping is on, or its id as typed.
 */
export function parseMention(s: string): Mention | undefined {
  const role = /^(?:<@&(\d{5,25})>|&?(\d{5,25}))$/.exec(s);
  if (role) return { kind: 'role', id: role[1] ?? role[2]! };
  const group = /^(?:<!subteam\^(S[A-Z0-9]{2,20})(?:\|[^>]*)?>|(S[A-Z0-9]{2,20}))$/.exec(s);
  if (group) return { kind: 'usergroup', id: group[1] ?? group[2]! };
  return undefined;
}

function parseNotify(words: string[]): Parsed {
  if (words.length === 1 && words[0]!.toLowerCase() === 'off') return { ok: true, command: { name: 'notify', mention: null, minConfidence: 0 } };
  const mention = words[0] ? parseMention(words[0]) : undefined;
  if (!mention) return fail('"notify" takes a role (Discord: @role) or a user group (Slack: @handle of an existing group, or its id, e.g. S0123ABCD) and optionally `min-confidence 0.8`; `notify off` stops it');
  if (words.length === 1) return { ok: true, command: { name: 'notify', mention, minConfidence: 0 } };
  const c = Number(words[2]);
  if (words.length !== 3 || words[1]!.toLowerCase() !== 'min-confidence' || !/^(0(\.\d+)?|1(\.0+)?)$/.test(words[2] ?? '') || !(c >= 0 && c <= 1)) {
    return fail(`"notify" takes \`min-confidence\` and a number from 0 to 1 after the mention, e.g. \`notify @newsroom min-confidence 0.8\`; got "${words.slice(1).join(' ').slice(0, 40)}"`);
  }
  return { ok: true, command: { name: 'notify', mention, minConfidence: c } };
}

/** `digest schedule daily 08:00 [Europe/Kyiv]`, `weekly mon 08:00 [zone]`, `off`. */
export function parseDigestSchedule(rest: string): Parsed {
  const w = rest.split(/\s+/).filter(Boolean);
  if (w.length === 1 && w[0]!.toLowerCase() === 'off') return { ok: true, command: { name: 'digest-schedule', schedule: null } };
  const usage = '"digest schedule" takes `daily HH:MM [time zone]`, `weekly mon HH:MM [time zone]` or `off`, e.g. `digest schedule daily 08:00 Europe/Kyiv`';
  const cadence = w[0]?.toLowerCase();
  if (cadence !== 'daily' && cadence !== 'weekly') return fail(`${usage}; got "${rest.slice(0, 40)}"`);
  let i = 1;
  let weekday: number | undefined;
  if (cadence === 'weekly') {
    weekday = WEEKDAYS.indexOf((w[1] ?? '').toLowerCase().slice(0, 3) as (typeof WEEKDAYS)[number]) + 1;
    if (!weekday) return fail(`a weekly digest needs a weekday (mon … sun) before the time; got "${(w[1] ?? '').slice(0, 20)}"`);
    i = 2;
  }
  const time = /^([01]?\d|2[0-3]):([0-5]\d)$/.exec(w[i] ?? '');
  if (!time) return fail(`${usage}; "${(w[i] ?? '').slice(0, 20)}" is not a time of day (HH:MM, 24-hour)`);
  const zone = w[i + 1] ?? 'UTC';
  if (w.length > i + 2) return fail(`${usage}; unexpected "${w.slice(i + 2).join(' ').slice(0, 40)}"`);
  if (!isTimeZone(zone)) return fail(`"${zone.slice(0, 40)}" is not a time zone; use an IANA name such as Europe/Kyiv, America/New_York or UTC`);
  return { ok: true, command: { name: 'digest-schedule', schedule: { cadence, weekday, time: `${time[1]!.padStart(2, '0')}:${time[2]}`, zone } } };
}
