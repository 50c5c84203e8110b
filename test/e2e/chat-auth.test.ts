/**
 * The real Bolt and discord.js clients against local fakes that refuse the bot's token
 * (Slack invalid_auth, Discord 401) or its thread permissions (Discord 403), through the
 * whole embedded app (issue 11, items 4 and 9).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { createApp } from '../../src/main.js';
import { createLogger } from '../../src/log.js';
import type { AppConfig } from '../../src/config/app-config.js';
import { startFixtureServer } from '../../src/demo/fixture-server.js';
import { loadStream } from '../../src/cli/eval.js';
import { createDiscordAdapter } from '../../src/chat/discord/discord-adapter.js';
import { PermanentDeliveryError } from '../../src/chat/ports.js';
import type { CommandDeps } from '../../src/chat/commands/handlers.js';
import { EVAL_SYNTHETIC } from '../helpers/paths.js';
import { serve } from '../helpers/http.js';
import { freePort } from '../helpers/ports.js';
import { sampleAlert } from '../helpers/alerts.js';
import { waitFor } from '../helpers/workers.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

interface Fakes {
  url: string;
  /** Refuse the tokens (Slack invalid_auth, Discord 401). */
  refuse: boolean;
  /** Discord channels where threads may not be opened / posted in (403). */
  noThreads: Set<string>;
  forbidden: Set<string>;
  posts: Array<{ platform: string; channel: string; ok: boolean }>;
}

/** Slack's Web API under /slack/api/, Discord's REST API under /discord/api/. */
async function fakes(): Promise<Fakes> {
  let next = 9000;
  const f: Fakes = { url: '', refuse: false, noThreads: new Set(), forbidden: new Set(), posts: [] };
  const s = await serve((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      const json = (o: unknown, status = 200) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(o));
      const p = req.url!.replace(/\?.*$/, '');
      if (p === '/slack/api/chat.postMessage') {
        const body = req.headers['content-type']?.includes('json') ? JSON.parse(raw) : Object.fromEntries(new URLSearchParams(raw));
        f.posts.push({ platform: 'slack', channel: body.channel, ok: !f.refuse });
        return f.refuse ? json({ ok: false, error: 'invalid_auth' }) : json({ ok: true, channel: body.channel, ts: `1700000000.${next++}` });
      }
      const thread = /^\/discord\/api\/v10\/channels\/(\d+)\/messages\/(\d+)\/threads$/.exec(p);
      if (thread) {
        if (f.noThreads.has(thread[1]!)) return json({ message: 'Missing Permissions', code: 50013 }, 403);
        return json({ id: String(next++), type: 11, parent_id: thread[1] });
      }
      const msg = /^\/discord\/api\/v10\/channels\/(\d+)\/messages$/.exec(p);
      if (msg) {
        const ok = !f.refuse && !f.forbidden.has(msg[1]!);
        f.posts.push({ platform: 'discord', channel: msg[1]!, ok });
        if (f.refuse) return json({ message: '401: Unauthorized', code: 0 }, 401);
        if (!ok) return json({ message: 'Missing Permissions', code: 50013 }, 403);
        return json({ id: String(next++), channel_id: msg[1] });
      }
      json({ message: 'not found' }, 404);
    });
  });
  cleanups.push(s.close);
  f.url = s.url;
  return f;
}

async function open(dir: string, f: Fakes, feeds: AppConfig['feeds']) {
  const logs = new PassThrough();
  let logged = '';
  logs.on('data', (c) => (logged += c));
  const config: AppConfig = {
    configFile: '(test)', story: 'minerals-deal', dataDir: dir, pollIntervalSeconds: 0.001, targets: ['console', 'slack:C1', 'discord:3000'], feeds,
    commands: false, followUpMergeSeconds: 0, logLevel: 'info', http: { port: 0, host: '127.0.0.1' },
    fetch: { connectTimeoutMs: 1000, totalTimeoutMs: 2000, maxBytes: 1 << 20, maxRedirects: 5, perHostIntervalMs: 0, perHostConcurrency: 8, allowPrivate: ['127.0.0.1'] },
    slack: { botToken: 'xoxb-auth-test', signingSecret: 'auth-test-secret', port: await freePort(), adminUserIds: [], apiUrl: `${f.url}/slack/api/` },
    discord: { token: 'discord-auth-test-token-0000', apiUrl: `${f.url}/discord/api` },
  };
  const app = await createApp({ config, log: createLogger({ out: logs }), alertsOut: new PassThrough() });
  await app.start();
  cleanups.push(() => app.close());
  return { app, logged: () => logged };
}

