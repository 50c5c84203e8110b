/**
 * Issue 22.2: a post the platform accepted but whose answer never came back (the process
 * killed, the answer lost) is not posted again. The intent is recorded before the post;
 * the next attempt asks the platform first: Slack through the alert ids in message
 * metadata (conversations.history / replies), Discord through nonce + enforce_nonce.
 * Real Bolt and discord.js clients, the local fakes, the real SQLite store reopened.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createSlackAdapter } from '../../src/chat/slack/slack-adapter.js';
import { createDiscordAdapter } from '../../src/chat/discord/discord-adapter.js';
import { createJsonlAdapter } from '../../src/chat/jsonl/jsonl-adapter.js';
import type { ChatAdapter } from '../../src/chat/ports.js';
import { deliverPending } from '../../src/pipeline/deliver-alert.js';
import { createSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { createSqliteChannelStore } from '../../src/store/sqlite/channel-store.js';
import { createLogger } from '../../src/log.js';
import type { Alert } from '../../src/domain/alert.js';
import type { ProcessedArticle } from '../../src/store/ports.js';
import { sampleAlert } from '../helpers/alerts.js';
import { capture } from '../helpers/capture.js';
import { fakeSlack } from '../helpers/fake-slack.js';
import { fakeDiscord } from '../helpers/fake-discord.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

function entry(id: string, dev: string): ProcessedArticle {
  return {
    article: { id, title: id, url: `https://x.example/${id}`, source: 's', publishedAt: '', content: '' }, feedId: 'f', processedAt: '',
    decision: { relevant: true, novel: true, developmentId: dev, duplicateOf: null, relevance: 1, novelty: 1, summary: '', facts: [], reasons: [] },
  };
}

/** One "process": its store and channel store on the directory, its adapters, its log. */
function processOn(dir: string, make: (threads: ReturnType<typeof createSqliteChannelStore>, log: ReturnType<typeof createLogger>) => ChatAdapter) {
  const out = capture();
  const log = createLogger({ out: out.stream, level: 'debug' });
  const store = createSqliteStore({ dir, warn: () => {} });
  const channels = createSqliteChannelStore({ dir, warn: () => {} });
  const adapter = make(channels, log);
  const deliver = (ms: number, at = new Date()) => deliverPending({ store, adapters: [adapter], log, mergeWindowMs: 0, requestTimeoutMs: ms }, at);
  return { store, deliver, log: out.text, close: async () => {
    await adapter.close();
    await store.close();
  } };
}

/** The real discord.js adapter against the fake, for processOn. */
function discordAdapterOn(apiUrl: string) {
  return (threads: ReturnType<typeof createSqliteChannelStore>, log: ReturnType<typeof createLogger>) =>
    createDiscordAdapter({ token: 't', apiUrl, log, commands: undefined as never, threads });
}

