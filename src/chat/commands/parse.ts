/**
 * Parses "/storywatch ..." text into a command, or a clear error with usage. Shared
 * by every platform: Slack passes the raw text, Discord rebuilds it from options.
 */
import { matchQuery, parseQuery, prepareText, type PreparedText, type QueryNode } from './watch-query.js';
import { parsePeriod, type Period } from './question.js';
import { parseDigestSchedule, parseSettingsCommand, type SettingsCommand } from './settings-parse.js';

export type Command =
  | { name: 'help' }
  | { name: 'latest'; count: number }
  | { name: 'ask'; question: string; share: boolean }
  | { name: 'timeline'; since?: Period | undefined }
  | { name: 'status' }
  | { name: 'watch'; action: 'add' | 'remove'; term: WatchTerm }
  | { name: 'watch'; action: 'list' }
  | { name: 'feeds'; action: 'add' | 'remove'; url: string }
  | { name: 'feeds'; action: 'list' }
  | { name: 'explain'; url: string }
  | { name: 'digest'; since: Date }
  | { name: 'track'; id: string; urls: string[] }
  | SettingsCommand;

export interface WatchTerm {
  kind: 'word' | 'phrase' | 'regex' | 'query';
  /** As the user wrote it: `lithium`, `"joint fund"`, `/rati(fy|fied)/`, `"rare earth" AND fund NOT opinion`. */
  source: string;
}

export type ParseResult = { ok: true; command: Command } | { ok: false; error: string };

export const USAGE = [
  '`/storywatch latest [n]` — the last n alerts of the stories this channel follows (1–20, default 5)',
  '`/storywatch ask [--share] <question>` — a one-line answer from the coverage, with quotes and sources (only you see it unless --share)',
  '`/storywatch timeline [since <date>]` — the developments of the stories this channel follows, in date order',
  '`/storywatch status` — feeds, last poll, failures, queue depth',
  '`/storywatch watch add|remove|list <word | "phrase" | /regex/ [AND|OR|NOT …]>` — this channel\'s filters (admins)',
  '`/storywatch feeds add|remove|list <url>` — this channel\'s feeds; add shows a preview first (admins)',
  '`/storywatch explain <url>` — why an article was or was not alerted',
  '`/storywatch digest [YYYY-MM-DD | Nd]` — what changed since a date (default 7d)',
  '`/storywatch digest schedule daily HH:MM [zone] | weekly mon HH:MM [zone] | off` — a digest posted here each period (admins)',
  '`/storywatch mute|unmute <development-id | story-id> [for 2h|1d]` — no alerts or follow-ups of it here (admins)',
  '`/storywatch pause [for 2h|1d]` · `resume` — stop and restart this channel\'s alerts (admins)',
  '`/storywatch notify <@role | @user-group> [min-confidence 0.8] | off` — mention them on new developments (admins)',
  '`/storywatch track <story-id> <url> [url …]` — a new story drafted from a few article pages; this channel follows it (admins)',
];

const fail = (error: string): ParseResult => ({ ok: false, error });

export function parseCommand(text: string, now: Date = new Date()): ParseResult {
  const trimmed = text.trim();
  const [head = '', ...restWords] = trimmed.split(/\s+/);
  const rest = trimmed.slice(head.length).trim();
  switch (head.toLowerCase()) {
    case '':
    case 'help':
      return { ok: true, command: { name: 'help' } };
    case 'latest': {
      if (!rest) return { ok: true, command: { name: 'latest', count: 5 } };
      const n = Number(rest);
      if (!Number.isInteger(n) || n < 1 || n > 20) return fail(`"latest" takes a whole number from 1 to 20, got "${rest.slice(0, 40)}"`);
      return { ok: true, command: { name: 'latest', count: n } };
    }
    case 'ask':
      return parseAsk(rest);
    case 'timeline':
      return parseTimeline(rest, now);
    case 'status':
      return { ok: true, command: { name: 'status' } };
    case 'watch':
      return parseWatch(restWords[0]?.toLowerCase(), rest.slice((restWords[0] ?? '').length).trim());
    case 'feeds':
      return parseFeeds(restWords[0]?.toLowerCase(), rest.slice((restWords[0] ?? '').length).trim());
    case 'explain':
      return isHttpUrl(rest) ? { ok: true, command: { name: 'explain', url: rest } } : fail('"explain" needs the article\'s http(s) URL');
    case 'track':
      return parseTrack(restWords);
    case 'digest':
      if (/^schedule(\s|$)/i.test(rest)) return parseDigestSchedule(rest.slice('schedule'.length).trim());
      return parseDigest(rest, now);
    default:
      return parseSettingsCommand(head.toLowerCase(), rest, now) ?? fail(`unknown command "${head.slice(0, 40)}"`);
  }
}

/** `--share` posts the answer in the channel; without it only the asker sees it. */
function parseAsk(arg: string): ParseResult {
  const share = /(^|\s)--share(?=\s|$)/.test(arg);
  const question = arg.replace(/(^|\s)--share(?=\s|$)/g, ' ').trim();
  if (question.length < 3) return fail('"ask" needs a question, e.g. `/storywatch ask when was the deal ratified?`');
  if (question.length > 500) return fail('questions are limited to 500 characters');
  return { ok: true, command: { name: 'ask', question, share } };
}

function parseTimeline(arg: string, now: Date): ParseResult {
  if (!arg) return { ok: true, command: { name: 'timeline' } };
  const found = parsePeriod(/^(since|after|before|in|from|between)\b/i.test(arg) ? arg : `since ${arg}`, now);
  if (!found) return fail(`"timeline" takes a date or period, e.g. \`since 2025-05-01\`, \`since last week\`, \`in May 2025\`; got "${arg.slice(0, 40)}"`);
  return { ok: true, command: { name: 'timeline', since: found.period } };
}

