/**
 * The channel-settings commands through the real Bolt app, in both of its modes: HTTP
 * (slash commands signed as Slack signs them) and Socket Mode (a WebSocket opened with
 * apps.connections.open on a local fake; envelopes acked). Slack itself is never reached.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { createEngine } from '../../src/analysis/engine.js';
import { loadStory } from '../../src/config/story.js';
import { createSlackAdapter, type SlackAdapter } from '../../src/chat/slack/slack-adapter.js';
import { createSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { createSqliteChannelStore } from '../../src/store/sqlite/channel-store.js';
import { assertFetchableUrl } from '../../src/feeds/ssrf.js';
import { createLogger } from '../../src/log.js';
import type { CommandDeps } from '../../src/chat/commands/handlers.js';
import { fakeSlack } from '../helpers/fake-slack.js';
import { feedServer, fetchPreview, settingsCases } from '../helpers/settings-cases.js';
import { freePort } from '../helpers/ports.js';
import { ROOT } from '../helpers/paths.js';
import { waitFor } from '../helpers/workers.js';

const SECRET = 'test-signing-secret';
let fake: Awaited<ReturnType<typeof fakeSlack>>;
let feeds: Awaited<ReturnType<typeof feedServer>>;
const dirs: string[] = [];
const { story, corpus } = loadStory('minerals-deal');
const engine = createEngine(story, corpus);
const devId = engine.developments()[0]!.id;

function deps(): CommandDeps {
  const dir = mkdtempSync(path.join(tmpdir(), 'sw-slack-settings-'));
  dirs.push(dir);
  return {
    store: createSqliteStore({ dir, warn: () => {} }), channels: createSqliteChannelStore({ dir, warn: () => {} }),
    engine, corpus, configuredFeeds: [], now: () => new Date(),
    checkFeedUrl: (u) => assertFetchableUrl(u, { allow: ['127.0.0.1'] }), fetchFeedPreview: fetchPreview,
  };
}

beforeAll(async () => {
  fake = await fakeSlack();
  feeds = await feedServer(path.join(ROOT, 'test/fixtures'));
});
afterAll(async () => {
  await fake.close();
  await feeds.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

let n = 0;
function payload(text: string, user: string, channel: string) {
  n++;
  return { token: 'legacy', team_id: 'T1', channel_id: channel, user_id: user, command: '/storywatch', text, response_url: `${fake.url}/respond/${n}`, trigger_id: `trigger-s-${n}` };
}
const responses = (n0: number, at: string) => () => fake.calls.slice(n0).filter((c) => c.path === at);

type Send = (text: string, admin: boolean) => Promise<{ response_type: string; text: string }>;

const modes: Record<string, { open: () => Promise<{ adapter: SlackAdapter; send: Send; commands: CommandDeps }> }> = {
  http: {
    async open() {
      const port = await freePort();
      const commands = deps();
      const adapter = createSlackAdapter({ botToken: 'xoxb-test-token', signingSecret: SECRET, apiUrl: fake.apiUrl, port, adminUserIds: ['UADMIN'], log: createLogger({ out: new PassThrough() }), commands });
      await adapter.start();
      const send: Send = async (text, admin) => {
        const p = payload(text, admin ? 'UADMIN' : 'UMEMBER', 'CHTTP');
        const body = new URLSearchParams(p).toString();
        const ts = String(Math.floor(Date.now() / 1000));
        const sig = `v0=${createHmac('sha256', SECRET).update(`v0:${ts}:${body}`).digest('hex')}`;
        const at = fake.calls.length;
        const res = await fetch(`http://127.0.0.1:${port}/slack/events`, { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': ts, 'x-slack-signature': sig } });
        expect(res.status).toBe(200);
        const got = responses(at, new URL(p.response_url).pathname);
        await waitFor(`the reply to ${text}`, () => got().length === 1, 10_000);
        return got()[0]!.body as { response_type: string; text: string };
      };
      return { adapter, send, commands };
    },
  },
  'socket mode': {
    async open() {
      const commands = deps();
      // No signing secret and no port: the app connects out to Slack.
      const adapter = createSlackAdapter({ botToken: 'xoxb-test-token', appToken: 'xapp-1-test', apiUrl: fake.apiUrl, port: 0, adminUserIds: ['UADMIN'], log: createLogger({ out: new PassThrough() }), commands });
      await adapter.start();
      await waitFor('the Socket Mode connection', () => fake.connected(), 10_000);
      const send: Send = async (text, admin) => {
        const p = payload(text, admin ? 'UADMIN' : 'UMEMBER', 'CSOCK');
        const at = fake.calls.length;
        const id = fake.slashOverSocket(p);
        const got = responses(at, new URL(p.response_url).pathname);
        await waitFor(`the reply to ${text}`, () => got().length === 1 && fake.acks.some((a) => a.envelope_id === id), 10_000);
        return got()[0]!.body as { response_type: string; text: string };
      };
      return { adapter, send, commands };
    },
  },
};

for (const [mode, { open }] of Object.entries(modes)) {
  describe(`Slack (${mode}): channel settings commands`, () => {
    let ctx: Awaited<ReturnType<typeof open>>;
    beforeAll(async () => {
      ctx = await open();
    });
    afterAll(async () => ctx.adapter.close());

    it('each command works for admins only, with private replies; errors are private and say what to write', async () => {
      for (const c of settingsCases(devId, story.id, `${feeds.url}/rss`, `${feeds.url}/page`, 'S0123ABCD')) {
        const r = await ctx.send(c.text, c.admin);
        // status is for everyone and posted in the channel; every other reply is private.
        expect(r, c.text).toMatchObject({ response_type: c.text === 'status' ? 'in_channel' : 'ephemeral' });
        expect(r.text.replace(/&gt;/g, '>').replace(/&lt;/g, '<').replace(/&amp;/g, '&'), c.text).toMatch(c.reply);
      }
      const channel = await ctx.commands.channels.getChannel(mode === 'http' ? 'slack:CHTTP' : 'slack:CSOCK');
      expect(channel).toMatchObject({
        watch: ['"rare earth" AND fund NOT opinion'], feeds: [{ url: `${feeds.url}/rss` }],
        digest: { cadence: 'daily', time: '08:00', zone: 'Europe/Kyiv' }, notify: { mention: { kind: 'usergroup', id: 'S0123ABCD' }, minConfidence: 0.8 },
      });
      expect(channel.mutes?.map((m) => m.target)).toEqual([devId]);
      expect(channel.paused).toBeUndefined();
    });

    it('a user-group handle as typed (@newsroom) is looked up and stored by id', async () => {
      expect((await ctx.send('notify @newsroom', true)).text).toBe('New-development alerts here will mention user group S0NEWSROOM (follow-ups never do).');
      expect((await ctx.send('notify @nobody', true)).text).toMatch(/^"notify" takes a role \(Discord: @role\) or a user group/);
      expect((await ctx.commands.channels.getChannel(mode === 'http' ? 'slack:CHTTP' : 'slack:CSOCK')).notify).toEqual({ mention: { kind: 'usergroup', id: 'S0NEWSROOM' }, minConfidence: 0 });
    });

    it('a Discord role is refused on Slack, and help lists every command', async () => {
      expect((await ctx.send('notify <@&123456789>', true)).text).toBe('On Slack, notify takes a user group: `notify @handle` or its id, e.g. `notify S0123ABCD`.');
      const help = (await ctx.send('help', false)).text;
      for (const cmd of ['mute|unmute', 'pause', 'resume', 'notify', 'digest schedule', 'feeds add']) expect(help).toContain(cmd);
    });
  });
}

describe('Slack Socket Mode connection', () => {
  it('opens the WebSocket with the app-level token through apps.connections.open and acks every envelope', async () => {
    const opened = fake.calls.filter((c) => c.path === '/api/apps.connections.open');
    expect(opened.length).toBeGreaterThan(0);
    expect(opened.every((c) => c.auth === 'Bearer xapp-1-test')).toBe(true);
    expect(fake.acks.length).toBeGreaterThan(10);
  });

  it('a refused app-level token fails start-up with what to fix', async () => {
    const bad = createSlackAdapter({ botToken: 'xoxb-test-token', appToken: 'xapp-1-wrong', apiUrl: fake.apiUrl, port: 0, adminUserIds: [], log: createLogger({ out: new PassThrough() }), commands: deps() });
    try {
      await expect(bad.start()).rejects.toThrow(/^slack: Socket Mode could not connect \(.*invalid_auth.*\); check SLACK_APP_TOKEN/);
    } finally {
      await bad.close();
    }
  });
});
