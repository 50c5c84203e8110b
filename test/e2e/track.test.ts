/**
 * `/storywatch track <id> <url> …` end to end (issue 24) through the real Bolt app and the
 * real discord.js client against local fakes, in the embedded app: the seed pages come from
 * a loopback server through the SSRF guard (127.0.0.1 allowed here only), the story is
 * written and tracked without a restart, the channel follows it, and an item about it that
 * reaches the channel's feed after the command is alerted there.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHmac } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { createApp, type App } from '../../src/main.js';
import { createLogger } from '../../src/log.js';
import type { AppConfig } from '../../src/config/app-config.js';
import { renderRss } from '../../src/demo/fixture-server.js';
import type { Article } from '../../src/domain/article.js';
import type { SlackAdapter } from '../../src/chat/slack/slack-adapter.js';
import type { DiscordAdapter } from '../../src/chat/discord/discord-adapter.js';
import { channelFeedId } from '../../src/pipeline/channels.js';
import { fakeSlack } from '../helpers/fake-slack.js';
import { fakeDiscord } from '../helpers/fake-discord.js';
import { freePort } from '../helpers/ports.js';
import { ROOT } from '../helpers/paths.js';
import { waitFor } from '../helpers/workers.js';

const CORPUS = path.join(ROOT, 'config/stories/minerals-deal/corpus');
const SECRET = 'track-test-secret';
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
const lines = (file: string) => readFileSync(path.join(CORPUS, file), 'utf8').trim().split('\n');

function page(file: string, head: string): string {
  const [title, ...body] = lines(file);
  const paras = body.filter((l) => l.trim()).map((l) => `<p>${esc(l)}</p>`).join('\n');
  return `<!doctype html><html><head><meta charset="utf-8"><title>${esc(title!)}</title>${head}</head><body>
<nav><a href="/">Home</a></nav><article><h1>${esc(title!)}</h1>${paras}</article><footer>© Test News</footer></body></html>`;
}

const PAGES: Record<string, string> = {
  '/a/talks.html': page('002_ddbc3d59855bad15.txt', '<meta property="article:published_time" content="2025-02-22T09:30:00Z">'),
  '/a/progress.html': page('001_d9269066bc7773b7.txt', '<script type="application/ld+json">{"@type":"NewsArticle","datePublished":"2025-04-17T08:00:00Z"}</script>'),
  '/a/undated.html': page('000_e79a6c505ac0c8fc.txt', ''),
};

/** An item of the channel's feed, from a corpus file the seeds do not include. */
function item(file: string, key: string, publishedAt: string): Article {
  const [title, ...body] = lines(file);
  return { id: key, title: title!, url: `${base}/n/${key}.html`, source: 'Loopback News', publishedAt, content: body.join(' ').trim() };
}

let server: http.Server;
let base = '';
let feedItems: Article[] = [];
/** Seed requests held until released: shows Slack's reply does not wait for the fetch. */
let hold: Promise<void> | undefined;
const seedRequests: string[] = [];
let slack: Awaited<ReturnType<typeof fakeSlack>>;
let discord: Awaited<ReturnType<typeof fakeDiscord>>;
let dir = '';
let app: App;
let slackPort = 0;
let logged = '';

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const url = req.url ?? '';
    if (url === '/feed.xml') return res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(renderRss('Loopback News', base, feedItems));
    const body = PAGES[url];
    if (!body) return res.writeHead(404).end();
    seedRequests.push(url);
    void (hold ?? Promise.resolve()).then(() => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(body));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  slack = await fakeSlack();
  discord = await fakeDiscord();
  dir = mkdtempSync(path.join(tmpdir(), 'sw-track-'));
  // The deployment tracks another story; the new ones are added beside it.
  mkdirSync(path.join(dir, 'stories'));
  cpSync(path.join(ROOT, 'config/stories/nippon-us-steel'), path.join(dir, 'stories/nippon-us-steel'), { recursive: true });
  writeFileSync(path.join(dir, 'config.yaml'), '# the deployment\nstories:\n  - nippon-us-steel\nfeeds: []\n');
  // An old item the channel's feed already holds: not news to a story tracked later.
  feedItems = [item('003_3bb3f304dac755de.txt', 'old-1', '2025-03-01T10:00:00Z')];
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
  const feedUrl = `${base}/feed.xml`;
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
  await new Promise((r) => server.close(r));
  rmSync(dir, { recursive: true, force: true });
});

const adapter = <T>(name: string) => app.adapters.find((a) => a.name === name) as unknown as T;

