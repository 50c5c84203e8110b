/**
 * A channel's feeds belong to that channel: their alerts, notices, state and URLs stay
 * there. The real app (embedded runner, file stores, JSONL adapter standing in for chat
 * channels) against a local fixture feed server, and the real command handlers.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { createApp } from '../../src/main.js';
import { createLogger } from '../../src/log.js';
import type { AppConfig } from '../../src/config/app-config.js';
import { startFixtureServer } from '../../src/demo/fixture-server.js';
import { loadStream } from '../../src/cli/eval.js';
import { handleCommand, type CommandDeps } from '../../src/chat/commands/handlers.js';
import { channelFeedId } from '../../src/pipeline/channels.js';
import { EVAL_SYNTHETIC } from '../helpers/paths.js';
import { countLines } from '../helpers/workers.js';

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function world() {
  const server = await startFixtureServer(loadStream(EVAL_SYNTHETIC).articles, { initiallyVisible: 3 });
  cleanups.push(() => server.close());
  const dir = mkdtempSync(path.join(tmpdir(), 'sw-priv-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  // JSONL targets stand in for channels: C1 is the configured target, C2 added a private feed.
  const c1 = `jsonl:${path.join(dir, 'c1.jsonl')}`;
  const c2 = `jsonl:${path.join(dir, 'c2.jsonl')}`;
  const config: AppConfig = {
    configFile: '(test)', story: 'minerals-deal', dataDir: dir, pollIntervalSeconds: 0.001, targets: [c1],
    feeds: [{ id: 'eastdesk', url: server.feedUrls.eastdesk! }],
    fetch: { connectTimeoutMs: 1000, totalTimeoutMs: 3000, maxBytes: 1 << 20, maxRedirects: 5, perHostIntervalMs: 0, perHostConcurrency: 4, allowPrivate: ['127.0.0.1'] },
    logLevel: 'info', commands: false, followUpMergeSeconds: 0,
  };
  return { server, dir, c1, c2, config };
}

const open = (config: AppConfig) => createApp({ config, log: createLogger({ out: new PassThrough() }), alertsOut: new PassThrough() });

describe("a channel's feeds are private to it", () => {
  it('alerts from a feed a channel added go to that channel only, not to the configured targets', async () => {
    const { server, dir, c1, c2, config } = await world();
    writeFileSync(path.join(dir, 'channels.json'), JSON.stringify([{ channel: c2, watch: [], feeds: [{ id: 'anything', url: server.feedUrls.kyivwire! }] }]));
    const app = await open(config);
    cleanups.push(() => app.close());
    await app.runner!.tick();
    server.reveal(1); // h04, a new development, on kyivwire: C2's feed only
    const r = await app.runner!.tick();
    expect(r.alerts).toBe(1);
    const file = (t: string) => t.slice('jsonl:'.length);
    expect(countLines(file(c2)).map((l) => JSON.parse(l).alert.headline)).toEqual(['Zelensky signs law ratifying US minerals agreement']);
    expect(countLines(file(c1))).toEqual([]);
    // Nor do latest, digest, ask or explain show it in another channel.
    const deps: CommandDeps = {
      store: app.store, channels: app.channels, engine: app.engine, corpus: [], configuredFeeds: config.feeds, configuredTargets: config.targets,
      checkFeedUrl: async () => {}, now: () => new Date(),
    };
    const h04 = 'https://feeds.example.org/kyivwire/h04';
    const asC = (channel: string, text: string) => handleCommand(deps, { channel, user: 'U', isAdmin: false }, text);
    for (const cmd of ['latest', 'digest 30d']) {
      expect((await asC(c1, cmd)).text, cmd).not.toMatch(/Zelensky signs law/);
      expect((await asC(c2, cmd)).text, cmd).toMatch(/Zelensky signs law/);
    }
    expect((await asC(c1, 'ask when did zelensky sign the law?')).text).not.toContain(h04);
    expect((await asC(c2, 'ask when did zelensky sign the law?')).text).toContain(h04);
    expect((await asC(c1, `explain ${h04}`)).text).toMatch(/has not seen/);
    expect((await asC(c2, `explain ${h04}`)).text).toMatch(/was judged a new development/);
  });

  it('channel feed ids are full hashes of channel and URL: a forged stored id cannot take over another channel\'s feed state', async () => {
    const { server, dir, c2, config } = await world();
    const victimUrl = server.feedUrls.kyivwire!;
    const victimId = channelFeedId(c2, victimUrl);
    expect(victimId).toMatch(/^c-[0-9a-f]{64}$/);
    expect(channelFeedId('jsonl:/other', victimUrl)).not.toBe(victimId);
    // C3 stores a feed claiming C2's id with another URL (what a brute-forced collision gave before).
    writeFileSync(path.join(dir, 'channels.json'), JSON.stringify([
      { channel: c2, watch: [], feeds: [{ id: victimId, url: victimUrl }] },
      { channel: 'jsonl:/dev/null', watch: [], feeds: [{ id: victimId, url: server.feedUrls.globalpost! }] },
    ]));
    const app = await open(config);
    cleanups.push(() => app.close());
    await app.runner!.tick();
    await app.runner!.tick();
    // The victim's state stays its own: its URL, primed once, not reset by the other feed.
    expect(await app.store.getFeedState(victimId)).toMatchObject({ url: victimUrl, primed: true, consecutiveFailures: 0 });
    expect(await app.store.getFeedState(channelFeedId('jsonl:/dev/null', server.feedUrls.globalpost!))).toMatchObject({ url: server.feedUrls.globalpost, primed: true });
  });

  it("status shows the configured feeds and the caller's own, with secrets in URLs and errors redacted", async () => {
    const { dir, c2, config } = await world();
    const secret = 'https://private.example/rss?access_token=SECRET-123&page=2';
    writeFileSync(path.join(dir, 'channels.json'), JSON.stringify([{ channel: c2, watch: [], feeds: [{ id: 'x', url: secret }] }]));
    const app = await open({ ...config, feeds: [...config.feeds, { id: 'cfg', url: 'https://ops:hunter2@cfg.example/rss?api_key=K' }] });
    cleanups.push(() => app.close());
    await app.store.putFeedState({ feedId: channelFeedId(c2, secret), url: secret, primed: false, consecutiveFailures: 2, lastError: `HTTP 503 from ${secret}` });
    await app.store.putFeedState({ feedId: 'cfg', url: 'x', primed: false, consecutiveFailures: 1, lastError: 'HTTP 500 from https://ops:hunter2@cfg.example/rss?api_key=K' });
    const deps: CommandDeps = {
      store: app.store, channels: app.channels, engine: app.engine, corpus: [], configuredFeeds: [...config.feeds, { id: 'cfg', url: 'https://ops:hunter2@cfg.example/rss?api_key=K' }],
      checkFeedUrl: async () => {}, now: () => new Date(),
    };
    const inC1 = await handleCommand(deps, { channel: 'slack:C1', user: 'U', isAdmin: false }, 'status');
    const inC2 = await handleCommand(deps, { channel: c2, user: 'U', isAdmin: false }, 'status');
    for (const r of [inC1, inC2]) {
      expect(r.text).not.toMatch(/SECRET-123|hunter2|api_key=K/);
      expect(r.text).toMatch(/• cfg — 1 failure\(s\), last: HTTP 500 from https:\/\/\*\*\*@cfg\.example\/rss\?api_key=\*\*\*/);
    }
    expect(inC1.text).not.toMatch(/private\.example/);
    expect(inC2.text).toMatch(/this channel's https:\/\/private\.example\/rss\?access_token=\*\*\*&page=2 — 2 failure\(s\), last: HTTP 503 from https:\/\/private\.example\/rss\?access_token=\*\*\*&page=2/);
  });
});
