/**
 * `/storywatch track` on the BullMQ runner (issue 24), on real Redis: process A answers the
 * Slack command (real Bolt against the fake) and writes the story; then A stops, and
 * process B, which never loaded the story, is asked for it by the channel's feed: it loads
 * it from the stories folder and alerts the story's news to the channel, without a restart.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { Redis } from 'ioredis';
import { createApp, type App } from '../../src/main.js';
import { createLogger } from '../../src/log.js';
import type { AppConfig } from '../../src/config/app-config.js';
import type { SlackAdapter } from '../../src/chat/slack/slack-adapter.js';
import { channelFeedId } from '../../src/pipeline/channels.js';
import { fakeSlack } from '../helpers/fake-slack.js';
import { freePort } from '../helpers/ports.js';
import { deleteByPrefix, TEST_REDIS_URL } from '../helpers/redis.js';
import { waitFor } from '../helpers/workers.js';
import { corpusLines, NEW_ITEM, OLD_ITEM, pageServer, signedSlash, trackDeployment, type PageServer } from '../helpers/track-pages.js';

const SECRET = 'track-bullmq-secret';
const prefix = `sw-test-track-${randomUUID().slice(0, 8)}`;
let pages: PageServer;
let slack: Awaited<ReturnType<typeof fakeSlack>>;
let dir = '';
const opened: App[] = [];
const logs: Record<string, string> = { a: '', b: '' };

async function open(name: 'a' | 'b', slackPort: number): Promise<App> {
  const out = new PassThrough();
  out.on('data', (c) => (logs[name] += c));
  const config: AppConfig = {
    configFile: path.join(dir, 'config.yaml'), story: 'nippon-us-steel', stories: ['nippon-us-steel'], storiesDir: path.join(dir, 'stories'),
    dataDir: path.join(dir, name), pollIntervalSeconds: 0.2, targets: ['console'], feeds: [], redisUrl: TEST_REDIS_URL, queuePrefix: prefix, sweepSeconds: 1,
    commands: false, followUpMergeSeconds: 0, logLevel: 'info',
    fetch: { connectTimeoutMs: 1000, totalTimeoutMs: 5000, maxBytes: 1 << 20, maxRedirects: 5, perHostIntervalMs: 0, perHostConcurrency: 8, allowPrivate: ['127.0.0.1'] },
    slack: { botToken: 'xoxb-track-test', signingSecret: SECRET, port: slackPort, adminUserIds: ['UADMIN'], apiUrl: slack.apiUrl },
  };
  const app = await createApp({ config, log: createLogger({ out }), alertsOut: new PassThrough() });
  opened.push(app);
  return app;
}

beforeAll(async () => {
  pages = await pageServer();
  slack = await fakeSlack();
  dir = trackDeployment('track-bullmq');
  pages.items = [pages.item(OLD_ITEM, 'old-1', '2025-03-01T10:00:00Z')];
});

afterAll(async () => {
  for (const a of opened.reverse()) await a.close().catch(() => undefined);
  const redis = new Redis(TEST_REDIS_URL);
  await deleteByPrefix(redis, prefix);
  await redis.quit();
  await slack.close();
  await pages.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('/storywatch track on BullMQ workers', () => {
  it('a worker that never loaded the story loads it from the stories folder when first asked, and alerts its news', async () => {
    // B first, so it leads (schedules the channel's feed) and is left alone at the end.
    const b = await open('b', await freePort());
    await b.start();
    await waitFor('B to lead', () => b.bullmq!.leader.isLeader, 10_000);
    const portA = await freePort();
    const a = await open('a', portA);
    await a.start();
    await (a.adapters.find((x) => x.name === 'slack') as unknown as SlackAdapter).start();
    const feedId = channelFeedId('slack:C1', pages.feedUrl);
    await a.channels.putChannel({ ...(await a.channels.getChannel('slack:C1')), feeds: [{ id: feedId, url: pages.feedUrl }] });
    await waitFor('the backlog of the channel feed to be learned', async () => (await a.store.knowledgeSince(0)).entries.length === 1, 20_000);

    const r = await signedSlash({ port: portA, secret: SECRET, fakeUrl: slack.url, calls: slack.calls }, `track minerals-pact ${pages.base}/a/talks.html ${pages.base}/a/progress.html`, 'UADMIN');
    expect(r.status).toBe(200);
    await waitFor('the reply', () => !!r.reply(), 15_000);
    expect(r.reply()!.text).toMatch(/^Now tracking \*Minerals pact\* \(`minerals-pact`\)/);
    // B started before the story existed; it learns of it only through the channel that follows it.
    await a.close();
    opened.splice(opened.indexOf(a), 1);

    const before = slack.posts().length;
    pages.items = [...pages.items, pages.item(NEW_ITEM, 'new-1', new Date().toISOString())];
    // Published within a second of the tracking, and possibly polled first for the other story by
    // a worker that did not know the new one yet (its feed list is cached): still news to it.
    // On a miss, B's log says what it did with the feed (a flake is worth nothing without it).
    await waitFor('the alert from worker B', () => slack.posts().length > before, 30_000).catch((err: Error) => {
      throw new Error(`${err.message}\nworker B log (last 6000 characters):\n${(logs.b ?? '').slice(-6000)}`);
    });
    expect(logs.b).toMatch(/story "Minerals pact" \(minerals-pact\) was tracked while running: loaded from the stories folder/);
    expect(b.lanes.get('minerals-pact')?.addedWhileRunning).toBe(true);
    const posted = slack.posts().slice(before);
    expect(posted.every((p) => p.body.channel === 'C1')).toBe(true);
    expect(JSON.stringify(posted)).toContain(corpusLines(NEW_ITEM)[0]!.slice(0, 40));
    // What the feed held before the story was tracked is learned, not alerted.
    const alerts = await b.lanes.get('minerals-pact')!.store.recentAlerts(10);
    expect(alerts.map((x) => x.alert.headline)).not.toContain(corpusLines(OLD_ITEM)[0]);
  }, 160_000);
});
