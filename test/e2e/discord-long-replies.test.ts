/**
 * Issue 26.3: on Discord (2,000 characters a message) long command replies and digests go
 * as several messages cut between items, never inside one; every item arrives. And 26.4's
 * slow `ask share:true`: deferred publicly. Real discord.js against the local fake.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { createEngine } from '../../src/analysis/engine.js';
import { loadStory } from '../../src/config/story.js';
import { createDiscordAdapter, type DiscordAdapter } from '../../src/chat/discord/discord-adapter.js';
import type { CommandDeps } from '../../src/chat/commands/handlers.js';
import { createSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { createSqliteChannelStore } from '../../src/store/sqlite/channel-store.js';
import { assertFetchableUrl } from '../../src/feeds/ssrf.js';
import { createLogger } from '../../src/log.js';
import type { AlertRecord } from '../../src/store/ports.js';
import { sampleAlert } from '../helpers/alerts.js';
import { recordCoverage } from '../helpers/coverage.js';
import { fakeDiscord } from '../helpers/fake-discord.js';
import { waitFor } from '../helpers/workers.js';

let fake: Awaited<ReturnType<typeof fakeDiscord>>;
let dir = '';
let deps: CommandDeps;
const adapters: DiscordAdapter[] = [];

/** 30 developments with long headlines and summaries: far over 2,000 characters in all. */
const records: AlertRecord[] = Array.from({ length: 30 }, (_, i) => ({
  alert: sampleAlert({
    id: `dev-${i}:a`, developmentId: `dev-${i}`, headline: `Development number ${i} ${'with a long headline '.repeat(3)}`.trim(),
    whatIsNew: `Summary ${i}: ${'more words about it '.repeat(8)}`.trim(), link: `https://news.example/${i}/${'path'.repeat(5)}`,
  }),
  targets: ['discord:3000'],
  createdAt: new Date(Date.UTC(2026, 11, 1, 0, 30 - i)).toISOString(),
}));

beforeAll(async () => {
  fake = await fakeDiscord();
  dir = mkdtempSync(path.join(tmpdir(), 'sw-discord-long-'));
  const { story, corpus } = loadStory('minerals-deal');
  const store = createSqliteStore({ dir, warn: () => {} });
  // 30 developments a day apart, each with a long headline: a timeline far over 2,000 characters.
  await recordCoverage(store, Array.from({ length: 30 }, (_, i) => ({
    id: `t${i}`, dev: `dev-t${i}`, novel: true, at: new Date(Date.UTC(2025, 5, 1 + i, 9)).toISOString(), source: 'Kyiv Wire',
    title: `Timeline item ${i} ${'of a story with a long headline '.repeat(3)}`.trim(), content: `Item ${i} happened.`,
  })));
  deps = {
    store: { ...store, recentAlerts: async (n: number) => records.slice(0, n) }, channels: createSqliteChannelStore({ dir, warn: () => {} }),
    engine: createEngine(story, corpus), corpus, configuredFeeds: [], configuredTargets: ['discord:3000'], now: () => new Date(),
    checkFeedUrl: (u) => assertFetchableUrl(u, { allow: [] }),
  };
});
afterAll(async () => {
  for (const a of adapters) await a.close();
  await fake.close();
  rmSync(dir, { recursive: true, force: true });
});

function adapter(extra: Partial<Parameters<typeof createDiscordAdapter>[0]> = {}): DiscordAdapter {
  const a = createDiscordAdapter({ token: 't', apiUrl: fake.apiUrl, log: createLogger({ out: new PassThrough() }), commands: deps, ...extra });
  adapters.push(a);
  return a;
}

