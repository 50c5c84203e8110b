/**
 * The Discord adapter as it runs: the real discord.js client logs in through the local
 * fake's gateway (GET /gateway/bot, HELLO, IDENTIFY, READY), takes commands as
 * INTERACTION_CREATE dispatches, and resumes a dropped session, saying so in the log
 * (issue 26.4). A long reply over the gateway arrives whole across messages (26.3).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createEngine } from '../../src/analysis/engine.js';
import { loadStory } from '../../src/config/story.js';
import { createDiscordAdapter, type DiscordAdapter } from '../../src/chat/discord/discord-adapter.js';
import { createSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { createSqliteChannelStore } from '../../src/store/sqlite/channel-store.js';
import { assertFetchableUrl } from '../../src/feeds/ssrf.js';
import { createLogger } from '../../src/log.js';
import type { AlertRecord } from '../../src/store/ports.js';
import { sampleAlert } from '../helpers/alerts.js';
import { capture } from '../helpers/capture.js';
import { fakeDiscord } from '../helpers/fake-discord.js';
import { waitFor } from '../helpers/workers.js';

let fake: Awaited<ReturnType<typeof fakeDiscord>>;
let dir = '';
let discord: DiscordAdapter;
const logs = capture();

const records: AlertRecord[] = Array.from({ length: 20 }, (_, i) => ({
  alert: sampleAlert({ id: `dev-${i}:a`, developmentId: `dev-${i}`, headline: `Development ${i} ${'with a long headline '.repeat(4)}`.trim(), whatIsNew: `Summary ${i}: ${'words '.repeat(35)}`.trim(), link: `https://news.example/${i}` }),
  targets: ['discord:3000'], createdAt: new Date(Date.UTC(2026, 11, 1, 0, 30 - i)).toISOString(),
}));

beforeAll(async () => {
  fake = await fakeDiscord();
  dir = mkdtempSync(path.join(tmpdir(), 'sw-discord-gw-'));
  const { story, corpus } = loadStory('minerals-deal');
  const store = createSqliteStore({ dir, warn: () => {} });
  discord = createDiscordAdapter({
    token: 'test-bot-token-for-the-gateway', apiUrl: fake.apiUrl, log: createLogger({ out: logs.stream, level: 'debug' }),
    commands: {
      store: { ...store, recentAlerts: async (n: number) => records.slice(0, n) }, channels: createSqliteChannelStore({ dir, warn: () => {} }),
      engine: createEngine(story, corpus), corpus, configuredFeeds: [], configuredTargets: ['discord:3000'], now: () => new Date(),
      checkFeedUrl: (u) => assertFetchableUrl(u, { allow: [] }),
    },
  });
  await discord.start();
});
afterAll(async () => {
  await discord.close();
  await fake.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('Discord over the gateway', () => {
  it('logs in (IDENTIFY -> READY) and answers a command sent as INTERACTION_CREATE, a long one whole across messages', async () => {
    expect(fake.gatewayOps[0]).toBe(2);
    expect(discord.client.isReady()).toBe(true);
    const id = fake.gatewayInteract({ name: 'storywatch', options: [{ type: 1, name: 'latest', options: [{ type: 4, name: 'n', value: 20 }] }] });
    const replies = () => fake.calls.filter((c) => c.path.startsWith(`/api/v10/interactions/${id}/`) || c.path === `/api/v10/webhooks/2000/tok-${id}`)
      .map((c) => ((c.body.data as { content?: string } | undefined)?.content ?? c.body.content) as string);
    await waitFor('all 20 items', () => records.every((r) => replies().some((m) => m.includes(`${r.alert.headline}*`))), 5000);
    expect(replies().length).toBeGreaterThan(1);
    for (const m of replies()) expect([...m].length).toBeLessThanOrEqual(2000);
  });

  it('a dropped session (close 4000) is resumed, and both are logged', async () => {
    fake.dropGateway(4000);
    await waitFor('the resume', () => fake.gatewayOps.includes(6) && /gateway session resumed/.test(logs.text()), 10_000);
    expect(logs.text()).toMatch(/WARN  discord: gateway connection lost \(shard 0\); reconnecting/);
    expect(logs.text()).toMatch(/INFO  discord: gateway session resumed \(shard 0/);
    // Still answering after the resume.
    const id = fake.gatewayInteract({ name: 'storywatch', options: [{ type: 1, name: 'help', options: [] }] });
    await waitFor('the help reply', () => !!fake.callback(id), 5000);
    expect((fake.callback(id)!.body.data as { content: string }).content).toContain('/storywatch-config');
  });
});
