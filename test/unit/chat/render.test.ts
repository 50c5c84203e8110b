import { describe, expect, it } from 'vitest';
import type { Alert } from '../../../src/domain/alert.js';
import { DISCORD_LIMITS, renderDiscordEmbed } from '../../../src/chat/discord/render.js';
import { renderSlackBlocks, SLACK_LIMITS } from '../../../src/chat/slack/render.js';
import { splitAtLines, truncate } from '../../../src/chat/text.js';
import { developmentPageUrl, pageLinker } from '../../../src/domain/page-link.js';

const alert: Alert = {
  id: 'dev-1:a', storyId: 'minerals-deal', storyName: 'US–Ukraine rare-earth minerals deal',
  headline: "Ukraine's parliament ratifies minerals deal", whatIsNew: 'The Rada voted to ratify the agreement with 338 votes.',
  newFacts: ['vote: 338 votes', 'event: ratified the agreement'], sources: [{ name: 'Kyiv Wire', url: 'https://kyiv.example/a' }],
  link: 'https://kyiv.example/a', developmentId: 'dev-1', confidence: 0.91, reason: 'new-fact weight 9 >= 3', publishedAt: '2025-05-08T15:00:00Z',
};

const huge: Alert = {
  ...alert,
  headline: 'H'.repeat(1000), whatIsNew: 'W'.repeat(10_000), reason: 'R'.repeat(5000),
  newFacts: Array.from({ length: 300 }, (_, i) => `fact ${i} ${'x'.repeat(50)}`),
  sources: Array.from({ length: 100 }, (_, i) => ({ name: `Source <${i}> & co`, url: `https://s${i}.example/${'p'.repeat(40)}` })),
};

describe('Discord embed', () => {
  it('renders headline, summary, facts, sources, reason and footer', () => {
    const e = renderDiscordEmbed(alert);
    expect(e).toMatchObject({
      title: "Ukraine's parliament ratifies minerals deal", url: 'https://kyiv.example/a',
      description: 'The Rada voted to ratify the agreement with 338 votes.', timestamp: '2025-05-08T15:00:00.000Z',
      footer: { text: 'US–Ukraine rare-earth minerals deal · development dev-1 · confidence 0.91' },
    });
    expect(e.fields).toEqual([
      { name: 'New facts', value: '• vote: 338 votes\n• event: ratified the agreement' },
      { name: 'Sources', value: '• [Kyiv Wire](https://kyiv.example/a)' },
      { name: 'Why flagged', value: 'new-fact weight 9 >= 3' },
    ]);
  });

  it('stays within every limit for oversized input, cutting with an ellipsis', () => {
    const e = renderDiscordEmbed(huge);
    expect([...e.title].length).toBeLessThanOrEqual(DISCORD_LIMITS.title);
    expect(e.title.endsWith('…')).toBe(true);
    expect(e.fields.length).toBeLessThanOrEqual(DISCORD_LIMITS.fields);
    for (const f of e.fields) expect([...f.value].length).toBeLessThanOrEqual(DISCORD_LIMITS.fieldValue);
    const total = [...e.title].length + [...e.description].length + [...e.footer.text].length + e.fields.reduce((a, f) => a + [...f.name].length + [...f.value].length, 0);
    expect(total).toBeLessThanOrEqual(DISCORD_LIMITS.total);
    expect(e.fields[0]!.value).toMatch(/… and \d+ more$/);
  });

  it('never builds what Discord refuses (issue 26.2): blank title or description, an empty field value, a URL with a space', () => {
    const e = renderDiscordEmbed({ ...alert, headline: '  \t ', whatIsNew: ' \n ', sources: [], newFacts: ['  '], reason: ' ', link: 'https://kyiv.example/a b' });
    expect(e.title).toBe('New development');
    expect(e.description).toBe('(no summary)');
    expect(e.url).toBeUndefined();
    expect(e.fields).toEqual([]);
    for (const f of renderDiscordEmbed({ ...alert, sources: [{ name: ' ', url: 'https://x.example/a b' }, { name: 'Ok', url: 'javascript:alert(1)' }] }).fields) {
      expect(f.value.trim()).not.toBe('');
      expect(f.value).not.toMatch(/\]\(/);
    }
  });
});