describe('long replies on Discord', () => {
  it('latest n:20 arrives whole: several messages of at most 2,000 characters, each item in one piece', async () => {
    const d = adapter();
    const id = fake.interact(d.client, { name: 'storywatch', options: [{ type: 1, name: 'latest', options: [{ type: 4, name: 'n', value: 20 }] }] });
    const seen = () => fake.calls.filter((c) => c.path.includes(`tok-${id}`) || c.path.includes(`/interactions/${id}/`)).map((c) => JSON.stringify(c.body)).join('\n');
    await waitFor('every item', () => Array.from({ length: 20 }, (_, i) => i).every((i) => seen().includes(`Development number ${i} `)), 5000);
    const first = (fake.callback(id)!.body.data as { content: string }).content;
    const more = fake.calls.filter((c) => c.path === `/api/v10/webhooks/2000/tok-${id}`).map((c) => c.body.content as string);
    const messages = [first, ...more];
    expect(messages.length).toBeGreaterThan(1);
    for (const m of messages) expect([...m].length).toBeLessThanOrEqual(2000);
    const text = messages.join('\n');
    for (let i = 0; i < 20; i++) {
      // Each item whole, in one message: number, headline, summary and URL.
      expect(messages.filter((m) => m.includes(`Development number ${i} `) && m.includes(`https://news.example/${i}/${'path'.repeat(5)}`))).toHaveLength(1);
    }
    expect(text).not.toMatch(/…/);
  });

  it('a 30-development timeline arrives whole: every line it announces, across messages of at most 2,000 characters', async () => {
    const d = adapter();
    const id = fake.interact(d.client, { name: 'storywatch', options: [{ type: 1, name: 'timeline' }] });
    const messages = () => [
      (fake.callback(id)?.body.data as { content?: string } | undefined)?.content ?? '',
      ...fake.calls.filter((c) => c.path === `/api/v10/webhooks/2000/tok-${id}`).map((c) => c.body.content as string),
    ];
    // The timeline shows the newest 25 (the 30 and the seed corpus' developments before them), oldest first, and says so.
    await waitFor('every announced line', () => Array.from({ length: 25 }, (_, i) => i + 5).every((i) => messages().join('\n').includes(`Timeline item ${i} `)), 5000);
    for (const m of messages()) expect([...m].length).toBeLessThanOrEqual(2000);
    expect(messages().length).toBeGreaterThan(1);
    const lines = messages().join('\n').split('\n').filter((l) => l.startsWith('• '));
    expect(lines).toHaveLength(25);
    expect(messages()[0]).toMatch(/^3\d developments, oldest first \(the newest 25; \d+ earlier not shown\)/);
  });

  it('a digest (postText) of 30 long lines goes as several messages, every line whole', async () => {
    const d = adapter();
    const lines = records.map((r, i) => `${i + 1}. ${r.alert.headline} — ${r.alert.whatIsNew} ${r.alert.link}`);
    await d.postText!('discord:3100', `Daily digest:\n${lines.join('\n')}`);
    const posted = fake.posts('3100').map((c) => c.body.content as string);
    expect(posted.length).toBeGreaterThan(1);
    for (const m of posted) expect([...m].length).toBeLessThanOrEqual(2000);
    expect(posted.join('\n').split('\n')).toEqual(['Daily digest:', ...lines]);
  });

  it('a slow ask share:true is deferred publicly and answered in the channel (26.4)', async () => {
    // Every store read takes 100 ms: the answer comes after the deferral.
    const slowStore = new Proxy(deps.store, { get: (t, k) => {
      const v = Reflect.get(t, k);
      return typeof v === 'function' ? async (...a: unknown[]) => (await new Promise((r) => setTimeout(r, 100)), v.apply(t, a)) : v;
    } });
    const d = adapter({ deferAfterMs: 0, commands: { ...deps, store: slowStore } });
    const id = fake.interact(d.client, { name: 'storywatch', options: [{ type: 1, name: 'ask', options: [{ type: 3, name: 'question', value: 'what happened?' }, { type: 5, name: 'share', value: true }] }] });
    await waitFor('the deferral', () => !!fake.callback(id), 5000);
    expect(fake.callback(id)!.body).toMatchObject({ type: 5 });
    expect((fake.callback(id)!.body.data as { flags?: number } | undefined)?.flags ?? 0).toBe(0);
    await waitFor('the answer', () => fake.calls.some((c) => c.method === 'PATCH' && c.path.includes(`/tok-${id}/messages/@original`)), 10_000);
  });

  it('feed text in a reply never becomes markup: no masked link, bold, code or quote from a headline (22.10)', async () => {
    const hostile = { ...records[0]!, alert: { ...records[0]!.alert, headline: '[Sign here](https://evil.example/x) *now* `x` ||spoiler||', whatIsNew: '> quoted\n# big' } };
    const d = adapter({ commands: { ...deps, store: { ...deps.store, recentAlerts: async () => [hostile] } } });
    const id = fake.interact(d.client, { name: 'storywatch', options: [{ type: 1, name: 'latest', options: [{ type: 4, name: 'n', value: 1 }] }] });
    await waitFor('the reply', () => !!fake.callback(id), 5000);
    const content = (fake.callback(id)!.body.data as { content: string }).content;
    expect(content).toContain('**［Sign here］(https://evil.example/x) ∗now∗ ˋxˋ ǀǀspoilerǀǀ**');
    expect(content).not.toMatch(/\[Sign here\]\(|\|\||`x`/);
    expect(content).not.toMatch(/\n>|\n#/);
  });
});
