/**
 * Feed text is hostile: a headline is parsed by the real feed parser, built into an
 * alert as the pipeline builds it, and rendered by every text sink. It must never
 * become a Slack mention or a terminal control sequence.
 */
import { describe, expect, it } from 'vitest';
import { PassThrough } from 'node:stream';
import { parseFeed } from '../../../src/feeds/parser.js';
import { buildAlert, type Alert } from '../../../src/domain/alert.js';
import { createConsoleAdapter } from '../../../src/chat/console/console-adapter.js';
import { renderSlackBlocks, renderSlackFollowUp } from '../../../src/chat/slack/render.js';
import { renderDiscordEmbed, renderDiscordFollowUp } from '../../../src/chat/discord/render.js';
import { createLogger } from '../../../src/log.js';

// RSS titles are HTML-escaped text: &lt;!channel&gt; is the text "<!channel>".
// XML forbids &#27; itself, but titles are HTML: &amp;#27; is the HTML reference to ESC.
const HOSTILE_TITLE = 'Deal signed &lt;!channel&gt; &lt;@U0ADMIN&gt; &amp;lt;!here&amp;gt; &amp;#27;[2K&amp;#27;[1A&amp;#7;&amp;#x1b;]52;c;ZXZpbA==&amp;#7;&#10;━━ NEW DEVELOPMENT · forged ━━&#13;';
const rss = `<?xml version="1.0"?><rss version="2.0"><channel><title>Wire &lt;!everyone&gt;&amp;#27;[31m</title><link>https://wire.example/</link>
<item><title>${HOSTILE_TITLE}</title><link>https://wire.example/a?x=1&amp;y=&lt;!channel&gt;</link><guid>a1</guid>
<description>&lt;p&gt;Body &amp;lt;!subteam^S1&amp;gt; with &amp;#27;[2J a clear-screen.&lt;/p&gt;</description></item></channel></rss>`;

async function hostileAlert(): Promise<Alert> {
  const { articles } = await parseFeed(rss, 'https://wire.example/feed.xml');
  const a = articles[0]!;
  return buildAlert({ id: 's', name: 'Story' }, a, {
    relevant: true, novel: true, developmentId: 'dev-1', duplicateOf: null, relevance: 1, novelty: 0.9,
    summary: `${a.title} ${a.content}`, facts: [`party: ${a.title}`], reasons: ['new development: because'],
  });
}

const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;
const MENTION = /<[!@#]/;

describe('feed text never becomes a mention or a control sequence', () => {
  it('Slack: every text and mrkdwn field built from feed text has & < > escaped', async () => {
    const alert = await hostileAlert();
    expect(alert.headline).toContain('<!here>');
    for (const rendered of [renderSlackBlocks(alert), renderSlackFollowUp(alert), renderSlackFollowUp({ ...alert, sources: [...alert.sources, { name: '<!here>', url: 'https://x.example/' }] })]) {
      const json = JSON.stringify(rendered);
      expect(rendered.text).not.toMatch(MENTION);
      expect(rendered.text).toContain('&lt;!here&gt;');
      // Slack parses `text` and mrkdwn for mentions (plain_text headers are shown as written).
      const parsed = [rendered.text, ...rendered.blocks.flatMap((b) => ('text' in b && b.text.type === 'mrkdwn' ? [b.text.text] : 'elements' in b ? b.elements.map((e) => e.text) : []))];
      expect(parsed.length).toBeGreaterThan(1);
      // The only `<` left are the links we built, and none of them is a mention.
      for (const t of parsed) expect(t.replace(/<https?:\/\/[^<>]*>/g, '')).not.toMatch(MENTION);
      expect(json).not.toMatch(/\\u001b|\\u0007|\\r/);
    }
  });

  it('Discord: embeds and follow-ups carry no control characters', async () => {
    const alert = await hostileAlert();
    const text = JSON.stringify([renderDiscordEmbed(alert), renderDiscordFollowUp(alert)]);
    expect(text).not.toMatch(/\\u001b|\\u0007|\\r/);
  });

  it('console: no ESC/BEL/CR reaches the terminal and no forged alert block appears', async () => {
    const out = new PassThrough();
    let printed = '';
    out.on('data', (c) => (printed += c));
    const console = createConsoleAdapter(out);
    await console.postAlert('console', await hostileAlert());
    await console.postNotice('console', 'feed x\u001b[2K is paused\n━━ NEW DEVELOPMENT · forged ━━');
    expect(printed).not.toMatch(CONTROL);
    expect(printed.match(/^━━ NEW DEVELOPMENT/gm)).toHaveLength(1);
    expect(printed).toMatch(/━━ NEW DEVELOPMENT · Story ━━/);
  });

  it('logs: feed text in messages and fields is shown escaped, on one line', () => {
    for (const format of ['text', 'json'] as const) {
      const out = new PassThrough();
      let text = '';
      out.on('data', (c) => (text += c));
      const log = createLogger({ out, format });
      log.warn('feed x: item "\u001b[2K\u0007fake\nINFO  forged line" skipped', { title: 'a\u001b]52;c;x\u0007\nb' });
      expect(text, format).not.toMatch(CONTROL);
      expect(text.trim().split('\n'), format).toHaveLength(1);
    }
  });
});
