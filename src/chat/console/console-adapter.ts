/** Console adapter: alerts printed to stdout, the embedded default with no chat tokens. */
import type { Writable } from 'node:stream';
import type { Alert } from '../../domain/alert.js';
import type { ChatAdapter } from '../ports.js';
import { stripControl } from '../text.js';

/**
 * Every field is feed text: on one line each, with no control characters, so a headline
 * cannot move the cursor, write the clipboard or print a forged alert block.
 */
export function renderAlertText(raw: Alert): string {
  const c = (s: string) => stripControl(s);
  const alert: Alert = {
    ...raw, headline: c(raw.headline), whatIsNew: c(raw.whatIsNew), newFacts: raw.newFacts.map(c), link: c(raw.link),
    reason: c(raw.reason), storyName: c(raw.storyName), developmentId: c(raw.developmentId),
    sources: raw.sources.map((s) => ({ name: c(s.name), url: c(s.url) })),
  };
  if (alert.kind === 'follow-up') {
    const lines = alert.sources.map((s) => `    • ${s.name} · ${s.url}`);
    return [`  ↳ also reported (development ${alert.developmentId}): ${alert.headline}`, ...lines, ''].join('\n');
  }
  const facts = alert.newFacts.slice(0, 8).map((f) => `    • ${f}`);
  return [
    `━━ NEW DEVELOPMENT · ${alert.storyName} ━━`,
    `  ${alert.headline}`,
    `  What is new: ${alert.whatIsNew || '(see article)'}`,
    ...(facts.length ? ['  New facts:', ...facts] : []),
    `  Source: ${alert.sources.map((s) => s.name).join(', ')} · ${alert.link}`,
    `  Development ${alert.developmentId} · confidence ${alert.confidence.toFixed(2)} · ${alert.reason}`,
    ...(raw.page ? [`  Story page: ${c(raw.page)}`] : []),
    '',
  ].join('\n');
}

export function createConsoleAdapter(out: Writable = process.stdout): ChatAdapter {
  return {
    name: 'console',
    handles: (target) => target === 'console',
    async postAlert(_target, alert) {
      out.write(`${renderAlertText(alert)}\n`);
      return {};
    },
    async postNotice(_target, text) {
      out.write(`── storywatch notice ── ${stripControl(text)}\n\n`);
    },
    async close() {},
  };
}
