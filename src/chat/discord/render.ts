/**
 * Alert -> Discord embed (plain API JSON), within Discord's limits: title 256,
 * description 4096, 25 fields (name 256, value 1024), footer 2048, 6000 in total.
 * Over-long content is cut with an ellipsis; rendering never fails.
 */
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

function safeUrl(u: string): string | undefined {
  return /^https?:\/\//.test(u) && u.length <= 2048 ? u : undefined;
}

export function renderDiscordEmbed(input: Alert): DiscordEmbed {
  const L = DISCORD_LIMITS;
  const alert = cleanAlert(input);
  const fields = [
    alert.newFacts.length ? { name: 'New facts', value: bullets(alert.newFacts, L.fieldValue) } : undefined,
    { name: 'Sources', value: bullets(alert.sources.map((s) => (safeUrl(s.url) ? `[${s.name}](${s.url})` : s.name)), L.fieldValue) },
    alert.reason ? { name: 'Why flagged', value: truncate(alert.reason, L.fieldValue) } : undefined,
  ].filter((f): f is { name: string; value: string } => !!f).slice(0, L.fields);
  const url = safeUrl(alert.link);
  const when = Date.parse(alert.publishedAt);
  const embed: DiscordEmbed = {
    title: truncate(alert.headline || 'New development', L.title),
    ...(url ? { url } : {}),
    description: truncate(alert.whatIsNew || '(no summary)', L.description),
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

/** Feed text without control characters (one-line fields on one line). */
function cleanAlert(a: Alert): Alert {
  return {
    ...a, headline: stripControl(a.headline), whatIsNew: stripControl(a.whatIsNew, true), reason: stripControl(a.reason),
    newFacts: a.newFacts.map((f) => stripControl(f)), sources: a.sources.map((s) => ({ ...s, name: stripControl(s.name) })),
  };
}

/** A follow-up (or merged burst of copies) as a plain message for the development's thread. */
export function renderDiscordFollowUp(input: Alert): string {
  const alert = cleanAlert(input);
  const head = alert.sources.length > 1 ? `Also reported by ${alert.sources.length} sources:` : `Also reported: ${alert.headline}`;
  const lines = alert.sources.map((s) => (safeUrl(s.url) ? `• [${s.name}](<${s.url}>)` : `• ${s.name}`));
  return truncate(`${head}\n${bullets(lines.map((l) => l.slice(2)), 1900)}`, 2000);
}
