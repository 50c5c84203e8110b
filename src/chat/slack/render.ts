/**
 * Alert -> Slack Block Kit, within Slack's limits: 50 blocks, header 150, section
 * text 3000, context elements 10. Text is mrkdwn-escaped; rendering never fails.
 */
import type { Alert } from '../../domain/alert.js';
import { bullets, stripControl, truncate } from '../text.js';

export const SLACK_LIMITS = { blocks: 50, header: 150, section: 3000, contextElements: 10, contextText: 2000 };

export type SlackBlock =
  | { type: 'header'; text: { type: 'plain_text'; text: string; emoji?: boolean } }
  | { type: 'section'; text: { type: 'mrkdwn'; text: string } }
  | { type: 'context'; elements: Array<{ type: 'mrkdwn'; text: string }> }
  | { type: 'divider' };

/**
 * Slack's control characters: `<!channel>`, `<@U1>` and links are made of them, so every
 * piece of feed, page or user text goes through this before it reaches a `text` field,
 * mrkdwn or not (the notification `text` is parsed too). Terminal controls go as well.
 */
export function escapeMrkdwn(s: string): string {
  return stripControl(s, true).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Plain text for a plain_text block: no controls; Slack does not parse it for mentions. */
function plain(s: string): string {
  return stripControl(s);
}

function link(url: string, label: string): string {
  return /^https?:\/\//.test(url) ? `<${escapeMrkdwn(url).replace(/\|/g, '%7C')}|${escapeMrkdwn(label).replace(/\|/g, '¦')}>` : escapeMrkdwn(label);
}

export function renderSlackBlocks(alert: Alert): { text: string; blocks: SlackBlock[] } {
  const L = SLACK_LIMITS;
  const blocks: SlackBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: truncate(plain(alert.headline) || 'New development', L.header), emoji: false } },
    { type: 'section', text: { type: 'mrkdwn', text: truncate(`*What is new:* ${escapeMrkdwn(alert.whatIsNew || '(no summary)')}`, L.section) } },
  ];
  if (alert.newFacts.length) {
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: `*New facts*\n${bullets(alert.newFacts.map(escapeMrkdwn), L.section - 20)}` } });
  }
  const sources = alert.sources.map((s) => link(s.url, s.name)).join(', ');
  blocks.push({
    type: 'context',
    elements: [
      { type: 'mrkdwn', text: truncate(`Sources: ${sources}`, L.contextText) },
      { type: 'mrkdwn', text: truncate(`${escapeMrkdwn(alert.storyName)} · development \`${alert.developmentId}\` · confidence ${alert.confidence.toFixed(2)} · ${escapeMrkdwn(alert.reason)}`, L.contextText) },
    ],
  });
  return { text: truncate(`New development: ${escapeMrkdwn(plain(alert.headline))}`, 300), blocks: blocks.slice(0, L.blocks) };
}

/** A follow-up (or merged burst of copies): one line per source, for the development's thread. */
export function renderSlackFollowUp(alert: Alert): { text: string; blocks: SlackBlock[] } {
  const lines = alert.sources.map((s) => `• ${link(s.url, s.name)}`);
  const head = alert.sources.length > 1 ? `Also reported by ${alert.sources.length} sources:` : `Also reported: ${escapeMrkdwn(alert.headline)}`;
  return {
    text: truncate(`Also reported: ${escapeMrkdwn(plain(alert.headline))}`, 300),
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text: truncate(`${head}\n${lines.join('\n')}`, SLACK_LIMITS.section) } }],
  };
}
