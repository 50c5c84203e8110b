import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createApp } from '../../src/main.js';
import { createLogger } from '../../src/log.js';
import type { AppConfig } from '../../src/config/app-config.js';
import { startFixtureServer, type FixtureServer } from '../../src/demo/fixture-server.js';
import { loadStream } from '../../src/cli/eval.js';
import { EVAL_SYNTHETIC } from '../helpers/paths.js';
import { capture } from '../helpers/capture.js';
import { serve } from '../helpers/http.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

function config(dataDir: string, feeds: AppConfig['feeds'], allowPrivate = ['127.0.0.1']): AppConfig {
  return {
    configFile: '(test)', story: 'minerals-deal', dataDir, pollIntervalSeconds: 0.001, targets: ['console'], feeds,
    fetch: { connectTimeoutMs: 1000, totalTimeoutMs: 2000, maxBytes: 1 << 20, maxRedirects: 5, perHostIntervalMs: 0, perHostConcurrency: 8, allowPrivate }, logLevel: 'info', commands: false, followUpMergeSeconds: 0,
  };
}

async function setup(initiallyVisible: number) {
  const { articles } = loadStream(EVAL_SYNTHETIC);
  const server = await startFixtureServer(articles, { initiallyVisible });
  cleanups.push(() => server.close());
  const dataDir = mkdtempSync(path.join(tmpdir(), 'sw-run-'));
  cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
  const feeds = Object.entries(server.feedUrls).map(([id, url]) => ({ id, url }));
  return { server, dataDir, feeds };
}

async function openApp(dataDir: string, feeds: AppConfig['feeds'], allow?: string[], extra: Partial<AppConfig> = {}) {
  const alerts = capture();
  const logs = capture();
  const app = await createApp({ config: { ...config(dataDir, feeds, allow), ...extra }, log: createLogger({ out: logs.stream }), alertsOut: alerts.stream });
  return { app, alerts, logs };
}

async function drain(server: FixtureServer, app: Awaited<ReturnType<typeof openApp>>['app']) {
  let alerts = 0;
  for (let i = 0; i < server.total + 2; i++) {
    server.reveal(1);
    await new Promise((r) => setTimeout(r, 5));
    alerts += (await app.runner!.tick()).alerts;
  }
  return alerts;
}

