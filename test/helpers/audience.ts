/**
 * A deployment for the per-audience tests (issue 22): the real app posting through the
 * real Bolt client to a local fake Slack Web API, a local fixture feed server, and the
 * real command handlers. slack:C1 is the configured target of the public feed globalpost;
 * channels may add feeds of their own (eastdesk as C2's private feed).
 */
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
import type { ChannelSettings } from '../../src/store/ports.js';
import { fakeSlack } from './fake-slack.js';
import { EVAL_SYNTHETIC } from './paths.js';

/**
 * slack:C1 is the configured target of the public feed globalpost; slack:C2 added eastdesk
 * as its own (private) feed. h01..h07 are the backlog; h08 (eastdesk) opens a development
 * that h09 (globalpost) reports again.
 */
export async function audienceWorld(cleanups: Array<() => unknown>, channels: ChannelSettings[], extra: Partial<AppConfig> = {}) {
  const slack = await fakeSlack();
  cleanups.push(() => slack.close());
  const server = await startFixtureServer(loadStream(EVAL_SYNTHETIC).articles, { initiallyVisible: 7 });
  cleanups.push(() => server.close());
  const dir = mkdtempSync(path.join(tmpdir(), 'sw-audience-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(path.join(dir, 'channels.json'), JSON.stringify(channels.map((c) => ({ ...c, feeds: c.feeds.map((f) => ({ ...f, url: server.feedUrls[f.url] ?? f.url })) }))));
  const config: AppConfig = {
    configFile: '(test)', story: 'minerals-deal', dataDir: dir, pollIntervalSeconds: 0.001, targets: ['slack:C1'],
    feeds: [{ id: 'globalpost', url: server.feedUrls.globalpost! }],
    fetch: { connectTimeoutMs: 1000, totalTimeoutMs: 3000, maxBytes: 1 << 20, maxRedirects: 5, perHostIntervalMs: 0, perHostConcurrency: 4, allowPrivate: ['127.0.0.1'] },
    logLevel: 'info', commands: false, followUpMergeSeconds: 0,
    slack: { botToken: 'xoxb-audience-test', signingSecret: 'audience-secret', port: 0, adminUserIds: [], apiUrl: slack.apiUrl },
    ...extra,
  };
  const app = await createApp({ config, log: createLogger({ out: new PassThrough() }), alertsOut: new PassThrough() });
  cleanups.push(() => app.close());
  const deps: CommandDeps = {
    store: app.store, channels: app.channels, engine: app.engine, corpus: [], configuredFeeds: config.feeds, configuredTargets: config.targets,
    checkFeedUrl: async () => {}, now: () => new Date(),
  };
  const asC = (channel: string, text: string) => handleCommand(deps, { channel, user: 'U', isAdmin: true }, text);
  const posts = (channel: string) => slack.posts().filter((p) => p.body.channel === channel).map((p) => ({ text: String(p.body.text), thread: p.body.thread_ts as string | undefined }));
  return { app, server, slack, asC, posts, config };
}

