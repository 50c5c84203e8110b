/**
 * One misbehaving party holds back only itself: the real app (embedded runner, file
 * stores, console and Slack adapters) against local feeds and a local fake Slack.
 * A new development on an unaffected feed is alerted within a few poll intervals,
 * and close() returns promptly, whatever the others do.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createApp, type App } from '../../src/main.js';
import { createLogger } from '../../src/log.js';
import type { AppConfig } from '../../src/config/app-config.js';
import { renderRss, startFixtureServer } from '../../src/demo/fixture-server.js';
import { loadStream } from '../../src/cli/eval.js';
import { EVAL_SYNTHETIC } from '../helpers/paths.js';
import { capture } from '../helpers/capture.js';
import { serve } from '../helpers/http.js';
import { freePort } from '../helpers/ports.js';
import { waitFor } from '../helpers/workers.js';

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

function config(dataDir: string, feeds: AppConfig['feeds'], extra: Partial<AppConfig> = {}): AppConfig {
  return {
    configFile: '(test)', story: 'minerals-deal', dataDir, pollIntervalSeconds: 1, targets: ['console'], feeds,
    fetch: { connectTimeoutMs: 1000, totalTimeoutMs: 3000, maxBytes: 1 << 20, maxRedirects: 5, perHostIntervalMs: 0, perHostConcurrency: 2, allowPrivate: ['127.0.0.1'] },
    logLevel: 'debug', commands: false, followUpMergeSeconds: 0, ...extra,
  };
}

/** A good fixture feed server: h01..h03 visible; reveal(1) shows h04, a new development. */
async function goodFeeds() {
  const server = await startFixtureServer(loadStream(EVAL_SYNTHETIC).articles, { initiallyVisible: 3 });
  cleanups.push(() => server.close());
  return server;
}

async function open(cfg: AppConfig) {
  const alerts = capture();
  const logs = capture();
  const app = await createApp({ config: cfg, log: createLogger({ out: logs.stream, level: 'debug' }), alertsOut: alerts.stream });
  return { app, alerts, logs };
}

/** close() must come back promptly (bounded wait for liveness, not a measurement). */
async function closesWithin(app: App, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<string>((r) => (timer = setTimeout(() => r('late'), ms)));
  expect(await Promise.race([app.close().then(() => 'closed'), late])).toBe('closed');
  clearTimeout(timer);
}

describe('isolation: one host, feed or chat API cannot stall the others', () => {
  it("a host's 429 Retry-After defers only that host's feeds; other hosts are alerted and close() is prompt", async () => {
    const good = await goodFeeds();
    const hits: string[] = [];
    const other = await serve((req, res) => {
      hits.push(req.url!);
      if (req.url === '/a.xml') return res.writeHead(429, { 'retry-after': '40' }).end();
      res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(renderRss('a2', 'http://a2.local/', []));
    });
    cleanups.push(other.close);
    const dataDir = mkdtempSync(path.join(tmpdir(), 'sw-iso-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const feeds = [{ id: 'a', url: `${other.url}/a.xml` }, { id: 'a2', url: `${other.url}/a2.xml` }, { id: 'kyivwire', url: good.feedUrls.kyivwire! }];
    const { app, alerts } = await open(config(dataDir, feeds));
    await app.start();
    await waitFor('the first polls', async () => !!(await app.store.getFeedState('kyivwire'))?.primed && !!(await app.store.getFeedState('a'))?.consecutiveFailures, 10_000);
    const afterFirst = hits.length;
    good.reveal(1);
    await waitFor('the new development on the other host', () => /Zelensky signs law/.test(alerts.text()), 5_000);
    // a2 shares a's host: deferred until the Retry-After is over, not fetched, not failed.
    expect(hits.slice(afterFirst).filter((u) => u === '/a2.xml')).toHaveLength(0);
    expect((await app.store.getFeedState('a2'))?.consecutiveFailures ?? 0).toBe(0);
    await closesWithin(app, 5_000);
  });

  it('a Slack API that hangs holds back neither polling nor the console; its alerts stay pending and go out later', async () => {
    const good = await goodFeeds();
    let slackCalls = 0;
    const hanging = await serve((req) => {
      if (req.url === '/api/chat.postMessage') slackCalls++;
    });
    cleanups.push(hanging.close);
    const dataDir = mkdtempSync(path.join(tmpdir(), 'sw-iso-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const slack = (apiUrl: string) => ({ slack: { botToken: 'xoxb-test', signingSecret: 'secret-123', port: 0, adminUserIds: [], apiUrl }, targets: ['console', 'slack:C1'] });
    const cfg = config(dataDir, [{ id: 'kyivwire', url: good.feedUrls.kyivwire! }], { ...slack(`${hanging.url}/api/`), pollIntervalSeconds: 1 });
    cfg.slack!.port = await freePort();
    const { app, alerts } = await open(cfg);
    await app.start();
    await waitFor('the first poll', async () => !!(await app.store.getFeedState('kyivwire'))?.primed, 10_000);
    good.reveal(1);
    await waitFor('the console alert', () => /Zelensky signs law/.test(alerts.text()), 5_000);
    await waitFor('a post to the hanging Slack', () => slackCalls > 0, 5_000);
    // Polling goes on while Slack hangs.
    const polled = (await app.store.getFeedState('kyivwire'))!.lastPollAt;
    await waitFor('another poll', async () => (await app.store.getFeedState('kyivwire'))!.lastPollAt !== polled, 5_000);
    await closesWithin(app, 5_000);

    const reopened = await open(config(dataDir, []));
    expect((await reopened.app.store.pendingDeliveries()).map((p) => p.target)).toEqual(['slack:C1']);
    await reopened.app.close();
    const posted: string[] = [];
    const working = await serve((req, res) => {
      let b = '';
      req.on('data', (c) => (b += c));
      req.on('end', () => {
        if (req.url === '/api/chat.postMessage') posted.push(b);
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: true, ts: '1.1' }));
      });
    });
    cleanups.push(working.close);
    const again = config(dataDir, [], slack(`${working.url}/api/`));
    again.slack!.port = await freePort();
    const second = await open(again);
    await second.app.runner!.tick();
    await second.app.close();
    expect(posted).toHaveLength(1);
    expect(decodeURIComponent(posted[0]!)).toMatch(/Zelensky signs law/);
  });
});
