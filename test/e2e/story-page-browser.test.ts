/**
 * The story page in a real browser (issue 24): Debian's headless Chromium (/usr/bin/chromium,
 * installed by .ci/run; never a downloaded browser) driven by playwright-core loads
 * /stories/minerals-deal after the demo stream, finds every development and its reports,
 * logs no console error, and its screenshot is not blank; a title carrying markup shows as text.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { inflateSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import type { StoryTimeline } from '../../src/web/timeline.js';
import { demoApp } from '../helpers/story-demo.js';

const CHROMIUM = process.env.STORYWATCH_CHROMIUM ?? '/usr/bin/chromium';
// The machine's network is closed: without these Chromium keeps dialling Google's hosts.
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

/** Distinct colours in a PNG's first rows (8-bit RGB/RGBA, no interlace): a blank page has one. */
function colours(png: Buffer): number {
  const chunks: Buffer[] = [];
  let width = 0;
  let channels = 4;
  for (let at = 8; at < png.length;) {
    const len = png.readUInt32BE(at);
    const type = png.toString('latin1', at + 4, at + 8);
    const data = png.subarray(at + 8, at + 8 + len);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      channels = data[9] === 6 ? 4 : 3;
    }
    if (type === 'IDAT') chunks.push(data);
    at += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(chunks));
  const seen = new Set<string>();
  const stride = 1 + width * channels;
  // Filtered bytes, not pixels: still one value throughout for a blank page, many for a drawn one.
  for (let row = 0; row * stride < raw.length && row < 400; row++) {
    for (let x = 1; x < stride; x += channels) seen.add(raw.subarray(row * stride + x, row * stride + x + 3).toString('hex'));
  }
  return seen.size;
}

describe.skipIf(!existsSync(CHROMIUM))('story page in headless Chromium', () => {
  it('shows every development and report, no console error, a screenshot that is not blank', async () => {
    const { base } = await demoApp(cleanups);
    const data = (await (await fetch(`${base}/stories/minerals-deal.json`)).json()) as StoryTimeline;
    const profile = mkdtempSync(path.join(tmpdir(), 'sw-chromium-'));
    cleanups.push(() => rmSync(profile, { recursive: true, force: true }));
    // playwright-core gives the browser a fresh empty profile of its own.
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
    cleanups.unshift(() => browser.close());
    const page = await browser.newPage({ viewport: { width: 420, height: 900 } });
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(e.message));
    const outside: string[] = [];
    page.on('request', (r) => {
      if (!r.url().startsWith(base)) outside.push(r.url());
    });
    await page.goto(`${base}/stories/minerals-deal`);
    expect(await page.locator('section.dev').count()).toBe(data.developments.length);
    for (const d of data.developments) {
      const section = page.locator(`section#dev-${d.id.replace(/[^A-Za-z0-9_-]/g, '-')}`);
      expect(await section.locator('h2').innerText()).toBe(d.summary);
      expect(await section.locator('li').count()).toBe(1 + d.later.length);
    }
    expect(await page.locator('svg circle').count()).toBe(data.developments.length);
    // The hostile title is text on the page, and no script of it ran.
    expect(await page.locator('li', { hasText: '<script>alert("x")</script> Rada ratifies' }).count()).toBe(1);
    expect(await page.locator('script').count()).toBe(0);
    const shot = await page.screenshot({ fullPage: true });
    const file = path.join(profile, 'story-page.png');
    writeFileSync(file, shot);
    // The README's picture: the top of the page as a phone shows it.
    if (process.env.STORYWATCH_SCREENSHOT) writeFileSync(process.env.STORYWATCH_SCREENSHOT, await page.screenshot());
    expect(colours(shot)).toBeGreaterThan(20);
    expect(errors).toEqual([]);
    expect(outside).toEqual([]);
  });
});
