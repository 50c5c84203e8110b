/**
 * Alert -> Discord embed (plain API JSON), within Discord's limits: title 256,
 * description 4096, 25 fields (name 256, value 1024), footer 2048, 6000 in total.
 * Over-long content is cut with an ellipsis; rendering never fails, and never builds what
 * Discord refuses with a 400 (a blank title or description, an empty field value, a URL
 * that is not well formed). Feed text is markdown-escaped: an article's
 * `[signed text](https://evil…)` shows as written, never as a masked link.
 */
import { escapeMarkdown } from 'discord.js';
import type { Alert } from '../../domain/alert.js';
import { bullets, length, stripControl, truncate } from '../text.js';

export const DISCORD_LIMITS = { title: 256, description: 4096, fields: 25, fieldName: 256, fieldValue: 1024, footer: 2048, total: 6000 };

export interface DiscordEmbed {
  title: string;
  url?: string;
  description: string;
  color: number;
  fields: Array<{ name: string; value: string; inline?: boolean }>;
  footer: { text: string };
  timestamp?: string;
}

/** A URL Discord accepts (http(s), no spaces or controls, at most 2048), else undefined. */
export function safeUrl(u: string): string | undefined {
  if (!/^https?:\/\/[^\s<>"\u0000-\u001f\u007f]+$/i.test(u) || u.length > 2048) return undefined;
  try {
    const url = new URL(u);
    return url.hostname ? u : undefined;
  } catch {
    return undefined;
  }
}

/** Feed or page text as literal text in Discord markdown (no links, lists, headings, quotes, code). */
export function escapeDiscord(s: string): string {
  return escapeMarkdown(s, { heading: true, bulletedList: true, numberedList: true })
    .replace(/[[\]]/g, '\\$&').replace(/^(\s*)>/gm, '$1\\>');
}

/** A masked link whose label and URL cannot break out of it. */
function maskedLink(label: string, url: string, noPreview = false): string {
  const href = url.replace(/[()]/g, (c) => (c === '(' ? '%28' : '%29'));
  return `[${label}](${noPreview ? `<${href}>` : href})`;
}

/** Blank (or whitespace only) text becomes the fallback: Discord refuses blank titles and values. */
function orElse(s: string, fallback: string): string {
  return s.trim() ? s : fallback;
}

export function renderDiscordEmbed(input: Alert): DiscordEmbed {
  const L = DISCORD_LIMITS;
  const alert = cleanAlert(input);
  const fields = [
    alert.newFacts.length ? { name: 'New facts', value: bullets(alert.newFacts, L.fieldValue) } : undefined,
    alert.sources.length ? { name: 'Sources', value: bullets(alert.sources.map((s) => (safeUrl(s.url) ? maskedLink(s.name, s.url) : s.name)), L.fieldValue) } : undefined,
    alert.reason.trim() ? { name: 'Why flagged', value: truncate(alert.reason, L.fieldValue) } : undefined,
    alert.page && safeUrl(alert.page) ? { name: 'Story page', value: maskedLink('this development on the timeline', alert.page, true) } : undefined,
  ].filter((f): f is { name: string; value: string } => !!f && !!f.value.trim()).slice(0, L.fields);
  const url = safeUrl(alert.link);
  const when = Date.parse(alert.publishedAt);
  const embed: DiscordEmbed = {
    title: truncate(orElse(alert.headline, 'New development'), L.title),
    ...(url ? { url } : {}),
    description: truncate(orElse(alert.whatIsNew, '(no summary)'), L.description),
    color: 0xd9822b,
    fields,
    footer: { text: truncate(`${alert.storyName} · development ${alert.developmentId} · confidence ${alert.confidence.toFixed(2)}`, L.footer) },
    ...(Number.isNaN(when) ? {} : { timestamp: new Date(when).toISOString() }),
  };
  return fitTotal(embed);
}

function total(e: DiscordEmbed): number {
  return length(e.title) + length(e.description) + length(e.footer.text) + e.fields.reduce((a, f) => a + length(f.name) + length(f.value), 0);
}

/** Discord rejects embeds over 6000 characters in all: shorten the description first. */
function fitTotal(e: DiscordEmbed): DiscordEmbed {
  const over = total(e) - DISCORD_LIMITS.total;
  if (over <= 0) return e;
  const description = truncate(e.description, Math.max(200, length(e.description) - over));
  const out = { ...e, description };
  while (total(out) > DISCORD_LIMITS.total && out.fields.length) out.fields = out.fields.slice(0, -1);
  return out;
}

/** Feed text without control characters (one-line fields on one line), markdown escaped. */
function cleanAlert(a: Alert): Alert {
  const one = (s: string) => escapeDiscord(stripControl(s).trim());
  return {
    ...a, headline: one(a.headline), whatIsNew: escapeDiscord(stripControl(a.whatIsNew, true).trim()), reason: one(a.reason),
    newFacts: a.newFacts.map(one).filter(Boolean), sources: a.sources.map((s) => ({ ...s, name: orElse(one(s.name), 'source') })),
    storyName: one(a.storyName),
  };
}

/** A follow-up (or merged burst of copies) as a plain message for the development's thread. */
export function renderDiscordFollowUp(input: Alert): string {
  const alert = cleanAlert(input);
  const head = alert.sources.length > 1 ? `Also reported by ${alert.sources.length} sources:` : `Also reported: ${alert.headline}`;
  const lines = alert.sources.map((s) => (safeUrl(s.url) ? `• ${maskedLink(s.name, s.url, true)}` : `• ${s.name}`));
  return truncate(`${head}\n${bullets(lines.map((l) => l.slice(2)), 1900)}`, 2000);
}