let n = 0;
/** A slash command signed as Slack signs it; resolves with Bolt's HTTP answer (the ack). */
async function slash(text: string, user: string) {
  const at = slack.calls.length;
  const respond = `/respond/track-${++n}`;
  const body = new URLSearchParams({ token: 'legacy', team_id: 'T1', channel_id: 'C1', user_id: user, command: '/storywatch', text, response_url: `${slack.url}${respond}`, trigger_id: `trigger-t-${n}` }).toString();
  const ts = String(Math.floor(Date.now() / 1000));
  const sig = `v0=${createHmac('sha256', SECRET).update(`v0:${ts}:${body}`).digest('hex')}`;
  const res = await fetch(`http://127.0.0.1:${slackPort}/slack/events`, { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': ts, 'x-slack-signature': sig } });
  return { status: res.status, reply: () => slack.calls.slice(at).find((c) => c.path === respond)?.body as { text: string; response_type: string } | undefined };
}

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
  return discord.callback(iid)!.body as { data: { content: string; flags?: number } };
}

describe('/storywatch track', () => {
  it('refuses non-admins, bad ids, bad and undated URLs with a clear reply, changing nothing', async () => {
    expect((await slashReply(`track minerals-pact ${base}/a/talks.html`, 'UMEMBER')).text).toMatch(/^Only admins can add a story/);
    expect((await slashReply(`track Minerals! ${base}/a/talks.html`, 'UADMIN')).text).toMatch(/^"Minerals!" is not a valid story id: use lower-case letters/);
    expect((await slashReply('track minerals-pact', 'UADMIN')).text).toMatch(/^"track minerals-pact" needs one or more article URLs/);
    expect((await slashReply('track minerals-pact ftp://x.test/a', 'UADMIN')).text).toMatch(/^"ftp:\/\/x.test\/a" is not an http\(s\) URL/);
    const undated = await slashReply(`track minerals-pact ${base}/a/undated.html`, 'UADMIN');
    expect(undated.text).toMatch(/^Could not add story `minerals-pact`: seed ".*undated.html": the page gives no publication date.*add its date after an @.*\nNothing was changed\./s);
    // The SSRF guard: a private address that is not allowed here is refused, not fetched.
    expect((await slashReply('track minerals-pact http://10.0.0.1/a.html', 'UADMIN')).text).toMatch(/^Could not add story `minerals-pact`: seed "http:\/\/10.0.0.1\/a.html" could not be fetched/);
    expect((await discordTrack('minerals-pact', `${base}/a/talks.html`, false)).data.content).toMatch(/^Only admins can add a story/);
    expect(existsSync(path.join(dir, 'stories/minerals-pact'))).toBe(false);
    expect(app.lanes.get('minerals-pact')).toBeUndefined();
  });

  it('Slack: acknowledges before the seeds are fetched, writes and tracks the story, and the channel follows it', async () => {
    let release!: () => void;
    hold = new Promise((r) => (release = r));
    const r = await slash(`track minerals-pact <${base}/a/talks.html> ${base}/a/progress.html`, 'UADMIN');
    // Bolt answered the HTTP request while the seed pages were still held back.
    expect(r.status).toBe(200);
    expect(r.reply()).toBeUndefined();
    await waitFor('the seed fetch', () => seedRequests.includes('/a/talks.html'), 5000);
    release();
    hold = undefined;
    await waitFor('the reply', () => !!r.reply(), 10_000);
    expect(r.reply()!.text).toMatch(/^Now tracking \*Minerals pact\* \(`minerals-pact`\) from 2 seed page\(s\); this channel follows it\./);
    expect(r.reply()!.text).toMatch(/• group /);
    expect(existsSync(path.join(dir, 'stories/minerals-pact/story.yaml'))).toBe(true);
    expect(readFileSync(path.join(dir, 'config.yaml'), 'utf8')).toMatch(/- minerals-pact/);
    expect((await app.channels.getChannel('slack:C1')).stories).toEqual(['nippon-us-steel', 'minerals-pact']);
    expect(app.lanes.get('minerals-pact')?.engine.story.name).toBe('Minerals pact');
    expect((await slashReply('stories', 'UMEMBER')).text).toMatch(/`minerals-pact` — Minerals pact \(followed here\)/);
  });

  it('Discord: the same under /storywatch-config, answered privately', async () => {
    const r = await discordTrack('minerals-talks', `${base}/a/talks.html ${base}/a/progress.html@2025-04-17`, true);
    expect(r.data.flags).toBe(64);
    expect(r.data.content.replace(/\*\*/g, '*')).toMatch(/^Now tracking \*Minerals talks\* \(`minerals-talks`\) from 2 seed page\(s\)/);
    expect((await app.channels.getChannel('discord:3000')).stories).toEqual(['nippon-us-steel', 'minerals-talks']);
    // Tracked already: said so, with how to follow it.
    expect((await discordTrack('minerals-pact', `${base}/a/talks.html`, true)).data.content).toMatch(/^Story `minerals-pact` is tracked already; `\/storywatch follow minerals-pact`/);
  });

  it('an item about the new story reaching the channel feed after the command is alerted to that channel; what the feed held before is not', async () => {
    const slackPosts = slack.posts().length;
    const discordPosts = discord.posts('3000').length;
    feedItems = [...feedItems, item('004_f51fb45d44db9aaa.txt', 'new-1', new Date().toISOString())];
    await waitFor('the alert on both platforms', () => slack.posts().length > slackPosts && discord.posts('3000').length > discordPosts, 15_000);
    const slackText = JSON.stringify(slack.posts().slice(slackPosts));
    const headline = lines('004_f51fb45d44db9aaa.txt')[0]!;
    expect(slackText).toContain(headline.slice(0, 40));
    expect(slack.posts().slice(slackPosts).every((p) => p.body.channel === 'C1')).toBe(true);
    expect(JSON.stringify(discord.posts('3000').slice(discordPosts))).toContain(headline.slice(0, 40));
    // The old item was learned silently by both new stories.
    for (const id of ['minerals-pact', 'minerals-talks']) {
      const alerts = await app.lanes.get(id)!.store.recentAlerts(10);
      expect(alerts.map((a) => a.alert.headline), id).not.toContain(lines('003_3bb3f304dac755de.txt')[0]);
      expect(alerts.length, id).toBeGreaterThan(0);
    }
    expect(logged).toMatch(/story "Minerals pact" \(minerals-pact\) is tracked now, from 2 seed page\(s\)/);
  }, 20_000);
});
