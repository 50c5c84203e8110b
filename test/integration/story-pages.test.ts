/**
 * The story pages on the HTTP port (issue 24): after the demo stream, /stories lists the
 * story, /stories/minerals-deal shows every development with its reports and an SVG
 * timeline, /stories/minerals-deal.json the same as data; a hostile feed title shows as text.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { StoryTimeline } from '../../src/web/timeline.js';
import { demoApp as startDemo } from '../helpers/story-demo.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});
const demoApp = (publicUrl?: string) => startDemo(cleanups, { publicUrl });

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

  it('with a public address, every alert links to its development\'s place on the page', async () => {
    const { base, alerts } = await demoApp('https://news.example/storywatch/');
    const html = await (await fetch(`${base}/stories/minerals-deal`)).text();
    const links = [...alerts.text().matchAll(/Story page: (\S+)/g)].map((m) => m[1]!);
    const developments = (alerts.text().match(/NEW DEVELOPMENT/g) ?? []).length;
    expect(developments).toBeGreaterThan(2);
    expect(links).toHaveLength(developments);
    for (const link of links) {
      const [page, anchor] = link.split('#');
      expect(page).toBe('https://news.example/storywatch/stories/minerals-deal');
      expect(html).toContain(`id="${anchor}"`);
    }
  });
});
