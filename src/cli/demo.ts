/**
 * `storywatch demo`: a local fixture feed server with sample coverage of the default
 * story, and the real runner polling it every second. The first poll learns the two
 * oldest items silently (as a first run does); then one article appears per second,
 * new developments are printed as alerts and copies under them. No network needed.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArticleLine, type Article } from '../domain/article.js';
import { AppError } from '../domain/errors.js';
import type { AppConfig } from '../config/app-config.js';
import { CONFIG_DIR } from '../config/paths.js';
import { startFixtureServer } from '../demo/fixture-server.js';
import { createLogger } from '../log.js';
import { createApp } from '../main.js';

export function loadDemoArticles(file = path.join(CONFIG_DIR, 'demo/articles.jsonl')): Article[] {
  return readFileSync(file, 'utf8').split('\n').filter((l) => l.trim()).map((line, i) => {
    const r = parseArticleLine(line);
    if (!r.ok) throw new AppError(`${file}:${i + 1}: ${r.error}`, 'INPUT_INVALID', 'fix the demo data file');
    return r.value;
  });
}

export async function runDemo(opts: { intervalMs: number; dataDir?: string | undefined }): Promise<number> {
  const log = createLogger({ level: 'info' });
  const articles = loadDemoArticles();
  const server = await startFixtureServer(articles, { initiallyVisible: 2 });
  const dataDir = opts.dataDir ?? mkdtempSync(path.join(tmpdir(), 'storywatch-demo-'));
  const config: AppConfig = {
    // Feeds are due every interval, so each revealed article is polled on the next tick.
    configFile: '(demo)', story: 'minerals-deal', dataDir, pollIntervalSeconds: opts.intervalMs / 1000, targets: ['console'],
    feeds: Object.entries(server.feedUrls).map(([id, url]) => ({ id, url })),
    fetch: { connectTimeoutMs: 2000, totalTimeoutMs: 5000, maxBytes: 1 << 20, maxRedirects: 5, perHostIntervalMs: 0, perHostConcurrency: 8, allowPrivate: ['127.0.0.1'] },
    logLevel: 'info',
    commands: false,
    followUpMergeSeconds: 0,
  };
  log.info(`demo: fixture server at ${server.baseUrl} with ${config.feeds.length} feeds and ${server.total} articles`);
  const app = await createApp({ config, log });
  const totals = { articles: 0, relevant: 0, alerts: 0, followUps: 0 };
  try {
    // Bounded: every article is visible after `total` steps; a few spare ticks let the last be polled.
    for (let step = 0; step < server.total + 5 && totals.articles < server.total; step++) {
      const r = await app.runner!.tick();
      totals.articles += r.articles;
      totals.relevant += r.relevant;
      totals.alerts += r.alerts;
      totals.followUps += r.followUps;
      server.reveal(1);
      await new Promise((res) => setTimeout(res, opts.intervalMs));
    }
  } finally {
    await app.close();
    await server.close();
    if (!opts.dataDir) rmSync(dataDir, { recursive: true, force: true });
  }
  log.info(`demo finished: ${totals.articles} articles analysed, ${totals.relevant} about the story, ${totals.alerts} new developments alerted, ${totals.followUps} copies/follow-ups listed under their development; off-topic items stayed quiet`);
  return 0;
}
