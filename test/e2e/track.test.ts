/**
 * `/storywatch track <id> <url> …` end to end (issue 24) through the real Bolt app and the
 * real discord.js client against local fakes, in the embedded app: the seed pages come from
 * a loopback server through the SSRF guard (127.0.0.1 allowed here only), the story is
 * written and tracked without a restart, the channel follows it, and an item about it that
 * reaches the channel's feed after the command is alerted there.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { createApp, type App } from '../../src/main.js';
import { createLogger } from '../../src/log.js';
import type { AppConfig } from '../../src/config/app-config.js';
import type { SlackAdapter } from '../../src/chat/slack/slack-adapter.js';
import type { DiscordAdapter } from '../../src/chat/discord/discord-adapter.js';
import { channelFeedId } from '../../src/pipeline/channels.js';
import { fakeSlack } from '../helpers/fake-slack.js';
import { fakeDiscord } from '../helpers/fake-discord.js';
import { freePort } from '../helpers/ports.js';
import { waitFor } from '../helpers/workers.js';
import { corpusLines as lines, NEW_ITEM, OLD_ITEM, pageServer, signedSlash, trackDeployment, type PageServer } from '../helpers/track-pages.js';

const SECRET = 'track-test-secret';

let pages: PageServer;
let slack: Awaited<ReturnType<typeof fakeSlack>>;
let discord: Awaited<ReturnType<typeof fakeDiscord>>;
let dir = '';
let app: App;
let slackPort = 0;
let logged = '';

beforeAll(async () => {
  pages = await pageServer();
  slack = await fakeSlack();
  discord = await fakeDiscord();
  // The deployment tracks another story; the new ones are added beside it.
  dir = trackDeployment('track');
  // An old item the channel's feed already holds: not news to a story tracked later.
  pages.items = [pages.item(OLD_ITEM, 'old-1', '2025-03-01T10:00:00Z')];
  slackPort = await freePort();
  const logs = new PassThrough();
  logs.on('data', (c) => (logged += c));
  const config: AppConfig = {
    configFile: path.join(dir, 'config.yaml'), story: 'nippon-us-steel', stories: ['nippon-us-steel'], storiesDir: path.join(dir, 'stories'),
    dataDir: path.join(dir, 'data'), pollIntervalSeconds: 0.05, targets: ['console'], feeds: [],
    commands: false, followUpMergeSeconds: 0, logLevel: 'info',
    fetch: { connectTimeoutMs: 1000, totalTimeoutMs: 5000, maxBytes: 1 << 20, maxRedirects: 5, perHostIntervalMs: 0, perHostConcurrency: 8, allowPrivate: ['127.0.0.1'] },
    slack: { botToken: 'xoxb-track-test', signingSecret: SECRET, port: slackPort, adminUserIds: ['UADMIN'], apiUrl: slack.apiUrl },
    discord: { token: 'discord-track-test-token-0000', apiUrl: discord.apiUrl },
  };
  app = await createApp({ config, log: createLogger({ out: logs }), alertsOut: new PassThrough() });
  // Each channel polls its own feed (the same URL): it is judged for the stories that channel follows.
  const feedUrl = pages.feedUrl;
  for (const channel of ['slack:C1', 'discord:3000']) {
    await app.channels.putChannel({ ...(await app.channels.getChannel(channel)), feeds: [{ id: channelFeedId(channel, feedUrl), url: feedUrl }] });
  }
  await app.start();
  await adapter<SlackAdapter>('slack').start();
  await waitFor('the first poll of both channel feeds', async () => (await app.store.getFeedState(channelFeedId('discord:3000', feedUrl)))?.lastPollAt !== undefined
    && (await app.store.getFeedState(channelFeedId('slack:C1', feedUrl)))?.lastPollAt !== undefined, 10_000);
}, 30_000);

afterAll(async () => {
  await app?.close();
  await slack.close();
  await discord.close();
  await pages.close();
  rmSync(dir, { recursive: true, force: true });
});

const adapter = <T>(name: string) => app.adapters.find((a) => a.name === name) as unknown as T;

const slash = (text: string, user: string) => signedSlash({ port: slackPort, secret: SECRET, fakeUrl: slack.url, calls: slack.calls }, text, user);

async function slashReply(text: string, user: string) {
  const r = await slash(text, user);
  expect(r.status).toBe(200);
  await waitFor(`the reply to ${text}`, () => !!r.reply(), 10_000);
  return r.reply()!;
}

const str = (name: string, value: string) => ({ type: 3, name, value });
async function discordTrack(id: string, urls: string, admin: boolean) {
  const client = adapter<DiscordAdapter>('discord').client;
  const iid = discord.interact(client, { name: 'storywatch-config', options: [{ type: 1, name: 'track', options: [str('story', id), str('urls', urls)] }] }, admin ? '32' : '0');
  await waitFor('the Discord reply', () => !!discord.callback(iid), 10_000);
  return discord.callback(iid)!.body as { type: number; data: { content: string; flags?: number } };
}

describe('/storywatch track', () => {
  it('refuses non-admins, bad ids, bad and undated URLs with a clear reply, changing nothing', async () => {
    expect((await slashReply(`track minerals-pact ${pages.base}/a/talks.html`, 'UMEMBER')).text).toMatch(/^Only admins can add a story/);
    expect((await slashReply(`track Minerals! ${pages.base}/a/talks.html`, 'UADMIN')).text).toMatch(/^"Minerals!" is not a valid story id: use lower-case letters/);
    expect((await slashReply('track minerals-pact', 'UADMIN')).text).toMatch(/^"track minerals-pact" needs one or more article URLs/);
    expect((await slashReply('track minerals-pact ftp://x.test/a', 'UADMIN')).text).toMatch(/^"ftp:\/\/x.test\/a" is not an http\(s\) URL/);
    const undated = await slashReply(`track minerals-pact ${pages.base}/a/undated.html`, 'UADMIN');
    expect(undated.text).toMatch(/^Could not add story `minerals-pact`: seed ".*undated.html": the page gives no publication date.*add its date after an @.*\nNothing was changed\./s);
    // The SSRF guard: a private address that is not allowed here is refused, not fetched.
    expect((await slashReply('track minerals-pact http://10.0.0.1/a.html', 'UADMIN')).text).toMatch(/^Could not add story `minerals-pact`: seed "http:\/\/10.0.0.1\/a.html" could not be fetched/);
    expect((await discordTrack('minerals-pact', `${pages.base}/a/talks.html`, false)).data.content).toMatch(/^Only admins can add a story/);
    expect(existsSync(path.join(dir, 'stories/minerals-pact'))).toBe(false);
    expect(app.lanes.get('minerals-pact')).toBeUndefined();
  });

  it('Slack: acknowledges before the seeds are fetched, writes and tracks the story, and the channel follows it', async () => {
    let release!: () => void;
    pages.hold = new Promise((r) => (release = r));
    const r = await slash(`track minerals-pact <${pages.base}/a/talks.html> ${pages.base}/a/progress.html`, 'UADMIN');
    // Bolt answered the HTTP request while the seed pages were still held back.
    expect(r.status).toBe(200);
    expect(JSON.parse(r.ack)).toEqual({ response_type: 'ephemeral', text: 'Fetching the seed pages and drafting the story; the answer follows here.' });
    expect(r.reply()).toBeUndefined();
    await waitFor('the seed fetch', () => pages.seedRequests.includes('/a/talks.html'), 5000);
    release();
    pages.hold = undefined;
    await waitFor('the reply', () => !!r.reply(), 10_000);
    expect(r.reply()!.text).toMatch(/^Now tracking \*Minerals pact\* \(`minerals-pact`\) from 2 seed page\(s\); this channel follows it\./);
    expect(r.reply()!.text).toMatch(/• group /);
    expect(existsSync(path.join(dir, 'stories/minerals-pact/story.yaml'))).toBe(true);
    expect(readFileSync(path.join(dir, 'config.yaml'), 'utf8')).toMatch(/- minerals-pact/);
    expect((await app.channels.getChannel('slack:C1')).stories).toEqual(['nippon-us-steel', 'minerals-pact']);
    expect(app.lanes.get('minerals-pact')?.engine.story.name).toBe('Minerals pact');
    expect((await slashReply('stories', 'UMEMBER')).text).toMatch(/`minerals-pact` — Minerals pact \(followed here\)/);
  });

  it('Discord: the same under /storywatch-config; a slow fetch is deferred (Discord allows 3 s), then answered privately', async () => {
    let release!: () => void;
    pages.hold = new Promise((r) => (release = r));
    const r = await discordTrack('minerals-talks', `${pages.base}/a/talks.html ${pages.base}/a/progress.html@2025-04-17`, true);
    // Acknowledged while the seed page was still held: a deferred, private reply.
    expect(r).toMatchObject({ type: 5, data: { flags: 64 } });
    release();
    pages.hold = undefined;
    const edit = () => discord.calls.find((c) => c.method === 'PATCH' && /\/webhooks\/\d+\/tok-\d+\/messages\/@original$/.test(c.path) && /minerals-talks/.test(String(c.body.content)));
    await waitFor('the deferred answer', () => !!edit(), 10_000);
    expect(String(edit()!.body.content).replace(/\*\*/g, '*')).toMatch(/^Now tracking \*Minerals talks\* \(`minerals-talks`\) from 2 seed page\(s\)/);
    expect((await app.channels.getChannel('discord:3000')).stories).toEqual(['nippon-us-steel', 'minerals-talks']);
    // Tracked already: said so, with how to follow it.
    expect((await discordTrack('minerals-pact', `${pages.base}/a/talks.html`, true)).data.content).toMatch(/^Story `minerals-pact` is tracked already; `\/storywatch-config follow minerals-pact`/);
  });

  it('an item about the new story reaching the channel feed after the command is alerted to that channel; what the feed held before is not', async () => {
    const slackPosts = slack.posts().length;
    const discordPosts = discord.posts('3000').length;
    pages.items = [...pages.items, pages.item(NEW_ITEM, 'new-1', new Date().toISOString())];
    await waitFor('the alert on both platforms', () => slack.posts().length > slackPosts && discord.posts('3000').length > discordPosts, 15_000);
    const slackText = JSON.stringify(slack.posts().slice(slackPosts));
    const headline = lines(NEW_ITEM)[0]!;
    expect(slackText).toContain(headline.slice(0, 40));
    expect(slack.posts().slice(slackPosts).every((p) => p.body.channel === 'C1')).toBe(true);
    expect(JSON.stringify(discord.posts('3000').slice(discordPosts))).toContain(headline.slice(0, 40));
    // The old item was learned silently by both new stories.
    for (const id of ['minerals-pact', 'minerals-talks']) {
      const alerts = await app.lanes.get(id)!.store.recentAlerts(10);
      expect(alerts.map((a) => a.alert.headline), id).not.toContain(lines(OLD_ITEM)[0]);
      expect(alerts.length, id).toBeGreaterThan(0);
    }
    expect(logged).toMatch(/story "Minerals pact" \(minerals-pact\) is tracked now, from 2 seed page\(s\)/);
  }, 20_000);
});
