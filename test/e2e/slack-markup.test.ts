/**
 * Issue 22.10 on Slack: feed text never formats an alert. `*bold*`, `_it_`, `~strike~`
 * and backticks written by a feed arrive as look-alikes; `<!channel>` and links stay
 * escaped. The real Bolt client against the local fake Slack.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PassThrough } from 'node:stream';
import { createSlackAdapter, type SlackAdapter } from '../../src/chat/slack/slack-adapter.js';
import { createLogger } from '../../src/log.js';
import { sampleAlert } from '../helpers/alerts.js';
import { fakeSlack } from '../helpers/fake-slack.js';

let slack: Awaited<ReturnType<typeof fakeSlack>>;
let adapter: SlackAdapter;
beforeAll(async () => {
  slack = await fakeSlack();
  adapter = createSlackAdapter({ botToken: 'xoxb-t', signingSecret: 's', apiUrl: slack.apiUrl, port: 0, adminUserIds: [], log: createLogger({ out: new PassThrough() }), commands: undefined as never });
});
afterAll(async () => {
  await adapter.close();
  await slack.close();
});

describe('Slack alerts show feed text as written', () => {
  it('no bold, italics, strike-through or code from a feed; no live mention or link', async () => {
    await adapter.postAlert('slack:C9', sampleAlert({
      headline: '*Breaking* _now_ ~not~ `rm -rf`', whatIsNew: 'See *this* and <!channel> <https://evil.example|here>',
      newFacts: ['`code`'], sources: [{ name: '*Evil* _Wire_', url: 'https://kyiv.example/a1' }], reason: '~gone~',
    }));
    const body = slack.posts()[0]!.body;
    const blocks = JSON.parse(String(body.blocks)) as Array<{ type: string; text?: { text: string }; elements?: Array<{ text: string }> }>;
    const mrkdwn = [String(body.text), ...blocks.flatMap((b) => (b.type === 'header' ? [] : [b.text?.text ?? '', ...(b.elements ?? []).map((e) => e.text)]))].join('\n');
    // The renderer's own markup (*What is new:*, *New facts*, `dev-1`) stays; nothing from the feed formats.
    const feedParts = mrkdwn.replace(/\*What is new:\*|\*New facts\*|`dev-1`/g, '');
    expect(feedParts).not.toMatch(/[*_~`]/);
    expect(mrkdwn).toContain('∗Breaking∗ ˍnowˍ ∼not∼ ˋrm -rfˋ');
    expect(mrkdwn).toContain('&lt;!channel&gt;');
    expect(mrkdwn).toContain('|∗Evil∗ ˍWireˍ>');
    // The header block is plain_text (never parsed): as written.
    expect(blocks[0]!.text!.text).toBe('*Breaking* _now_ ~not~ `rm -rf`');
  });
});
