/**
 * The channel-settings commands through the real discord.js client: interactions enter
 * through discord.js's own INTERACTION_CREATE action, replies go to a local fake of
 * Discord's REST API. The same cases as Slack's, typed as Discord's options.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { createEngine } from '../../src/analysis/engine.js';
import { loadStory } from '../../src/config/story.js';
import { createDiscordAdapter, type DiscordAdapter } from '../../src/chat/discord/discord-adapter.js';
import { commandDefinitions } from '../../src/chat/discord/commands.js';
import type { CommandDeps } from '../../src/chat/commands/handlers.js';
import { createSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { createSqliteChannelStore } from '../../src/store/sqlite/channel-store.js';
import { assertFetchableUrl } from '../../src/feeds/ssrf.js';
import { createLogger } from '../../src/log.js';
import { fakeDiscord } from '../helpers/fake-discord.js';
import { feedServer, fetchPreview, settingsCases } from '../helpers/settings-cases.js';
import { ROOT } from '../helpers/paths.js';
import { waitFor } from '../helpers/workers.js';

let fake: Awaited<ReturnType<typeof fakeDiscord>>;
let feeds: Awaited<ReturnType<typeof feedServer>>;
let discord: DiscordAdapter;
let commands: CommandDeps;
let dir = '';
const { story, corpus } = loadStory('minerals-deal');
const engine = createEngine(story, corpus);
const devId = engine.developments()[0]!.id;

beforeAll(async () => {
  fake = await fakeDiscord();
  feeds = await feedServer(path.join(ROOT, 'test/fixtures'));
  dir = mkdtempSync(path.join(tmpdir(), 'sw-discord-settings-'));
  commands = {
    store: createSqliteStore({ dir, warn: () => {} }), channels: createSqliteChannelStore({ dir, warn: () => {} }),
    engine, corpus, configuredFeeds: [], now: () => new Date(),
    checkFeedUrl: (u) => assertFetchableUrl(u, { allow: ['127.0.0.1'] }), fetchFeedPreview: fetchPreview,
  };
  discord = createDiscordAdapter({ token: 'test-bot-token', apiUrl: fake.apiUrl, commands, log: createLogger({ out: new PassThrough() }) });
});
afterAll(async () => {
  await discord.close();
  await fake.close();
  await feeds.close();
  rmSync(dir, { recursive: true, force: true });
});

const str = (name: string, value: string) => ({ type: 3, name, value });
const sub = (name: string, options: unknown[] = []) => ({ type: 1, name, options });
const group = (name: string, s: unknown) => ({ type: 2, name, options: [s] });

/** The interaction a Discord user produces for the Slack-style text of a case. */
function asInteraction(text: string): Record<string, unknown> {
  const [head = '', ...w] = text.split(' ');
  const rest = w.join(' ');
  const forOpt = (i: number) => (w[i] === 'for' ? [str('for', w.slice(i + 1).join(' '))] : []);
  const config = (o: unknown) => ({ name: 'storywatch-config', options: [o] });
  switch (head) {
    case 'status':
      return { name: 'storywatch', options: [sub('status')] };
    case 'mute':
      return config(sub('mute', [str('target', w[0]!), ...forOpt(1)]));
    case 'unmute':
      return config(sub('unmute', [str('target', w[0]!)]));
    case 'pause':
      return config(sub('pause', forOpt(0)));
    case 'resume':
      return config(sub('resume'));
    case 'digest':
      return config(group('digest', sub('schedule', [str('when', w.slice(1).join(' '))])));
    case 'notify': {
      const role = /^<@&(\d+)>$/.exec(w[0]!)![1]!;
      return config(group('notify', sub('set', [{ type: 8, name: 'role', value: role }, ...(w[2] ? [{ type: 10, name: 'min-confidence', value: Number(w[2]) }] : [])])));
    }
    case 'watch':
    case 'feeds':
      return config(group(head, sub(w[0]!, [str(head === 'watch' ? 'term' : 'url', rest.slice(w[0]!.length + 1))])));
    default:
      throw new Error(`no Discord form for ${text}`);
  }
}

async function send(text: string, admin: boolean, data = asInteraction(text)) {
  const id = fake.interact(discord.client, data, admin ? '32' : '0');
  await waitFor(`the reply to ${text}`, () => !!fake.callback(id), 10_000);
  return fake.callback(id)!.body as { type: number; data: { content: string; flags?: number; allowed_mentions?: unknown } };
}

describe('Discord: channel settings commands', () => {
  it('registers mute, unmute, pause, resume, notify and digest schedule under the Manage Server command', () => {
    const config = commandDefinitions()[1] as { options: Array<{ name: string; options?: Array<{ name: string; type: number }> }> };
    expect(config.options.map((o) => o.name)).toEqual(['follow', 'unfollow', 'track', 'watch', 'feeds', 'mute', 'unmute', 'pause', 'resume', 'notify', 'digest']);
    expect(config.options.find((o) => o.name === 'notify')!.options!.map((o) => o.name)).toEqual(['set', 'off']);
    // Room for an AND / OR / NOT query (the parser's own limit).
    const add = (config.options.find((o) => o.name === 'watch') as unknown as { options: Array<{ name: string; options: Array<{ max_length?: number }> }> }).options.find((o) => o.name === 'add')!;
    expect(add.options[0]!.max_length).toBe(200);
  });

  it('each command works for Manage Server only, with private replies; errors are private and say what to write', async () => {
    for (const c of settingsCases(devId, story.id, `${feeds.url}/rss`, `${feeds.url}/page`, '<@&777000111>')) {
      const r = await send(c.text, c.admin);
      expect(r.data.flags, c.text).toBe(c.text === 'status' ? undefined : 64);
      expect(r.data.allowed_mentions, c.text).toEqual({ parse: [] });
      // Discord's markdown: *bold* becomes **bold**.
      expect(r.data.content.replace(/\*\*/g, '*'), c.text).toMatch(c.reply);
    }
    const channel = await commands.channels.getChannel('discord:3000');
    expect(channel).toMatchObject({
      watch: ['"rare earth" AND fund NOT opinion'], feeds: [{ url: `${feeds.url}/rss` }],
      digest: { cadence: 'daily', time: '08:00', zone: 'Europe/Kyiv' }, notify: { mention: { kind: 'role', id: '777000111' }, minConfidence: 0.8 },
    });
    expect(channel.mutes?.map((m) => m.target)).toEqual([devId]);
  });

  it('notify off and a Slack user group refused on Discord', async () => {
    expect((await send('notify off', true, { name: 'storywatch-config', options: [group('notify', sub('off'))] })).data.content).toBe('No one is mentioned on alerts here any more.');
    expect((await send('notify', true, { name: 'storywatch-config', options: [group('notify', sub('set', [{ type: 8, name: 'role', value: '123456' }]))] })).data.content)
      .toBe('New-development alerts here will mention role 123456 (follow-ups never do).');
  });
});
