/**
 * The real discord.js client against a local fake of Discord's REST API (rest.api
 * points at it). Interactions enter through discord.js's own INTERACTION_CREATE action,
 * the code path the gateway uses; Discord itself is never reached.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import type { Client } from 'discord.js';
import { createEngine } from '../../src/analysis/engine.js';
import { loadStory } from '../../src/config/story.js';
import { createDiscordAdapter, type DiscordAdapter } from '../../src/chat/discord/discord-adapter.js';
import { PermanentDeliveryError, RateLimitedDeliveryError } from '../../src/chat/ports.js';
import type { CommandDeps } from '../../src/chat/commands/handlers.js';
import { createSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { createSqliteChannelStore } from '../../src/store/sqlite/channel-store.js';
import { assertFetchableUrl } from '../../src/feeds/ssrf.js';
import { createLogger } from '../../src/log.js';
import type { Alert } from '../../src/domain/alert.js';
import { serve } from '../helpers/http.js';
import { sampleAlert } from '../helpers/alerts.js';
import { waitFor } from '../helpers/workers.js';
import { recordCoverage } from '../helpers/coverage.js';

interface Call { method: string; path: string; auth?: string; body: Record<string, unknown> }
const calls: Call[] = [];
let rateLimitNext = 0;
let fake: Awaited<ReturnType<typeof serve>>;
let discord: DiscordAdapter;
let dir = '';
let commandDeps: CommandDeps;
let nextId = 9000;

beforeAll(async () => {
  fake = await serve((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      const body = raw ? JSON.parse(raw) : {};
      const p = decodeURIComponent(req.url!.replace(/\?.*$/, ''));
      calls.push({ method: req.method!, path: p, auth: req.headers.authorization, body });
      const json = (o: unknown, status = 200, headers: Record<string, string> = {}) => res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(o));
      if (req.method === 'PUT' && /^\/api\/v10\/applications\/\d+(\/guilds\/\d+)?\/commands$/.test(p)) return json(body);
      if (/^\/api\/v10\/interactions\/\d+\/[\w-]+\/callback$/.test(p)) return res.writeHead(204).end();
      if (/^\/api\/v10\/webhooks\/\d+\/[\w-]+\/messages\/@original$/.test(p)) return json({ id: String(nextId++), content: body.content });
      const thread = /^\/api\/v10\/channels\/(\d+)\/messages\/(\d+)\/threads$/.exec(p);
      if (thread) return json({ id: String(nextId++), type: 11, parent_id: thread[1] });
      const msg = /^\/api\/v10\/channels\/(\d+)\/messages$/.exec(p);
      if (msg) {
        if (msg[1] === '404') return json({ message: 'Unknown Channel', code: 10003 }, 404);
        if (rateLimitNext > 0) {
          rateLimitNext--;
          return json({ message: 'You are being rate limited.', retry_after: 0.3, global: false }, 429, { 'retry-after': '1', 'x-ratelimit-scope': 'user' });
        }
        return json({ id: String(nextId++), channel_id: msg[1], content: body.content ?? '', embeds: body.embeds ?? [] });
      }
      json({ message: '404: Not Found', code: 0 }, 404);
    });
  });
  dir = mkdtempSync(path.join(tmpdir(), 'sw-discord-'));
  const { story, corpus } = loadStory('minerals-deal');
  const store = createSqliteStore({ dir, warn: () => {} });
  await recordCoverage(store);
  commandDeps = {
    store, channels: createSqliteChannelStore({ dir, warn: () => {} }),
    engine: createEngine(story, corpus), corpus, configuredFeeds: [], now: () => new Date(),
    checkFeedUrl: (u) => assertFetchableUrl(u, { allow: [] }),
  };
  discord = createDiscordAdapter({ token: 'test-bot-token', apiUrl: `${fake.url}/api`, commands: commandDeps, log: createLogger({ out: new PassThrough() }) });
});

afterAll(async () => {
  await discord.close();
  await fake.close();
  rmSync(dir, { recursive: true, force: true });
});

let interactionId = 100;
function interact(client: Client, data: Record<string, unknown>, permissions = '0'): { id: string; token: string } {
  const id = String(interactionId++);
  const token = `tok-${id}`;
  const user = { id: '5000', username: 'reader', discriminator: '0', avatar: null, global_name: 'Reader' };
  (client as unknown as { actions: { InteractionCreate: { handle(d: unknown): void } } }).actions.InteractionCreate.handle({
    id, token, application_id: '2000', type: 2, version: 1, channel_id: '3000', guild_id: '4000',
    channel: { id: '3000', type: 0, guild_id: '4000', name: 'news' },
    member: { user, roles: [], permissions, joined_at: '2025-01-01T00:00:00.000Z', deaf: false, mute: false, flags: 0 },
    app_permissions: '0', locale: 'en-US', guild_locale: 'en-US', entitlements: [], authorizing_integration_owners: { 0: '4000' }, context: 0,
    data: { id: '6000', type: 1, ...data },
  });
  return { id, token };
}

const callbackFor = (id: string) => calls.find((c) => c.path.startsWith(`/api/v10/interactions/${id}/`));

const alert: Alert = sampleAlert();

describe('Discord adapter (discord.js) against a fake Discord REST API', () => {
  it('posts an alert embed with the bot token, and a follow-up into the development\'s thread', async () => {
    const n = calls.length;
    const first = await discord.postAlert('discord:3000', alert);
    await discord.postAlert('discord:3000', { ...alert, id: 'dev-1:a2', headline: 'Copy of the ratification' });
    const mine = calls.slice(n);
    expect(mine.map((c) => `${c.method} ${c.path}`)).toEqual([
      'POST /api/v10/channels/3000/messages',
      `POST /api/v10/channels/3000/messages/${first.messageId}/threads`,
      expect.stringMatching(/^POST \/api\/v10\/channels\/\d+\/messages$/),
    ]);
    expect(mine[0]!.auth).toBe('Bot test-bot-token');
    const embed = (mine[0]!.body.embeds as Array<Record<string, unknown>>)[0]!;
    expect(embed).toMatchObject({ title: 'Rada ratifies minerals deal', url: 'https://kyiv.example/a1', description: 'The Rada voted with 338 votes.' });
    // Named after the development, not after the first copy (issue 26.4).
    expect(mine[1]!.body).toMatchObject({ name: 'Rada ratifies minerals deal' });
    expect(mine[2]!.path).not.toBe('/api/v10/channels/3000/messages');
  });

  it('hands a 429 back with its Retry-After instead of retrying it, then delivers', async () => {
    const n = calls.length;
    rateLimitNext = 1;
    const limited = await discord.postAlert('discord:3001', { ...alert, developmentId: 'dev-2' }).catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(RateLimitedDeliveryError);
    expect((limited as RateLimitedDeliveryError).retryAfterMs).toBeGreaterThanOrEqual(1000);
    await discord.postAlert('discord:3001', { ...alert, developmentId: 'dev-2' });
    const posts = calls.slice(n).filter((c) => c.path === '/api/v10/channels/3001/messages');
    expect(posts).toHaveLength(2);
  });

  it('an unknown channel (404) is a permanent failure', async () => {
    await expect(discord.postAlert('discord:404', alert)).rejects.toBeInstanceOf(PermanentDeliveryError);
  });

  it('answers /storywatch latest through the interaction callback', async () => {
    const { id } = interact(discord.client, { name: 'storywatch', options: [{ type: 1, name: 'latest', options: [{ type: 4, name: 'n', value: 3 }] }] });
    await waitFor('the interaction reply', () => !!callbackFor(id), 5000);
    expect(callbackFor(id)!.body).toMatchObject({ type: 4, data: { content: 'No new developments have been alerted yet.' } });
  });

  it('refuses config changes without Manage Server, ephemerally; allows them with it', async () => {
    const refused = interact(discord.client, { name: 'storywatch-config', options: [{ type: 2, name: 'watch', options: [{ type: 1, name: 'add', options: [{ type: 3, name: 'term', value: 'lithium' }] }] }] });
    await waitFor('the refusal', () => !!callbackFor(refused.id), 5000);
    expect(callbackFor(refused.id)!.body).toMatchObject({ type: 4, data: { flags: 64, content: expect.stringMatching(/^Only admins can change this channel's watch terms/) } });
    const allowed = interact(discord.client, { name: 'storywatch-config', options: [{ type: 2, name: 'watch', options: [{ type: 1, name: 'add', options: [{ type: 3, name: 'term', value: 'lithium' }] }] }] }, '32');
    await waitFor('the confirmation', () => !!callbackFor(allowed.id), 5000);
    expect(callbackFor(allowed.id)!.body).toMatchObject({ data: { flags: 64, content: 'Now watching lithium. This channel watches: lithium.' } });
    expect(await commandDeps.channels.getChannel('discord:3000')).toMatchObject({ watch: ['lithium'] });
  });

  it('register-commands installs both commands in a guild, the config one for Manage Server only', async () => {
    const { spawn } = await import('node:child_process');
    const { BIN } = await import('../helpers/paths.js');
    const n = calls.length;
    // Async: the fake Discord API lives in this process and must keep answering.
    const child = spawn(process.execPath, [BIN, 'register-commands', '--guild'], {
      env: { ...process.env, DISCORD_TOKEN: 'test-bot-token-0123456789', DISCORD_APPLICATION_ID: '2000', DISCORD_GUILD_ID: '4000', DISCORD_API_URL: `${fake.url}/api` },
    });
    let stdout = '';
    child.stdout.on('data', (c) => (stdout += c));
    expect(await new Promise((r) => child.on('exit', r))).toBe(0);
    expect(stdout).toBe('registered 2 slash commands (guild 4000)\n');
    const put = calls.slice(n).find((c) => c.method === 'PUT')!;
    expect(put.path).toBe('/api/v10/applications/2000/guilds/4000/commands');
    const [main, config] = put.body as unknown as Array<Record<string, unknown>>;
    expect(main!.name).toBe('storywatch');
    expect(main!.default_member_permissions ?? null).toBeNull();
    expect(config).toMatchObject({ name: 'storywatch-config', default_member_permissions: '32' });
  });

  it('defers slow work within the 3 s window, then edits the deferred reply', async () => {
    const slow = createDiscordAdapter({
      token: 'test-bot-token', apiUrl: `${fake.url}/api`, log: createLogger({ out: new PassThrough() }), deferAfterMs: 0,
      commands: { ...commandDeps, store: { ...commandDeps.store, recentAlerts: async () => (await new Promise((r) => setTimeout(r, 100)), []) } },
    });
    try {
      const { id, token } = interact(slow.client, { name: 'storywatch', options: [{ type: 1, name: 'latest', options: [] }] });
      await waitFor('the edited reply', () => calls.some((c) => c.method === 'PATCH' && c.path.includes(`/${token}/messages/@original`)), 5000);
      expect(callbackFor(id)!.body).toMatchObject({ type: 5, data: { flags: 64 } });
      expect(calls.find((c) => c.method === 'PATCH' && c.path.includes(token))!.body).toMatchObject({ content: 'No new developments have been alerted yet.' });
    } finally {
      await slow.close();
    }
  });

  it('a bad argument gets a clear ephemeral reply', async () => {
    const { id } = interact(discord.client, { name: 'storywatch', options: [{ type: 1, name: 'explain', options: [{ type: 3, name: 'url', value: 'not-a-url' }] }] });
    await waitFor('the reply', () => !!callbackFor(id), 5000);
    expect(callbackFor(id)!.body).toMatchObject({ data: { flags: 64, content: expect.stringMatching(/^"explain" needs the article's http\(s\) URL\./) } });
  });

  it('every message and command reply says allowed_mentions: {parse: []}', async () => {
    const n = calls.length;
    await discord.postAlert('discord:3002', { ...alert, developmentId: 'dev-3', headline: '@everyone deal signed' });
    await discord.postNotice('discord:3002', '@here feed paused');
    const { id } = interact(discord.client, { name: 'storywatch', options: [{ type: 1, name: 'latest', options: [] }] });
    await waitFor('the interaction reply', () => !!callbackFor(id), 5000);
    const posts = calls.slice(n).filter((c) => c.path === '/api/v10/channels/3002/messages');
    expect(posts).toHaveLength(2);
    for (const p of posts) expect(p.body.allowed_mentions).toEqual({ parse: [] });
    expect((callbackFor(id)!.body.data as Record<string, unknown>).allowed_mentions).toEqual({ parse: [] });
  });

  it('a REST API that never answers fails the post within the request time limit', async () => {
    const hanging = await serve(() => {});
    const stuck = createDiscordAdapter({ token: 'test-bot-token', apiUrl: `${hanging.url}/api`, commands: commandDeps, log: createLogger({ out: new PassThrough() }), requestTimeoutMs: 200 });
    try {
      const started = Date.now();
      await expect(stuck.postAlert('discord:3003', alert)).rejects.toThrow();
      expect(Date.now() - started).toBeLessThan(10_000);
    } finally {
      await stuck.close();
      await hanging.close();
    }
  });
  it('ask answers each kind of question in one line first, ephemerally unless share is set', async () => {
    const ask = async (question: string, share?: boolean) => {
      const options = [{ type: 3, name: 'question', value: question }, ...(share === undefined ? [] : [{ type: 5, name: 'share', value: share }])];
      const { id } = interact(discord.client, { name: 'storywatch', options: [{ type: 1, name: 'ask', options }] });
      await waitFor('the answer', () => !!callbackFor(id), 5000);
      return callbackFor(id)!.body as { type: number; data: { content: string; flags?: number } };
    };
    const when = await ask('When did parliament ratify the minerals deal?');
    expect(when).toMatchObject({ type: 4, data: { flags: 64 } });
    expect(when.data.content).toMatch(/^\*\*8 May 2025\*\* — Parliament ratifies the minerals deal\n> On May 8 the Verkhovna Rada ratified .*\n— Kyiv Wire, 8 May 2025 https:\/\/news\.example\/c3/);
    expect((await ask('How many MPs supported the bill?')).data.content).toMatch(/^\*\*338 MPs\*\* — Parliament ratifies the minerals deal/);
    expect((await ask('How much did the DFC put into the fund?')).data.content).toMatch(/^\*\*\$75 million\*\* — Kyiv names its members of the fund board/);
    expect((await ask('Who are the members of the fund board?')).data.content).toMatch(/^\*\*[^*]*Oleksiy Sobolev, Yehor Perelyhin[^*]*\*\* — Kyiv names its members/);
    expect((await ask('What happened between 1 and 10 May 2025?')).data.content).toMatch(/^2 developments dated 1 May 2025 to 10 May 2025; the latest: \*\*Parliament ratifies the minerals deal\*\* \(8 May 2025\)\.\n• 8 May 2025 — /);
    const shared = await ask('When did parliament ratify the minerals deal?', true);
    expect(shared.data.flags).toBeUndefined();
    expect(shared.data.content).toBe(when.data.content);
  });

  it('timeline lists the developments in date order in the channel', async () => {
    const { id } = interact(discord.client, { name: 'storywatch', options: [{ type: 1, name: 'timeline', options: [{ type: 3, name: 'since', value: 'August 2025' }] }] });
    await waitFor('the timeline', () => !!callbackFor(id), 5000);
    expect(callbackFor(id)!.body).toMatchObject({ type: 4, data: { content: '1 development dated since August 2025, oldest first:\n• 1 September 2025 — Kyiv names its members of the fund board (1 report, 1 source) https://news.example/c4' } });
    expect((callbackFor(id)!.body as { data: { flags?: number } }).data.flags).toBeUndefined();
  });

  it('registers the timeline subcommand and the share option of ask', async () => {
    const { commandDefinitions } = await import('../../src/chat/discord/commands.js');
    const main = commandDefinitions()[0] as { options: Array<{ name: string; options?: Array<{ name: string; type: number }> }> };
    expect(main.options.find((o) => o.name === 'timeline')?.options).toEqual([expect.objectContaining({ name: 'since', type: 3 })]);
    expect(main.options.find((o) => o.name === 'ask')?.options?.map((o) => [o.name, o.type])).toEqual([['question', 3], ['share', 5]]);
  });
});
