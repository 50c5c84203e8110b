/**
 * "What happened [in/between/since …]" and `timeline`: the story's developments by the
 * date their reports give, one line each. A development reported on several days shows
 * once per day, so a period lists what happened in it, not what was first reported.
 */
import type { AskIndex, Report } from './ask-index.js';
import { dayLabel, inPeriod, searchKeys, type Period, type Question } from './question.js';
import { inert } from '../text.js';

const MAX_LINES = 8;
const MAX_TIMELINE = 25;

interface Line {
  report: Report;
  reports: number;
  sources: number;
}

/** The developments of the question's period (or the latest), newest first. */
export function whatHappened(ix: AskIndex, q: Question, hidden: Set<string>): string {
  const period = q.period ? resolveYear(ix, q.period, hidden) : undefined;
  let reports = period
    ? (period.yearless ? [] : ix.between(period.from, period.to)).filter((r) => !hidden.has(r.feedId) && inPeriod(period, r.eventTime))
    : ix.newest(200, hidden);
  if (q.terms.length) {
    // "What happened to the fund in June": the period's reports that name it, if any do.
    const named = reports.filter((r) => r.sentences.slice(0, 3).some((s) => searchKeys(s).some((t) => q.terms.includes(t))));
    if (named.length) reports = named;
  }
  const lines = byDevelopmentDay(reports).sort((a, b) => b.report.eventTime - a.report.eventTime || b.report.n - a.report.n);
  if (!lines.length) {
    const before = period ? ix.newest(200, hidden, period.from) : [];
    const latest = byDevelopmentDay(before).sort((a, b) => b.report.eventTime - a.report.eventTime).slice(0, 3);
    const head = period ? `Nothing in the coverage is dated ${period.label}.` : 'Nothing in the coverage so far.';
    return [head, ...(latest.length ? ['The latest before that:', ...latest.map(format)] : []), 'See `/storywatch latest` for the newest alerts.'].join('\n');
  }
  const top = lines[0]!.report;
  const first = period
    ? `${lines.length} development${lines.length === 1 ? '' : 's'} dated ${period.label}; the latest: *${inert(top.headline)}* (${dayLabel(top.eventTime)}).`
    : `The latest development: *${inert(top.headline)}* (${dayLabel(top.eventTime)}).`;
  const shown = lines.slice(0, MAX_LINES).map(format);
  const more = lines.length > MAX_LINES ? [`… and ${lines.length - MAX_LINES} earlier (see \`/storywatch timeline\`)`] : [];
  return [first, ...shown, ...more].join('\n');
}

/** `timeline [since …]`: every development in date order, one line each. */
export function timeline(ix: AskIndex, hidden: Set<string>, since?: Period): string {
  const devs: Line[] = [];
  for (const reports of ix.developments.values()) {
    const visible = reports.filter((r) => !hidden.has(r.feedId));
    if (!visible.length) continue;
    const opener = visible[0]!;
    if (since && !(opener.eventTime >= since.from && opener.eventTime <= since.to)) continue;
    devs.push({ report: opener, reports: visible.length, sources: new Set(visible.map((r) => r.source)).size });
  }
  devs.sort((a, b) => (a.report.eventTime || 0) - (b.report.eventTime || 0) || a.report.n - b.report.n);
  if (!devs.length) return since ? `No developments dated ${since.label}.` : 'No developments known yet.';
  const shown = devs.slice(-MAX_TIMELINE);
  const head = `${devs.length} development${devs.length === 1 ? '' : 's'}${since ? ` dated ${since.label}` : ''}, oldest first${devs.length > shown.length ? ` (the newest ${shown.length}; ${devs.length - shown.length} earlier not shown)` : ''}:`;
  return [head, ...shown.map(format)].join('\n');
}

function format(l: Line): string {
  const r = l.report;
  const day = Number.isNaN(r.eventTime) ? 'undated' : dayLabel(r.eventTime);
  const link = /^https?:/.test(r.url) ? ` ${r.url}` : ' (seed corpus)';
  return `• ${day} — ${inert(r.headline)} (${l.reports} report${l.reports === 1 ? '' : 's'}, ${l.sources} source${l.sources === 1 ? '' : 's'})${link}`;
}

/** One line per development and day; the line shows the report that opened it, else the first. */
function byDevelopmentDay(reports: Report[]): Line[] {
  const groups = new Map<string, Report[]>();
  for (const r of reports) {
    const key = `${r.developmentId}|${Math.floor(r.eventTime / 86_400_000)}`;
    const g = groups.get(key);
    if (g) g.push(r);
    else groups.set(key, [r]);
  }
  return [...groups.values()].map((g) => ({
    report: g.find((r) => r.novel) ?? g.find((r) => r.eventText) ?? g[0]!,
    reports: g.length,
    sources: new Set(g.map((r) => r.source)).size,
  }));
}

/** "In June": the latest June the coverage has reports in. */
function resolveYear(ix: AskIndex, p: Period, hidden: Set<string>): Period {
  if (!p.yearless) return p;
  const { month, day } = p.yearless;
  for (const y of ix.years()) {
    const from = Date.UTC(y, month, day ?? 1);
    const to = day ? from + 86_400_000 - 1 : Date.UTC(y, month + 1, 1) - 1;
    if (ix.between(from, to).some((r) => !hidden.has(r.feedId))) return { from, to, label: `${p.label} ${y}` };
  }
  return p;
}