describe('Slack blocks', () => {
  it('renders a header, the summary, facts and a context line, with mrkdwn escaped', () => {
    const { text, blocks } = renderSlackBlocks({ ...alert, whatIsNew: 'A <b> & B' });
    expect(text).toBe("New development: Ukraine's parliament ratifies minerals deal");
    expect(blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: "Ukraine's parliament ratifies minerals deal", emoji: false } });
    expect(blocks[1]).toEqual({ type: 'section', text: { type: 'mrkdwn', text: '*What is new:* A &lt;b&gt; &amp; B' } });
    expect(blocks[2]).toEqual({ type: 'section', text: { type: 'mrkdwn', text: '*New facts*\n• vote: 338 votes\n• event: ratified the agreement' } });
    expect(JSON.stringify(blocks[3])).toContain('<https://kyiv.example/a|Kyiv Wire>');
  });

  it('stays within block, header and section limits for oversized input', () => {
    const { blocks } = renderSlackBlocks(huge);
    expect(blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocks);
    for (const b of blocks) {
      if (b.type === 'header') expect([...b.text.text].length).toBeLessThanOrEqual(SLACK_LIMITS.header);
      if (b.type === 'section') expect([...b.text.text].length).toBeLessThanOrEqual(SLACK_LIMITS.section);
      if (b.type === 'context') for (const el of b.elements) expect([...el.text].length).toBeLessThanOrEqual(SLACK_LIMITS.contextText);
    }
  });
});

describe('the link to the story page (STORYWATCH_PUBLIC_URL)', () => {
  const page = developmentPageUrl('https://news.example/sw/', 'minerals-deal', 'dev-1');

  it('points at the development\'s anchor under the public address', () => {
    expect(page).toBe('https://news.example/sw/stories/minerals-deal#dev-dev-1');
    expect(pageLinker(undefined)).toBeUndefined();
    expect(pageLinker('https://news.example')!(alert)).toBe('https://news.example/stories/minerals-deal#dev-dev-1');
  });

  it('is a link in Slack\'s context line and a field in the Discord embed; absent without an address', () => {
    const { blocks } = renderSlackBlocks({ ...alert, page });
    const context = blocks.find((b) => b.type === 'context');
    expect(context && context.type === 'context' && context.elements.at(-1)).toEqual({ type: 'mrkdwn', text: `<${page}|On the story page>` });
    expect(JSON.stringify(renderSlackBlocks(alert).blocks)).not.toContain('story page');
    expect(renderDiscordEmbed({ ...alert, page }).fields.at(-1)).toEqual({ name: 'Story page', value: `[this development on the timeline](<${page}>)` });
    expect(renderDiscordEmbed(alert).fields.map((f) => f.name)).not.toContain('Story page');
  });
});

describe('truncate', () => {
  it('never splits a surrogate pair', () => {
    expect(truncate('ab😀😀😀', 4)).toBe('ab😀…');
    expect(truncate('short', 10)).toBe('short');
  });
});

describe('splitAtLines (long replies on Discord, issue 26.3)', () => {
  const lines = Array.from({ length: 30 }, (_, i) => `${i + 1}. ${'word '.repeat(20 + (i % 7) * 5).trim()} https://x.example/${i}`);
  it('cuts only between lines, each message within the limit, every line once and in order', () => {
    const parts = splitAtLines(lines.join('\n'), 2000);
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts) expect([...p].length).toBeLessThanOrEqual(2000);
    expect(parts.join('\n').split('\n')).toEqual(lines);
  });
  it('past the last allowed message: whole lines, then how many more and where to find them', () => {
    const parts = splitAtLines(lines.join('\n'), 500, 2, 'use `latest n:5`');
    expect(parts).toHaveLength(2);
    for (const p of parts) expect([...p].length).toBeLessThanOrEqual(500);
    const shown = parts.join('\n').split('\n');
    const hint = shown.pop()!;
    expect(shown).toEqual(lines.slice(0, shown.length));
    expect(hint).toBe(`… and ${lines.length - shown.length} more lines: use \`latest n:5\``);
  });
  it('a short text is one message, as it was', () => {
    expect(splitAtLines('a\nb', 2000)).toEqual(['a\nb']);
  });
});
