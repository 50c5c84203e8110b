/**
 * Digest periods in a channel's time zone (luxon on Node's ICU data): the latest
 * scheduled moment at or before now, the one before it, and a key naming the period.
 * Wall-clock arithmetic, so "daily 08:00 Europe/Kyiv" stays 08:00 across DST changes
 * (a 23- or 25-hour day), and a time the change skips (03:30 on the spring day) moves
 * forward by the skipped hour (04:30).
 */
import { DateTime } from 'luxon';
import type { DigestSchedule } from '../store/ports.js';

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

export function isTimeZone(zone: string): boolean {
  return DateTime.now().setZone(zone).isValid;
}

export interface DigestSlot {
  /** When this period's digest is due (the end of the period it lists). */
  at: Date;
  /** The start of the period: the slot before. */
  from: Date;
  /** Names the period for the one-time claim, e.g. "daily:2026-03-29". */
  key: string;
}

export function lastSlot(s: Pick<DigestSchedule, 'cadence' | 'weekday' | 'time' | 'zone'>, now: Date): DigestSlot {
  const [hour, minute] = s.time.split(':').map(Number) as [number, number];
  const local = DateTime.fromJSDate(now, { zone: s.zone });
  const step = s.cadence === 'daily' ? { days: 1 } : { weeks: 1 };
  const at = (d: DateTime) => d.set({ hour, minute, second: 0, millisecond: 0 });
  let slot = at(s.cadence === 'weekly' ? local.set({ weekday: (s.weekday ?? 1) as 1 }) : local);
  if (slot > local) slot = at(slot.minus(step));
  const from = at(slot.minus(step));
  return { at: slot.toJSDate(), from: from.toJSDate(), key: `${s.cadence}:${slot.toISODate()}` };
}

/** "daily 08:00 Europe/Kyiv", "weekly mon 08:00 UTC". */
export function describeSchedule(s: DigestSchedule): string {
  return `${s.cadence}${s.cadence === 'weekly' ? ` ${WEEKDAYS[(s.weekday ?? 1) - 1]}` : ''} ${s.time} ${s.zone}`;
}

/** "2026-03-29 08:00": an instant as the zone's clock shows it. */
export function localStamp(at: Date, zone: string): string {
  return DateTime.fromJSDate(at, { zone }).toFormat('yyyy-MM-dd HH:mm');
}

/** HH:MM of an instant in a zone (burst headers, digests). */
export function clock(at: Date, zone: string): string {
  return DateTime.fromJSDate(at, { zone }).toFormat('HH:mm');
}
