/**
 * What a channel's settings do to delivery, through the real Bolt and discord.js clients
 * against local fakes: mentions exactly as configured on new developments only, muted and
 * paused channels get nothing (no thread either), bursts newest first under one header
 * within the rate limit, threads remembered across adapter restarts, digests with links.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { createDiscordAdapter } from '../../src/chat/discord/discord-adapter.js';
import { createSlackAdapter } from '../../src/chat/slack/slack-adapter.js';
import type { ChatAdapter } from '../../src/chat/ports.js';
import { createSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { createSqliteChannelStore } from '../../src/store/sqlite/channel-store.js';
import type { AlertRecord, ChannelStore, StateStore } from '../../src/store/ports.js';
import { deliverPending } from '../../src/pipeline/deliver-alert.js';
import { channelGate } from '../../src/pipeline/channel-policy.js';
import { runDigests } from '../../src/pipeline/digest.js';
import { createHostLimiter } from '../../src/feeds/politeness.js';
import { createLogger } from '../../src/log.js';
import type { Alert } from '../../src/domain/alert.js';
import { fakeDiscord } from '../helpers/fake-discord.js';
import { fakeSlack } from '../helpers/fake-slack.js';
import { sampleAlert } from '../helpers/alerts.js';

const log = createLogger({ out: new PassThrough() });
let slackFake: Awaited<ReturnType<typeof fakeSlack>>;
let discordFake: Awaited<ReturnType<typeof fakeDiscord>>;
let dir = '';
let store: StateStore;
let channels: ChannelStore;
let adapters: ChatAdapter[];
const TARGETS = ['slack:C1', 'discord:3000'];

const open = (): ChatAdapter[] => [
  createSlackAdapter({ botToken: 'xoxb-test-token', signingSecret: 'test-signing-secret', apiUrl: slackFake.apiUrl, port: 0, adminUserIds: [], log, commands: undefined as never, threads: channels }),
  createDiscordAdapter({ token: 'test-bot-token', apiUrl: discordFake.apiUrl, log, commands: undefined as never, threads: channels }),
];

beforeEach(async () => {
  slackFake = await fakeSlack();
  discordFake = await fakeDiscord();
  dir = mkdtempSync(path.join(tmpdir(), 'sw-delivery-'));
  store = createSqliteStore({ dir, warn: () => {} });
  channels = createSqliteChannelStore({ dir, warn: () => {} });
  adapters = open();
});
afterEach(async () => {
  for (const a of adapters) await a.close();
  await slackFake.close();
  await discordFake.close();
  rmSync(dir, { recursive: true, force: true });
});

let n = 0;
async function record(overrides: Partial<Alert>, createdAt = new Date().toISOString()): Promise<Alert> {
  const a = sampleAlert({ id: `${overrides.developmentId ?? 'dev-1'}:a${++n}`, ...overrides });
  const rec: AlertRecord = { alert: a, targets: TARGETS, createdAt };
  await store.recordArticle({ article: { id: `a${n}`, title: a.headline, url: a.link, source: 's', publishedAt: a.publishedAt, content: 'c' }, feedId: 'f', processedAt: createdAt,
    decision: { relevant: true, novel: a.kind !== 'follow-up', developmentId: a.developmentId, duplicateOf: null, relevance: 1, novelty: a.confidence, summary: '', facts: [], reasons: [] } }, rec);
  return a;
}
const deliver = (extra: Record<string, unknown> = {}) => deliverPending({ store, adapters, log, mergeWindowMs: 0, gate: channelGate(channels, 'minerals-deal', () => new Date()), ...extra });
const slackTexts = () => slackFake.posts().map((p) => String(p.body.text));

describe('mentions (notify)', () => {
  it('go on new developments at or above the confidence, exactly the configured one; never on follow-ups; feed text never pings', async () => {
    await channels.putChannel({ channel: 'slack:C1', watch: [], feeds: [], notify: { mention: { kind: 'usergroup', id: 'S0123ABCD' }, minConfidence: 0.8 } });
    await channels.putChannel({ channel: 'discord:3000', watch: [], feeds: [], notify: { mention: { kind: 'role', id: '777000111' }, minConfidence: 0.8 } });
    await record({ developmentId: 'dev-1', confidence: 0.9, headline: '@everyone <!channel> deal signed' });
    await deliver();
    await record({ developmentId: 'dev-1', kind: 'follow-up', headline: 'Copy' });
    await record({ developmentId: 'dev-2', confidence: 0.5, headline: 'Weak signal' });
    await deliver();
    expect(slackTexts()).toEqual([
      '<!subteam^S0123ABCD> New development: @everyone &lt;!channel&gt; deal signed', 'New development: Weak signal', 'Also reported: Copy',
    ]);
    expect(JSON.parse(String(slackFake.posts()[0]!.body.blocks))[0]).toEqual({ type: 'section', text: { type: 'mrkdwn', text: '<!subteam^S0123ABCD>' } });
    const d = discordFake.calls.filter((c) => c.method === 'POST' && /^\/api\/v10\/channels\/\d+\/messages$/.test(c.path));
    expect(d.map((p) => [p.body.content ?? null, p.body.allowed_mentions])).toEqual([
      ['<@&777000111>', { parse: [], roles: ['777000111'] }],
      [null, { parse: [] }],
      [expect.stringMatching(/^Also reported: Copy/), { parse: [] }],
    ]);
    expect((d[0]!.body.embeds as Array<{ title: string }>)[0]!.title).toBe('@everyone <!channel> deal signed');
  });
});

describe('mute and pause', () => {
  it('a muted development gets neither posts nor a thread; a paused channel gets nothing; both are done, not retried', async () => {
    await record({ developmentId: 'dev-1' });
    await deliver();
    await channels.putChannel({ channel: 'slack:C1', watch: [], feeds: [], mutes: [{ target: 'dev-1' }] });
    await channels.putChannel({ channel: 'discord:3000', watch: [], feeds: [], paused: {} });
    const slackBefore = slackFake.posts().length;
    const discordBefore = discordFake.calls.length;
    await record({ developmentId: 'dev-1', kind: 'follow-up', headline: 'Copy' });
    await record({ developmentId: 'dev-2', headline: 'Another development' });
    await deliver();
    expect(slackTexts().slice(slackBefore)).toEqual(['New development: Another development']);
    // Paused: no post, no thread opened.
    expect(discordFake.calls.slice(discordBefore)).toEqual([]);
    expect(await store.pendingDeliveries()).toEqual([]);
  });
});

describe('bursts', () => {
  it('several developments at once go newest first under one header, paced, and a 429 mid-burst does not repeat the header', async () => {
    for (const [i, h] of ['08:05', '09:10', '07:30'].entries()) await record({ developmentId: `dev-b${i}`, headline: `Development at ${h}`, publishedAt: `2026-12-01T${h}:00Z` });
    discordFake.rateLimit(0);
    const pace = createHostLimiter({ minIntervalMs: 50, maxConcurrent: 1 });
    // The third Discord post is refused once: the rest waits for the next round.
    let posts = 0;
    const origPost = adapters[1]!.postAlert.bind(adapters[1]);
    adapters[1]!.postAlert = async (t, a, e) => {
      if (++posts === 2) discordFake.rateLimit(1);
      return origPost(t, a, e);
    };
    await deliver({ pace });
    await new Promise((r) => setTimeout(r, 1100));
    await deliver({ pace });
    expect(slackTexts()).toEqual(['3 new developments since 07:30 UTC, newest first:', 'New development: Development at 09:10', 'New development: Development at 08:05', 'New development: Development at 07:30']);
    const contents = discordFake.posts('3000').filter((p) => p.body.content || p.body.embeds).map((p) => String(p.body.content ?? (p.body.embeds as Array<{ title: string }>)[0]!.title));
    expect(contents[0]).toBe('3 new developments since 07:30 UTC, newest first:');
    // One refused (429) and posted again later: each development lands once, newest first, one header.
    expect(contents.filter((c) => c.startsWith('Development')).filter((c, i, all) => all.indexOf(c) === i)).toEqual(['Development at 09:10', 'Development at 08:05', 'Development at 07:30']);
    expect(contents.filter((c) => /new developments since/.test(c))).toHaveLength(1);
    expect(await store.pendingDeliveries()).toEqual([]);
  });
});

describe('threads across restarts', () => {
  it('a follow-up after the adapters (and the store) are reopened goes into the first alert\'s thread', async () => {
    await record({ developmentId: 'dev-t' });
    await deliver();
    const slackTs = (await channels.getThread('slack:C1', 'dev-t'))!;
    const discordMsg = (await channels.getThread('discord:3000', 'dev-t'))!;
    for (const a of adapters) await a.close();
    channels = createSqliteChannelStore({ dir, warn: () => {} });
    adapters = open();
    await record({ developmentId: 'dev-t', kind: 'follow-up', headline: 'Copy after restart' });
    await deliver();
    expect(slackFake.posts().at(-1)!.body.thread_ts).toBe(slackTs);
    expect(discordFake.calls.some((c) => c.path === `/api/v10/channels/3000/messages/${discordMsg}/threads`)).toBe(true);
    expect(await channels.getThread('discord:3000', 'dev-t')).toMatch(new RegExp(`^${discordMsg}/\\d+$`));
  });
});

describe('scheduled digest through the adapters', () => {
  it('lists the period\'s developments with headline, summary, sources count and a link to the thread', async () => {
    const since = '2026-11-30T00:00:00.000Z';
    for (const c of ['slack:C1', 'discord:3000']) await channels.putChannel({ channel: c, watch: [], feeds: [], digest: { cadence: 'daily', time: '08:00', zone: 'Europe/Kyiv', since } });
    await record({ developmentId: 'dev-d', headline: 'Fund opens', whatIsNew: 'The fund opened.' }, '2026-11-30T12:00:00.000Z');
    await record({ developmentId: 'dev-d', kind: 'follow-up', headline: 'Fund opens (copy)', sources: [{ name: 'Other Outlet', url: 'https://o.example/1' }] }, '2026-11-30T13:00:00.000Z');
    await deliver();
    const posted = await runDigests({ channels, store, adapters, log, now: () => new Date('2026-12-01T06:30:00Z'), configuredTargets: [] });
    expect(posted).toBe(2);
    const slackDigest = slackTexts().at(-1)!;
    expect(slackDigest).toMatch(/^1 new development from 2026-11-30 08:00 to 2026-12-01 08:00 \(Europe\/Kyiv\):\n• \*Fund opens\* — The fund opened\. \(2 sources\) https:\/\/t1\.slack\.test\/archives\/C1\/p\d+$/);
    const discordDigest = String(discordFake.posts('3000').at(-1)!.body.content);
    expect(discordDigest).toMatch(/^1 new development from .*\n• \*\*Fund opens\*\* — The fund opened\. \(2 sources\) https:\/\/discord\.com\/channels\/4000\/3000\/\d+$/);
    // The same period again, or after a restart: nothing.
    expect(await runDigests({ channels: createSqliteChannelStore({ dir, warn: () => {} }), store, adapters, log, now: () => new Date('2026-12-01T07:30:00Z'), configuredTargets: [] })).toBe(0);
  });
});
