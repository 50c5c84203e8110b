/**
 * Feed state that is lost, shifted or shared must never re-prime a feed, which would
 * learn what it published meanwhile without alerting (issue 11, items 2 and 3).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { createApp } from '../../src/main.js';
import { createLogger } from '../../src/log.js';
import { loadConfig, type AppConfig } from '../../src/config/app-config.js';
import { startFixtureServer } from '../../src/demo/fixture-server.js';
import { loadStream } from '../../src/cli/eval.js';
import { EVAL_SYNTHETIC } from '../helpers/paths.js';
import { DB_NAME } from '../../src/store/sqlite/database.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function fixture() {
  // h01..h03 visible; the next one, h04 on kyivwire, is a new development.
  const server = await startFixtureServer(loadStream(EVAL_SYNTHETIC).articles, { initiallyVisible: 3 });
  cleanups.push(() => server.close());
  const dir = mkdtempSync(path.join(tmpdir(), 'sw-state-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return { server, dir };
}

async function open(dir: string, feeds: AppConfig['feeds']) {
  const alerts = new PassThrough();
  const logs = new PassThrough();
  let printed = '';
  let logged = '';
  alerts.on('data', (c) => (printed += c));
  logs.on('data', (c) => (logged += c));
  const config: AppConfig = {
    configFile: '(test)', story: 'minerals-deal', dataDir: dir, pollIntervalSeconds: 0.001, targets: ['console'], feeds, commands: false, followUpMergeSeconds: 0, logLevel: 'info',
    fetch: { connectTimeoutMs: 1000, totalTimeoutMs: 2000, maxBytes: 1 << 20, maxRedirects: 5, perHostIntervalMs: 0, perHostConcurrency: 8, allowPrivate: ['127.0.0.1'] },
  };
  const app = await createApp({ config, log: createLogger({ out: logs }), alertsOut: alerts });
  cleanups.push(() => app.close());
  return { app, printed: () => printed, logged: () => logged };
}

const fromEnv = (urls: string[]) => loadConfig({ STORYWATCH_FEEDS: urls.join(',') }).feeds;

describe('feed ids from STORYWATCH_FEEDS', () => {
  it('are derived from the URL: removing one URL leaves the others\' ids, and the next development is alerted', async () => {
    const { server, dir } = await fixture();
    const urls = [server.feedUrls.eastdesk!, server.feedUrls.kyivwire!];
    const both = fromEnv(urls);
    const one = fromEnv(urls.slice(1));
    expect(one[0]!.id).toBe(both[1]!.id);
    expect(both[0]!.id).toMatch(/^127\.0\.0\.1-[0-9a-f]{12}$/);

    const first = await open(dir, both);
    await first.app.runner!.tick();
    await first.app.close();
    const second = await open(dir, one);
    server.reveal(1);
    const r = await second.app.runner!.tick();
    expect(r.alerts).toBe(1);
    expect(second.printed()).toMatch(/Zelensky signs law ratifying US minerals agreement/);
  });

  it('the same URL listed twice is refused at start-up', () => {
    expect(() => fromEnv(['https://a.example/rss', 'https://b.example/rss', 'https://a.example/rss'])).toThrow(/feed id "a\.example-[0-9a-f]{12}" is used by https:\/\/a\.example\/rss and https:\/\/a\.example\/rss/);
  });

  it('a config file giving two feeds one id is refused at start-up, naming both', () => {
    const { dir } = { dir: mkdtempSync(path.join(tmpdir(), 'sw-cfg-')) };
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const file = path.join(dir, 'dup.yaml');
    writeFileSync(file, 'feeds:\n  - { id: wire, url: "https://a.example/rss" }\n  - { id: wire, url: "https://b.example/rss" }\n');
    expect(() => loadConfig({ STORYWATCH_CONFIG: file })).toThrow(/feed id "wire" is used by https:\/\/a\.example\/rss and https:\/\/b\.example\/rss/);
  });
});

describe('a corrupt database file', () => {
  it('is reported with what to do and left as it is, never re-created (which would re-prime every feed); restored, the next development is alerted', async () => {
    const { server, dir } = await fixture();
    const feeds = Object.entries(server.feedUrls).map(([id, url]) => ({ id, url }));
    const first = await open(dir, feeds);
    await first.app.runner!.tick();
    await first.app.close();
    const file = path.join(dir, DB_NAME);
    const backup = readFileSync(file);
    const broken = Buffer.from(backup);
    broken.fill(0x5a, 100);
    writeFileSync(file, broken);

    await expect(open(dir, feeds)).rejects.toThrow(/storywatch\.db is not a readable storywatch database/);
    const err = await open(dir, feeds).catch((e: { hint?: string }) => e);
    expect((err as { hint?: string }).hint).toMatch(/will not replace it \(a new file would alert every feed's backlog again\)\. Restore it from a backup/);
    expect(readFileSync(file)).toEqual(broken);

    // The operator restores last night's copy: nothing is re-primed, the next development is alerted.
    writeFileSync(file, backup);
    const second = await open(dir, feeds);
    server.reveal(1);
    const r = await second.app.runner!.tick();
    expect(r.alerts).toBe(1);
    expect(second.printed()).toMatch(/Zelensky signs law ratifying US minerals agreement/);
    await second.app.close();
  });
});
