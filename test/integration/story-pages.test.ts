/**
 * The story pages on the HTTP port (issue 24): after the demo stream, /stories lists the
 * story, /stories/minerals-deal shows every development with its reports and an SVG
 * timeline, /stories/minerals-deal.json the same as data; a hostile feed title shows as
 * text and a javascript: link is no link; nothing from feed URLs' queries or channels.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createApp } from '../../src/main.js';
import { createLogger } from '../../src/log.js';
import type { AppConfig } from '../../src/config/app-config.js';
import { startFixtureServer } from '../../src/demo/fixture-server.js';
import { loadDemoArticles } from '../../src/cli/demo.js';
import type { StoryTimeline } from '../../src/web/timeline.js';
import { capture } from '../helpers/capture.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

// Entity-escaped in the feed's HTML, so the parser's tag stripping leaves literal markup in the title.
const HOSTILE = '&lt;script&gt;alert("x")&lt;/script&gt; Rada ratifies minerals deal with US &lt;img src=x onerror=alert(1)&gt;';

export async function demoApp() {
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
    logLevel: 'info', commands: false, followUpMergeSeconds: 0, http: { port: 0, host: '127.0.0.1' },
  };
  const app = await createApp({ config, log: createLogger({ out: capture().stream }), alertsOut: capture().stream });
  cleanups.unshift(() => app.close());
  await app.runner!.tick();
  for (let i = 0; i < server.total + 2; i++) {
    server.reveal(1);
    await app.runner!.tick();
  }
  await app.start?.();
  return { app, base: `http://127.0.0.1:${app.httpPort}` };
}

describe('story pages', () => {
  it('shows every development with its reports, as HTML with an SVG timeline and as JSON', async () => {
    const { app, base } = await demoApp();
    const index = await fetch(`${base}/stories`);
    expect(index.status).toBe(200);
    expect(await index.text()).toMatch(/href="\/stories\/minerals-deal">US–Ukraine rare-earth minerals deal<\/a> <span class="rel">\d+ development/);
    const data = (await (await fetch(`${base}/stories/minerals-deal.json`)).json()) as StoryTimeline;
    const { entries } = await app.store.knowledgeSince(0, 10_000);
    const devs = new Set(entries.filter((e) => e.decision.relevant && e.decision.developmentId).map((e) => e.decision.developmentId));
    expect(devs.size).toBeGreaterThan(2);
    expect(new Set(data.developments.map((d) => d.id))).toEqual(devs);
    const res = await fetch(`${base}/stories/minerals-deal`);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    const html = await res.text();
    expect(html).toMatch(/<svg viewBox=/);
    expect((html.match(/<circle /g) ?? []).length).toBe(devs.size);
    for (const d of data.developments) {
      expect(html).toContain(`id="dev-${d.id.replace(/[^A-Za-z0-9_-]/g, '-')}"`);
      for (const r of [d.first, ...d.later]) expect(html).toContain(`>${r.outlet.replace(/</g, '&lt;').replace(/>/g, '&gt;')}</b>`);
    }
    // Newest first.
    const ats = data.developments.map((d) => d.at);
    expect([...ats].sort((a, b) => b - a)).toEqual(ats);
    // No script, no external request.
    expect(html).not.toMatch(/<script|src="http|href="\/\/|@import/);
  });

  it('shows a hostile feed title and link as text', async () => {
    const { base } = await demoApp();
    const html = await (await fetch(`${base}/stories/minerals-deal`)).text();
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; Rada ratifies');
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<img src=x');
    expect((await fetch(`${base}/stories/nope`)).status).toBe(404);
    expect((await fetch(`${base}/stories/..%2Fetc`)).status).toBe(404);
  });
});
