/**
 * The demo stream run through the embedded runner with the HTTP port on (issue 24's story
 * pages), plus one report whose title carries markup: for the page tests and the browser test.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createApp } from '../../src/main.js';
import { createLogger } from '../../src/log.js';
import type { AppConfig } from '../../src/config/app-config.js';
import { startFixtureServer } from '../../src/demo/fixture-server.js';
import { loadDemoArticles } from '../../src/cli/demo.js';
import { capture } from './capture.js';

const HOSTILE = '&lt;script&gt;alert("x")&lt;/script&gt; Rada ratifies minerals deal with US &lt;img src=x onerror=alert(1)&gt;';

export async function demoApp(cleanups: Array<() => Promise<void> | void>, opts: { publicUrl?: string } = {}) {
  const articles = loadDemoArticles();
  // A hostile copy of a real report: it joins that development as one more report.
  const base = articles.find((a) => a.id === 'h01')!;
  articles.push({ ...base, id: 'h99', title: HOSTILE, url: 'https://feeds.example.org/kyivwire/h99?x="><script>alert(2)</script>', publishedAt: '2025-05-08T18:00:00Z' });
  const server = await startFixtureServer(articles, { initiallyVisible: 0 });
  cleanups.push(() => server.close());
  const dataDir = mkdtempSync(path.join(tmpdir(), 'sw-pages-'));
  cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
  const config: AppConfig = {
    configFile: '(test)', story: 'minerals-deal', dataDir, pollIntervalSeconds: 0.001, targets: ['console'],
    feeds: Object.entries(server.feedUrls).map(([id, url]) => ({ id, url })),
    fetch: { connectTimeoutMs: 1000, totalTimeoutMs: 2000, maxBytes: 1 << 20, maxRedirects: 5, perHostIntervalMs: 0, perHostConcurrency: 8, allowPrivate: ['127.0.0.1'] },
    logLevel: 'info', commands: false, followUpMergeSeconds: 0, http: { port: 0, host: '127.0.0.1' }, publicUrl: opts.publicUrl,
  };
  const alerts = capture();
  const app = await createApp({ config, log: createLogger({ out: capture().stream }), alertsOut: alerts.stream });
  cleanups.unshift(() => app.close());
  await app.runner!.tick();
  for (let i = 0; i < server.total + 2; i++) {
    server.reveal(1);
    await app.runner!.tick();
  }
  await app.start?.();
  return { app, base: `http://127.0.0.1:${app.httpPort}`, alerts };
}

