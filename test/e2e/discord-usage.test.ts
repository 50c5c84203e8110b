/**
 * Issue 26.4 on Discord: replies name the commands a Discord user can type (settings are
 * `/storywatch-config …`, options are named), and `/storywatch help` exists. Real
 * discord.js against the local fake; interactions through discord.js's own action.
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
import { discordUsage } from '../../src/chat/discord/usage.js';
import { createSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { createSqliteChannelStore } from '../../src/store/sqlite/channel-store.js';
import { assertFetchableUrl } from '../../src/feeds/ssrf.js';
import { createLogger } from '../../src/log.js';
import { fakeDiscord } from '../helpers/fake-discord.js';
import { waitFor } from '../helpers/workers.js';

let fake: Awaited<ReturnType<typeof fakeDiscord>>;
let dir = '';
let discord: DiscordAdapter;

beforeAll(async () => {
  fake = await fakeDiscord();
  dir = mkdtempSync(path.join(tmpdir(), 'sw-discord-usage-'));
  const { story, corpus } = loadStory('minerals-deal');
  discord = createDiscordAdapter({
    token: 't', apiUrl: fake.apiUrl, log: createLogger({ out: new PassThrough() }),
    commands: {
      store: createSqliteStore({ dir, warn: () => {} }), channels: createSqliteChannelStore({ dir, warn: () => {} }),
      engine: createEngine(story, corpus), corpus, configuredFeeds: [], now: () => new Date(), checkFeedUrl: (u) => assertFetchableUrl(u, { allow: [] }),
      stories: [{ id: 'minerals-deal', name: story.name }, { id: 'other', name: 'Other story' }],
    },
  });
});
afterAll(async () => {
  await discord.close();
  await fake.close();
  rmSync(dir, { recursive: true, force: true });
});

async function answer(options: unknown[]): Promise<string> {
  const id = fake.interact(discord.client, { name: 'storywatch', options });
  await waitFor('the reply', () => !!fake.callback(id), 5000);
  return (fake.callback(id)!.body.data as { content: string }).content;
}

describe('Discord command names in replies', () => {
  it('/storywatch help is a subcommand, and its text names what Discord users type', async () => {
    const main = commandDefinitions()[0] as { options: Array<{ name: string }> };
    expect(main.options.map((o) => o.name)).toContain('help');
    const text = await answer([{ type: 1, name: 'help', options: [] }]);
    expect(text).toContain('`/storywatch-config follow|unfollow <story>`');
    expect(text).toContain('`/storywatch-config mute|unmute');
    expect(text).toContain('`/storywatch-config watch add|remove');
    expect(text).toContain('`/storywatch watch list`');
    expect(text).toContain('`/storywatch ask question:<question> [share:true]`');
    expect(text).not.toMatch(/--share|`\/storywatch (follow|mute|pause|notify|watch add)/);
  });

  it('stories tells a Discord user to run /storywatch-config follow', async () => {
    const text = await answer([{ type: 1, name: 'stories', options: [] }]);
    expect(text).toMatch(/`\/storywatch-config follow <story>`/);
    expect(text).not.toMatch(/`\/storywatch follow/);
  });

  it('rewrites each kind of reference; plain text and other commands stay as written', () => {
    expect(discordUsage('see `/storywatch resume` or `/storywatch status`; `/storywatch latest [n]`')).toBe('see `/storywatch-config resume` or `/storywatch status`; `/storywatch latest [n:<number>]`');
    expect(discordUsage('try `/storywatch latest 20`')).toBe('try `/storywatch latest n:20`');
    expect(discordUsage('`/storywatch digest schedule daily HH:MM` and `/storywatch feeds remove <url>`')).toBe('`/storywatch-config digest schedule daily HH:MM` and `/storywatch-config feeds remove <url>`');
  });
});
