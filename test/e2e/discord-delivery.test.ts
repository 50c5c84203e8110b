/**
 * Issue 26 (1, 2) and 22 (2, 10) on Discord: the real discord.js client and the delivery
 * step against the local fake Discord. A refusal that retrying cannot change ends that item
 * with one log line and never holds back the channel's later items; "thread already
 * exists" (160004) means the user's thread; transient errors back off; a retried post
 * carries its nonce (enforce_nonce) so Discord keeps one message; feed text is literal.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createDiscordAdapter, type DiscordAdapter } from '../../src/chat/discord/discord-adapter.js';
import { deliverPending, type DeliverDeps } from '../../src/pipeline/deliver-alert.js';
import { createDeliveryBackoff } from '../../src/pipeline/backoff.js';
import { createSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { Alert } from '../../src/domain/alert.js';
import type { CommandDeps } from '../../src/chat/commands/handlers.js';
import type { ProcessedArticle, StateStore } from '../../src/store/ports.js';
import { sampleAlert } from '../helpers/alerts.js';
import { fakeDiscord } from '../helpers/fake-discord.js';
import { capture } from '../helpers/capture.js';
import { createLogger } from '../../src/log.js';

function capturedLogger() {
  const c = capture();
  return { log: createLogger({ out: c.stream, level: 'debug' }), lines: () => c.text().split('\n').filter(Boolean) };
}

let fake: Awaited<ReturnType<typeof fakeDiscord>>;
let discord: DiscordAdapter;
const dirs: string[] = [];
let channel = 7000;

beforeAll(async () => {
  fake = await fakeDiscord();
  discord = createDiscordAdapter({ token: 't', apiUrl: fake.apiUrl, commands: {} as CommandDeps, log: capturedLogger().log });
});
afterAll(async () => {
  await discord.close();
  await fake.close();
});
afterEach(() => {
  while (dirs.length) rmSync(dirs.pop()!, { recursive: true, force: true });
});

function entry(id: string, dev: string): ProcessedArticle {
  return {
    article: { id, title: id, url: `https://x.example/${id}`, source: 's', publishedAt: '', content: '' }, feedId: 'f', processedAt: '',
    decision: { relevant: true, novel: true, developmentId: dev, duplicateOf: null, relevance: 1, novelty: 1, summary: '', facts: [], reasons: [] },
  };
}

async function setup() {
  const dir = mkdtempSync(path.join(tmpdir(), 'sw-dd-'));
  dirs.push(dir);
  const store = createSqliteStore({ dir, warn: () => {} });
  const logs = capturedLogger();
  const target = `discord:${channel++}`;
  const deps: DeliverDeps = { store, adapters: [discord], log: logs.log, mergeWindowMs: 0, backoff: createDeliveryBackoff({ random: () => 0 }) };
  const add = (alert: Alert, at = '2025-05-08T10:00:00Z') => store.recordArticle(entry(alert.id, alert.developmentId), { alert, targets: [target], createdAt: at });
  return { store, logs, target, deps, add, id: target.slice('discord:'.length) };
}

const pending = async (store: StateStore) => (await store.pendingDeliveries()).map((p) => p.record.alert.id);

describe('Discord delivery outcomes', () => {
  it('thread already exists (160004): the follow-up goes into the user\'s thread (the message id), one thread request, no retries', async () => {
    const { deps, add, id, store } = await setup();
    await add(sampleAlert({ id: 'd1:a', developmentId: 'd1' }));
    await deliverPending(deps, new Date('2025-05-08T10:00:01Z'));
    const msgId = fake.stored(id)[0]!.id;
    fake.userThread(msgId);
    const n = fake.calls.length;
    await add(sampleAlert({ id: 'd1:b', developmentId: 'd1', kind: 'follow-up', headline: 'Copy' }), '2025-05-08T10:00:02Z');
    expect(await deliverPending(deps, new Date('2025-05-08T10:05:00Z'))).toEqual({ delivered: 1, failed: 0 });
    const mine = fake.calls.slice(n).map((c) => `${c.method} ${c.path}`);
    expect(mine).toEqual([`POST /api/v10/channels/${id}/messages/${msgId}/threads`, `POST /api/v10/channels/${msgId}/messages`]);
    expect(await pending(store)).toEqual([]);
  });

  it('a 400 that will not change (invalid embed) ends that item with one log line; the channel\'s later items are delivered', async () => {
    const { deps, add, id, store, logs } = await setup();
    fake.refuse((c) => c.path === `/api/v10/channels/${id}/messages` && JSON.stringify(c.body).includes('Refused headline'), 400,
      { message: 'Invalid Form Body', code: 50035, errors: { embeds: { 0: { url: { _errors: [{ code: 'URL_TYPE_INVALID_URL', message: 'Not a well formed URL.' }] } } } } });
    await add(sampleAlert({ id: 'd2:a', developmentId: 'd2', headline: 'Refused headline', publishedAt: '2025-05-08T09:00:00Z' }));
    await add(sampleAlert({ id: 'd3:a', developmentId: 'd3', headline: 'Fine headline', publishedAt: '2025-05-08T09:30:00Z' }));
    const round = await deliverPending(deps, new Date('2025-05-08T10:00:01Z'));
    expect(round).toEqual({ delivered: 1, failed: 1 });
    expect(fake.stored(id).some((m) => JSON.stringify(m.embeds).includes('Fine headline'))).toBe(true);
    expect(await pending(store)).toEqual([]);
    // Not tried again: the next round asks nothing.
    const n = fake.calls.length;
    expect(await deliverPending(deps, new Date('2025-05-08T10:00:05Z'))).toEqual({ delivered: 0, failed: 0 });
    expect(fake.calls.length).toBe(n);
    const lines = logs.lines().filter((l) => l.includes('d2:a'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/ERROR alert d2:a skipped for discord:\d+: Discord refused .*400 code 50035.*later alerts go on/);
  });

  it('a 5xx is transient: the item stays pending and the channel backs off (1 s, 2 s, …), then it is delivered once', async () => {
    const { deps, add, id, store, logs } = await setup();
    fake.refuse((c) => c.path === `/api/v10/channels/${id}/messages`, 502, { message: 'Bad Gateway', code: 0 }, 2);
    await add(sampleAlert({ id: 'd4:a', developmentId: 'd4' }));
    const t0 = Date.parse('2025-05-08T10:00:01Z');
    expect(await deliverPending(deps, new Date(t0))).toEqual({ delivered: 0, failed: 1 });
    const n = fake.calls.length;
    // Within the backoff: not asked again.
    expect(await deliverPending(deps, new Date(t0 + 100))).toEqual({ delivered: 0, failed: 0 });
    expect(fake.calls.length).toBe(n);
    expect(await deliverPending(deps, new Date(t0 + 600))).toEqual({ delivered: 0, failed: 1 });
    expect(await deliverPending(deps, new Date(t0 + 1200))).toEqual({ delivered: 0, failed: 0 });
    expect(await deliverPending(deps, new Date(t0 + 1700))).toEqual({ delivered: 1, failed: 0 });
    expect(await pending(store)).toEqual([]);
    expect(fake.stored(id)).toHaveLength(1);
    expect(logs.lines().filter((l) => / WARN .*retrying in \d+ s/.test(l))).toHaveLength(2);
  });

  it('a 429 during a burst is pacing, logged at info, not as a failure', async () => {
    const { deps, add, logs } = await setup();
    fake.rateLimit(1);
    await add(sampleAlert({ id: 'd5:a', developmentId: 'd5' }));
    expect(await deliverPending(deps, new Date('2025-05-08T10:00:01Z'))).toEqual({ delivered: 0, failed: 1 });
    expect(logs.lines().filter((l) => / WARN /.test(l))).toEqual([]);
    expect(logs.lines().some((l) => / INFO .*paced: .*retry after/.test(l))).toBe(true);
  });

  it('a post retried after its answer was lost carries the same nonce with enforce_nonce: Discord keeps one message', async () => {
    const id = String(channel++);
    const alert = sampleAlert({ id: 'd6:a', developmentId: 'd6' });
    const first = await discord.postAlert(`discord:${id}`, alert);
    const fresh = createDiscordAdapter({ token: 't', apiUrl: fake.apiUrl, commands: {} as CommandDeps, log: capturedLogger().log });
    const again = await fresh.postAlert(`discord:${id}`, alert);
    await fresh.close();
    expect(again.messageId).toBe(first.messageId);
    const bodies = fake.posts(id).map((c) => c.body);
    expect(bodies).toHaveLength(2);
    expect(bodies[0]).toMatchObject({ nonce: expect.stringMatching(/^.{1,25}$/), enforce_nonce: true });
    expect(bodies[1]!.nonce).toBe(bodies[0]!.nonce);
    expect(fake.stored(id)).toHaveLength(1);
  });

  it('feed text is literal on Discord: no masked links, markdown or quotes from an article or a source name', async () => {
    const id = String(channel++);
    await discord.postAlert(`discord:${id}`, sampleAlert({
      id: 'd7:a', developmentId: 'd7', headline: '**Big** news', whatIsNew: 'Read [the signed text](https://evil.example/x) now\n> quoted\n# Heading',
      newFacts: ['`code` and ~~gone~~'], sources: [{ name: 'Evil](https://evil.example) [Wire', url: 'https://kyiv.example/a (1)' }],
    }));
    const embed = (fake.posts(id)[0]!.body.embeds as Array<Record<string, unknown>>)[0]! as { title: string; description: string; fields: Array<{ name: string; value: string }>; url?: string };
    expect(embed.title).toBe('\\*\\*Big\\*\\* news');
    expect(embed.description).toContain('Read \\[the signed text\\](https://evil.example/x) now');
    expect(embed.description).toContain('\n\\> quoted');
    expect(embed.description).toContain('\\# Heading');
    expect(embed.fields.find((f) => f.name === 'New facts')!.value).toContain('\\`code\\` and \\~\\~gone\\~\\~');
    // The URL has a space: not a link (Discord would refuse the embed); the name stays literal.
    expect(embed.fields.find((f) => f.name === 'Sources')!.value).toBe('• Evil\\](https://evil.example) \\[Wire');
    await discord.postAlert(`discord:${id}`, sampleAlert({ id: 'd7:b', developmentId: 'd7', kind: 'follow-up', sources: [{ name: 'A](https://evil.example) [B', url: 'https://ok.example/(x)' }] }));
    const followUp = fake.calls.filter((c) => c.method === 'POST' && /\/channels\/\d+\/messages$/.test(c.path)).at(-1)!.body.content as string;
    expect(followUp).toContain('[A\\](https://evil.example) \\[B](<https://ok.example/%28x%29>)');
  });
});