describe('a refused bot token', () => {
  it('keeps the alerts pending, stops posting on that platform, says so in the logs and on /readyz; a fixed token delivers each once', async () => {
    const f = await fakes();
    f.refuse = true;
    const server = await startFixtureServer(loadStream(EVAL_SYNTHETIC).articles, { initiallyVisible: 3 });
    cleanups.push(() => server.close());
    const dir = mkdtempSync(path.join(tmpdir(), 'sw-auth-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const feeds = Object.entries(server.feedUrls).map(([id, url]) => ({ id, url }));

    const { app, logged } = await open(dir, f, feeds);
    // app.start() runs the real loops: poll, analyse and deliver on their own timers.
    await waitFor('the first poll', () => /first poll/.test(logged()), 10_000);
    server.reveal(1);
    await waitFor('both platforms to refuse', () => /ERROR slack: the bot token/.test(logged()) && /ERROR discord: the bot token/.test(logged()), 10_000);
    expect(logged()).toMatch(/ERROR slack: the bot token was refused \(invalid_auth\); nothing is posted to Slack until it is fixed, alerts stay pending/);
    expect(logged()).toMatch(/ERROR discord: the bot token was refused \(401 .*\); nothing is posted to Discord until it is fixed/);
    await waitFor('the console delivery', async () => (await app.store.pendingDeliveries()).length === 2, 10_000);
    expect((await app.store.pendingDeliveries()).map((p) => p.target).sort()).toEqual(['discord:3000', 'slack:C1']);
    const ready = await fetch(`http://127.0.0.1:${app.httpPort}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ status: 'not ready', checks: { slack: 'failing', discord: 'failing' } });
    // Stopped: later delivery rounds (one a second) do not call either platform again.
    const asked = f.posts.length;
    await new Promise((r) => setTimeout(r, 2500));
    expect(f.posts.length).toBe(asked);
    expect(await app.store.pendingDeliveries()).toHaveLength(2);
    expect(logged().match(/the bot token was refused/g)).toHaveLength(2);
    await app.close();

    f.refuse = false;
    const fixed = await open(dir, f, feeds);
    await waitFor('the pending alerts to go out', async () => (await fixed.app.store.pendingDeliveries()).length === 0, 10_000);
    expect(f.posts.filter((p) => p.ok).map((p) => `${p.platform}:${p.channel}`).sort()).toEqual(['discord:3000', 'slack:C1']);
  });
});

describe('a Discord thread the bot may not use', () => {
  const deps = {} as CommandDeps;
  const alert = sampleAlert();
  const followUp = sampleAlert({ id: 'dev-1:a2', kind: 'follow-up', headline: 'Copy' });

  it('cannot be opened (403): the follow-up is posted once in the channel, not retried forever', async () => {
    const f = await fakes();
    f.noThreads.add('3100');
    const d = createDiscordAdapter({ token: 'discord-auth-test-token-0000', apiUrl: `${f.url}/discord/api`, commands: deps, log: createLogger({ out: new PassThrough() }) });
    cleanups.push(() => d.close());
    await d.postAlert('discord:3100', alert);
    await d.postAlert('discord:3100', followUp);
    await d.postAlert('discord:3100', { ...followUp, id: 'dev-1:a3' });
    expect(f.posts.map((p) => p.channel)).toEqual(['3100', '3100', '3100']);
  });

  it('can be opened but not posted in (403): one post in the channel instead; refused there too, it is permanent', async () => {
    const f = await fakes();
    const d = createDiscordAdapter({ token: 'discord-auth-test-token-0000', apiUrl: `${f.url}/discord/api`, commands: deps, log: createLogger({ out: new PassThrough() }) });
    cleanups.push(() => d.close());
    await d.postAlert('discord:3200', alert);
    // Every thread id the fake hands out is >= 9000: forbid the one it opens next.
    f.forbidden.add('9001');
    await d.postAlert('discord:3200', followUp);
    expect(f.posts.map((p) => `${p.channel}:${p.ok}`)).toEqual(['3200:true', '9001:false', '3200:true']);
    f.forbidden.add('3200');
    await expect(d.postAlert('discord:3200', { ...followUp, id: 'dev-1:a3' })).rejects.toBeInstanceOf(PermanentDeliveryError);
  });
});