async function tmp() {
  const dir = mkdtempSync(path.join(tmpdir(), 'sw-once-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

describe('a post accepted but never confirmed is not posted again', () => {
  it('Slack: the retry finds the alert id in conversations.history metadata; the development becomes the thread; its follow-up found in the thread', async () => {
    const slack = await fakeSlack();
    cleanups.push(() => slack.close());
    const dir = await tmp();
    const make = (threads: ReturnType<typeof createSqliteChannelStore>, log: ReturnType<typeof createLogger>) =>
      createSlackAdapter({ botToken: 'xoxb-t', signingSecret: 's', apiUrl: slack.apiUrl, port: 0, adminUserIds: [], log, commands: undefined as never, threads });
    const dev: Alert = sampleAlert({ id: 'd1:a', developmentId: 'd1' });
    const a = processOn(dir, make);
    await a.store.recordArticle(entry('a', 'd1'), { alert: dev, targets: ['slack:C1'], createdAt: new Date().toISOString() });
    // Slack records the post and answers after 2 s; this attempt gives up after 0.3 s (as a crash would).
    slack.holdAnswers(2000);
    expect(await a.deliver(300)).toEqual({ delivered: 0, failed: 1 });
    expect(slack.messages).toHaveLength(1);
    await a.close();
    slack.holdAnswers(0);

    const b = processOn(dir, make);
    cleanups.push(b.close);
    expect(await b.deliver(5000)).toEqual({ delivered: 1, failed: 0 });
    expect(slack.messages).toHaveLength(1);
    const history = slack.calls.find((c) => c.path === '/api/conversations.history')!;
    expect(history.body).toMatchObject({ channel: 'C1', include_all_metadata: 'true' });
    expect(b.log()).toMatch(/slack:C1 already holds d1:a .*not posted again/);
    expect(await b.store.pendingDeliveries()).toEqual([]);

    // A follow-up interrupted the same way: found among the thread's replies.
    await b.store.recordArticle(entry('b', 'd1'), { alert: { ...dev, id: 'd1:b', kind: 'follow-up' }, targets: ['slack:C1'], createdAt: new Date().toISOString() });
    slack.holdAnswers(2000);
    expect(await b.deliver(300)).toEqual({ delivered: 0, failed: 1 });
    slack.holdAnswers(0);
    // The thread of the found development was adopted: the follow-up replied in it.
    expect(slack.messages[1]).toMatchObject({ thread_ts: slack.messages[0]!.ts });
    expect(await b.deliver(5000)).toEqual({ delivered: 1, failed: 0 });
    expect(slack.messages).toHaveLength(2);
    expect(slack.calls.some((c) => c.path === '/api/conversations.replies' && c.body.ts === slack.messages[0]!.ts)).toBe(true);
  });

  it('Slack: a post that never reached Slack is posted on the retry (the lookup finds nothing)', async () => {
    const slack = await fakeSlack();
    cleanups.push(() => slack.close());
    const dir = await tmp();
    const p = processOn(dir, (threads, log) => createSlackAdapter({ botToken: 'xoxb-t', signingSecret: 's', apiUrl: slack.apiUrl, port: 0, adminUserIds: [], log, commands: undefined as never, threads }));
    cleanups.push(p.close);
    await p.store.recordArticle(entry('a', 'd2'), { alert: sampleAlert({ id: 'd2:a', developmentId: 'd2' }), targets: ['slack:C2'], createdAt: new Date().toISOString() });
    await p.store.notePosting!([{ alertId: 'd2:a', target: 'slack:C2' }], new Date().toISOString());
    expect(await p.deliver(5000)).toEqual({ delivered: 1, failed: 0 });
    expect(slack.messages).toHaveLength(1);
    expect(slack.messages[0]!.metadata).toMatchObject({ event_type: 'storywatch_alert', event_payload: { alert_id: 'd2:a' } });
    expect(await p.store.postingSince!('d2:a', 'slack:C2')).toBeUndefined();
  });

  it('Discord: the retry carries the same nonce with enforce_nonce, and Discord keeps one message', async () => {
    const discord = await fakeDiscord();
    cleanups.push(() => discord.close());
    const dir = await tmp();
    const make = discordAdapterOn(discord.apiUrl);
    const a = processOn(dir, make);
    await a.store.recordArticle(entry('a', 'd3'), { alert: sampleAlert({ id: 'd3:a', developmentId: 'd3' }), targets: ['discord:3000'], createdAt: new Date().toISOString() });
    discord.holdAnswers(2000);
    expect(await a.deliver(300)).toEqual({ delivered: 0, failed: 1 });
    await a.close();
    discord.holdAnswers(0);
    const b = processOn(dir, make);
    cleanups.push(b.close);
    expect(await b.deliver(5000)).toEqual({ delivered: 1, failed: 0 });
    expect(discord.posts('3000')).toHaveLength(2);
    expect(discord.posts('3000')[1]!.body.nonce).toBe(discord.posts('3000')[0]!.body.nonce);
    expect(discord.stored('3000')).toHaveLength(1);
  });

  it('Discord: an interrupted merged post is sent again exactly as it was (same nonce), later follow-ups after it', async () => {
    const discord = await fakeDiscord();
    cleanups.push(() => discord.close());
    const dir = await tmp();
    const make = discordAdapterOn(discord.apiUrl);
    const dev = sampleAlert({ id: 'd5:a', developmentId: 'd5' });
    const copy = (id: string): Alert => ({ ...dev, id: `d5:${id}`, kind: 'follow-up', sources: [{ name: id, url: `https://x.example/${id}` }] });
    const a = processOn(dir, make);
    const at = () => new Date().toISOString();
    await a.store.recordArticle(entry('a', 'd5'), { alert: dev, targets: ['discord:3000'], createdAt: at() });
    expect(await a.deliver(5000)).toEqual({ delivered: 1, failed: 0 });
    await a.store.recordArticle(entry('b', 'd5'), { alert: copy('b'), targets: ['discord:3000'], createdAt: at() });
    await a.store.recordArticle(entry('c', 'd5'), { alert: copy('c'), targets: ['discord:3000'], createdAt: at() });
    discord.holdAnswers(2000);
    expect(await a.deliver(300)).toEqual({ delivered: 0, failed: 1 });
    await a.close();
    discord.holdAnswers(0);
    const b = processOn(dir, make);
    cleanups.push(b.close);
    await b.store.recordArticle(entry('d', 'd5'), { alert: copy('d'), targets: ['discord:3000'], createdAt: at() });
    await b.deliver(5000);
    await b.deliver(5000);
    expect(await b.store.pendingDeliveries()).toEqual([]);
    const followUps = discord.stored().filter((m) => m.channel_id !== '3000');
    // b+c once (the retry returned the first message), d on its own: nothing twice.
    expect(followUps.map((m) => m.content.match(/\[(\w)\]/g)?.join(''))).toEqual(['[b][c]', '[d]']);
  });

  it('JSONL: a line appended by a process killed before it marked the delivery is found, not appended again', async () => {
    const dir = await tmp();
    const file = path.join(dir, 'alerts.jsonl');
    const target = `jsonl:${file}`;
    const p = processOn(dir, () => createJsonlAdapter());
    cleanups.push(p.close);
    const alert = sampleAlert({ id: 'd6:a', developmentId: 'd6' });
    await p.store.recordArticle(entry('a', 'd6'), { alert, targets: [target], createdAt: new Date().toISOString() });
    // What the killed process did: the intent recorded, the line appended, no delivery mark.
    await p.store.notePosting!([{ alertId: 'd6:a', target }], new Date().toISOString());
    await createJsonlAdapter().postAlert(target, alert);
    expect(await p.deliver(5000)).toEqual({ delivered: 1, failed: 0 });
    expect(readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(1);
    expect(p.log()).toMatch(/already holds d6:a/);
    expect(await p.store.pendingDeliveries()).toEqual([]);

    // Killed before the append: the retry appends it, once.
    await p.store.recordArticle(entry('b', 'd7'), { alert: sampleAlert({ id: 'd7:b', developmentId: 'd7' }), targets: [target], createdAt: new Date().toISOString() });
    await p.store.notePosting!([{ alertId: 'd7:b', target }], new Date().toISOString());
    expect(await p.deliver(5000)).toEqual({ delivered: 1, failed: 0 });
    expect(readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l).alert.id)).toEqual(['d6:a', 'd7:b']);
  });
});