describe('embedded runner against a local fixture feed server', () => {
  it('learns the first poll silently, alerts each new development once, and not again after a restart', async () => {
    const { server, dataDir, feeds } = await setup(1);
    const first = await openApp(dataDir, feeds);
    const r0 = await first.app.runner!.tick();
    expect(r0).toMatchObject({ articles: 1, alerts: 0 });
    expect(first.logs.text()).toMatch(/first poll, 1 existing item\(s\) learned without alerts/);
    const alerts = await drain(server, first.app);
    await first.app.close();
    // h01 was backlog; h04, h06, h08 are the remaining new developments in the stream.
    expect(alerts).toBe(3);
    const printed = first.alerts.text();
    expect(printed.match(/NEW DEVELOPMENT/g)).toHaveLength(3);
    expect(printed).toMatch(/Zelensky signs law ratifying US minerals agreement/);
    expect(printed).toMatch(/entered into force/);
    expect(printed).toMatch(/\$75 million/);
    expect(printed).not.toMatch(/Kazakhstan|air defence|Canada/);
    // Copies and follow-ups of alerted developments go under them, not as new alerts.
    expect(printed).toMatch(/↳ also reported \(development dev-[0-9a-f]{8}\): DFC puts \$75m into US-Ukraine reconstruction fund/);

    const second = await openApp(dataDir, feeds);
    const again = await second.app.runner!.tick();
    await second.app.close();
    expect(again.alerts).toBe(0);
    expect(second.alerts.text()).toBe('');
    expect(second.logs.text()).toMatch(/5 seed articles \+ 8 remembered/);
  });

  it('a broken feed is reported with its id, URL and what to do, and the other feeds keep running', async () => {
    const { dataDir, feeds, server } = await setup(0);
    const broken = await serve((req, res) => (req.url === '/garbage' ? res.end('<html>oops</html>') : res.writeHead(404).end()));
    cleanups.push(broken.close);
    const all = [...feeds, { id: 'gone', url: `${broken.url}/gone` }, { id: 'garbage', url: `${broken.url}/garbage` }];
    const { app, logs, alerts } = await openApp(dataDir, all);
    await app.runner!.tick();
    const n = await drain(server, app);
    const gone = await app.store.getFeedState('gone');
    await app.close();
    expect(n).toBe(4);
    expect(alerts.text().match(/NEW DEVELOPMENT/g)).toHaveLength(4);
    expect(logs.text()).toMatch(/feed gone failed: HTTP 404 from .*\/gone .*todo="check the feed URL in the config \(or STORYWATCH_FEEDS\)"/);
    expect(logs.text()).toMatch(/feed garbage failed: not an RSS\/Atom document/);
    // Never silently: the channels hear that the 404 feed is paused.
    expect(alerts.text()).toMatch(/storywatch notice ── feed gone \(.*\/gone\) is paused: a permanent error, last "HTTP 404/);
    expect(gone).toMatchObject({ consecutiveFailures: expect.any(Number), lastError: expect.stringMatching(/404/) });
  });

  it('without an allow-list entry a loopback feed URL is refused by the SSRF guard', async () => {
    const { dataDir, feeds } = await setup(3);
    const { app, logs } = await openApp(dataDir, feeds.slice(0, 1), []);
    const r = await app.runner!.tick();
    await app.close();
    expect(r).toMatchObject({ failed: 1, articles: 0 });
    expect(logs.text()).toMatch(/refused 127\.0\.0\.1: 127\.0\.0\.1 is a loopback, private, link-local, shared or reserved address/);
  });
});

describe('stored watch terms', () => {
  it('a stored regex that cannot be matched in linear time is disabled at start-up with a warning; the others still match', async () => {
    const { dataDir, feeds } = await setup(0);
    writeFileSync(path.join(dataDir, 'channels.json'), JSON.stringify([{ channel: 'slack:C9', watch: ['/(a)\\1/', 'lithium'], feeds: [] }]));
    const { app, logs } = await openApp(dataDir, feeds);
    await app.close();
    expect(logs.text()).toMatch(/WARN  channel slack:C9: watch term \/\(a\)\\1\/ is disabled: the regex .* is refused/);
    expect(logs.text()).not.toMatch(/watch term lithium is disabled/);
  });
});

describe('operations endpoints', () => {
  it('serves /healthz, /readyz and Prometheus /metrics with poll, analysis and alert figures', async () => {
    const { dataDir, feeds, server } = await setup(2);
    const { app } = await openApp(dataDir, feeds, undefined, { http: { port: 0, host: '127.0.0.1' } });
    await app.start();
    cleanups.push(() => app.close());
    await drain(server, app);
    const base = `http://127.0.0.1:${app.httpPort}`;
    expect(await (await fetch(`${base}/healthz`)).json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', checks: { 'poll-cycle': 'ok' } });
    const text = await (await fetch(`${base}/metrics`)).text();
    expect(text).toMatch(/storywatch_feed_polls_total\{outcome="new"\} \d+/);
    expect(text).toMatch(/storywatch_feed_polls_total\{outcome="not-modified"\} \d+/);
    expect(text).toMatch(/storywatch_feed_304_ratio 0\.\d+/);
    expect(text).toMatch(/storywatch_articles_analysed_total\{outcome="development"\} [1-9]/);
    expect(text).toMatch(/storywatch_analysis_seconds_count \d+/);
    expect(text).toMatch(/storywatch_deliveries_total\{result="ok",platform="console"\} [1-9]/);
    expect((await fetch(`${base}/nope`)).status).toBe(404);
  });
});