function isHttpUrl(s: string): boolean {
  try {
    const u = new URL(s);
    return (u.protocol === 'http:' || u.protocol === 'https:') && s.length <= 2048;
  } catch {
    return false;
  }
}

const TRACK_USAGE = '`/storywatch track <story-id> <url> [url …]`, e.g. `/storywatch track boeing-strike https://… https://…`';
/** Seed pages are fetched while the admin waits: a few are enough to draft a story. */
export const MAX_TRACK_SEEDS = 8;

function parseTrack(words: string[]): ParseResult {
  const [id = '', ...urls] = words;
  if (!id) return fail(`"track" needs a story id and one or more article URLs: ${TRACK_USAGE}`);
  if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(id)) return fail(`"${id.slice(0, 70)}" is not a valid story id: use lower-case letters, digits and dashes (e.g. boeing-strike), then the article URLs`);
  if (!urls.length) return fail(`"track ${id}" needs one or more article URLs (pages about the story, two or more is best): ${TRACK_USAGE}`);
  if (urls.length > MAX_TRACK_SEEDS) return fail(`"track" takes at most ${MAX_TRACK_SEEDS} article URLs, got ${urls.length}`);
  // Slack wraps pasted links as <https://…> or <https://…|label>.
  const clean = urls.map((u) => u.replace(/^<([^|>]+)(\|[^>]*)?>$/, '$1'));
  const bad = clean.find((u) => !isHttpUrl(u.replace(/@\d{4}-\d{2}-\d{2}[^@]*$/, '')));
  if (bad) return fail(`"${bad.slice(0, 80)}" is not an http(s) URL: "track" takes article page URLs (add @2025-03-04 to give a page's date)`);
  if (new Set(clean).size !== clean.length) return fail('"track" was given the same URL twice');
  return { ok: true, command: { name: 'track', id, urls: clean } };
}

function parseWatch(action: string | undefined, arg: string): ParseResult {
  if (action === 'list') return { ok: true, command: { name: 'watch', action: 'list' } };
  if (action !== 'add' && action !== 'remove') return fail('"watch" takes add, remove or list');
  const term = parseWatchTerm(arg);
  // A stored term that is no longer accepted (disabled at start-up) can still be removed.
  if ('error' in term && action === 'remove' && arg) return { ok: true, command: { name: 'watch', action, term: { kind: 'regex', source: arg } } };
  return 'error' in term ? fail(term.error) : { ok: true, command: { name: 'watch', action, term } };
}

export function parseWatchTerm(arg: string): WatchTerm | { error: string } {
  if (!arg) return { error: 'give a word, a "quoted phrase", a /regex/, or terms joined by AND, OR, NOT' };
  if (arg.length > 200) return { error: 'watch terms are limited to 200 characters' };
  const source = arg.trim();
  try {
    compileQuery(source);
  } catch (err) {
    return { error: (err as Error).message };
  }
  if (/^\/.+\/$/.test(source) && !/\/\s/.test(source)) return { kind: 'regex', source };
  const quoted = /^["“]([^"”]+)["”]$/.exec(source);
  if (quoted) return { kind: 'phrase', source: `"${quoted[1]!.trim()}"` };
  if (/^[^\s()"“]+$/.test(source) && !/^(AND|OR|NOT)$/.test(source)) return { kind: 'word', source };
  return { kind: 'query', source: source.replace(/\s+/g, ' ') };
}

/** Parsed watch terms, by source: a channel's terms are matched against every alert. */
const compiled = new Map<string, QueryNode>();
function compileQuery(source: string): QueryNode {
  let q = compiled.get(source);
  if (!q) {
    q = parseQuery(source);
    if (compiled.size >= 1000) compiled.clear();
    compiled.set(source, q);
  }
  return q;
}

/** Alert text is short; the cap keeps a pathological one bounded too. */
const MAX_MATCH_TEXT = 20_000;

export function watchMatches(term: WatchTerm, text: string | PreparedText): boolean {
  const prepared = typeof text === 'string' ? prepareText(text.slice(0, MAX_MATCH_TEXT)) : text;
  return matchQuery(compileQuery(term.source), prepared);
}

/** The text every watch term of every channel is matched against, prepared once. */
export function prepareWatchText(text: string): PreparedText {
  return prepareText(text.slice(0, MAX_MATCH_TEXT));
}

function parseFeeds(action: string | undefined, arg: string): ParseResult {
  if (action === 'list') return { ok: true, command: { name: 'feeds', action: 'list' } };
  if (action !== 'add' && action !== 'remove') return fail('"feeds" takes add, remove or list');
  return isHttpUrl(arg) ? { ok: true, command: { name: 'feeds', action, url: arg } } : fail(`"feeds ${action}" needs an http(s) URL`);
}

function parseDigest(arg: string, now: Date): ParseResult {
  if (!arg) return { ok: true, command: { name: 'digest', since: new Date(now.getTime() - 7 * 86_400_000) } };
  const days = /^(\d{1,3})d$/.exec(arg);
  if (days) return { ok: true, command: { name: 'digest', since: new Date(now.getTime() - Number(days[1]) * 86_400_000) } };
  if (/^\d{4}-\d{2}-\d{2}$/.test(arg) && !Number.isNaN(Date.parse(arg))) return { ok: true, command: { name: 'digest', since: new Date(`${arg}T00:00:00Z`) } };
  return fail(`"digest" takes a date (YYYY-MM-DD) or a number of days (e.g. 7d), got "${arg.slice(0, 40)}"`);
}
