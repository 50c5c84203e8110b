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

/**
 * Slack has no escape for its formatting marks: in feed or page text they become
 * look-alikes (∗ ˍ ∼ ˋ), so `*bold*`, `_it_`, `~strike~` and backticks written by a feed
 * show as written instead of formatting the alert (or hiding part of it in a code span).
 */
const MARKS: Record<string, string> = { '*': '\u2217', _: '\u02cd', '~': '\u223c', '`': '\u02cb' };
export function feedMrkdwn(s: string): string {
  return escapeMrkdwn(s).replace(/[*_~`]/g, (c) => MARKS[c]!);
}

/** Plain text for a plain_text block: no controls; Slack does not parse it for mentions. */
function plain(s: string): string {
  return stripControl(s);
}

function link(url: string, label: string): string {
  return /^https?:\/\//.test(url) ? `<${escapeMrkdwn(url).replace(/\|/g, '%7C')}|${feedMrkdwn(label).replace(/\|/g, '¦')}>` : feedMrkdwn(label);
}

export function renderSlackBlocks(alert: Alert): { text: string; blocks: SlackBlock[] } {
  const L = SLACK_LIMITS;
  const blocks: SlackBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: truncate(plain(alert.headline) || 'New development', L.header), emoji: false } },
    { type: 'section', text: { type: 'mrkdwn', text: truncate(`*What is new:* ${feedMrkdwn(alert.whatIsNew || '(no summary)')}`, L.section) } },
  ];
  if (alert.newFacts.length) {
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: `*New facts*\n${bullets(alert.newFacts.map(feedMrkdwn), L.section - 20)}` } });
  }
  const sources = alert.sources.map((s) => link(s.url, s.name)).join(', ');
  blocks.push({
    type: 'context',
    elements: [
      { type: 'mrkdwn', text: truncate(`Sources: ${sources}`, L.contextText) },
      { type: 'mrkdwn', text: truncate(`${feedMrkdwn(alert.storyName)} · development \`${alert.developmentId}\` · confidence ${alert.confidence.toFixed(2)} · ${feedMrkdwn(alert.reason)}`, L.contextText) },
      ...(alert.page ? [{ type: 'mrkdwn' as const, text: link(alert.page, 'On the story page') }] : []),
    ],
  });
  return { text: truncate(`New development: ${feedMrkdwn(plain(alert.headline))}`, 300), blocks: blocks.slice(0, L.blocks) };
}

/** A follow-up (or merged burst of copies): one line per source, for the development's thread. */
export function renderSlackFollowUp(alert: Alert): { text: string; blocks: SlackBlock[] } {
  const lines = alert.sources.map((s) => `• ${link(s.url, s.name)}`);
  const head = alert.sources.length > 1 ? `Also reported by ${alert.sources.length} sources:` : `Also reported: ${feedMrkdwn(alert.headline)}`;
  return {
    text: truncate(`Also reported: ${feedMrkdwn(plain(alert.headline))}`, 300),
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text: truncate(`${head}\n${lines.join('\n')}`, SLACK_LIMITS.section) } }],
  };
}
