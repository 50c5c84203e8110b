/**
 * A feed that moves (issue 11, items 7 and 8), with the real fetcher and embedded runner
 * against a loopback feed server: after a 301 its articles keep their ids (nothing is
 * analysed again, no spurious "also reported"); only 301/308 move it for good, 302/307
 * are followed once; and editing the configured URL takes effect at once.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { createApp } from '../../src/main.js';
import { createLogger } from '../../src/log.js';
import type { AppConfig } from '../../src/config/app-config.js';
import { renderRss } from '../../src/demo/fixture-server.js';
import { loadStream } from '../../src/cli/eval.js';
import { EVAL_SYNTHETIC } from '../helpers/paths.js';
import { serve } from '../helpers/http.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

const articles = [...loadStream(EVAL_SYNTHETIC).articles].sort((a, b) => a.publishedAt.localeCompare(b.publishedAt));

/** One feed of the fixture stream, at every path; `redirect` sends a path elsewhere. */
async function feedServer() {
  let visible = 1;
  const hits: string[] = [];
  const redirects = new Map<string, { status: number; to: string }>();
  const s = await serve((req, res) => {
    hits.push(req.url!);
    const r = redirects.get(req.url!);
    if (r) return res.writeHead(r.status, { location: r.to }).end();
    res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(renderRss('Wire', 'http://wire.local/', articles.slice(0, visible).reverse()));
  });
  cleanups.push(s.close);
  return { url: s.url, hits, redirects, reveal: (n: number) => (visible = Math.min(articles.length, visible + n)) };
}

async function open(dataDir: string, feeds: AppConfig['feeds']) {
  const out = new PassThrough();
  let text = '';
  out.on('data', (c) => (text += c));
  const config: AppConfig = {
    configFile: '(test)', story: 'minerals-deal', dataDir, pollIntervalSeconds: 0.001, targets: ['console'], feeds, commands: false, followUpMergeSeconds: 0, logLevel: 'info',
    fetch: { connectTimeoutMs: 1000, totalTimeoutMs: 2000, maxBytes: 1 << 20, maxRedirects: 5, perHostIntervalMs: 0, perHostConcurrency: 8, allowPrivate: ['127.0.0.1'] },
  };
  const app = await createApp({ config, log: createLogger({ out: new PassThrough() }), alertsOut: out });
  cleanups.push(() => app.close());
  return { app, printed: () => text };
}

function tmp() {
  const d = mkdtempSync(path.join(tmpdir(), 'sw-move-'));
  cleanups.push(() => rmSync(d, { recursive: true, force: true }));
  return d;
}

describe('a feed that moves', () => {
  it('after a 301 mid-run no article is analysed again and nothing is "also reported"; the next development is alerted once', async () => {
    const server = await feedServer();
    const { app, printed } = await open(tmp(), [{ id: 'wire', url: `${server.url}/old.xml` }]);
    await app.runner!.tick();
    server.reveal(4);
    const before = await app.runner!.tick();
    expect(before.alerts).toBeGreaterThan(0);
    const printedBefore = printed();

    server.redirects.set('/old.xml', { status: 301, to: `${server.url}/new.xml` });
    // The move comes with one new item: only that one is new.
    server.reveal(1);
    const moved = await app.runner!.tick();
    expect(moved.articles).toBe(1);
    const since = printed().slice(printedBefore.length);
    expect(since).not.toMatch(/also reported/);

    server.reveal(articles.length);
    const after = await app.runner!.tick();
    expect(after.alerts).toBeGreaterThan(0);
    const heads = [...printed().matchAll(/━━ NEW DEVELOPMENT · .* ━━\n {2}(.*)\n/g)].map((m) => m[1]);
    expect(new Set(heads).size).toBe(heads.length);
    // Moved for good: later polls go straight to the new address.
    const n = server.hits.length;
    await app.runner!.tick();
    expect(server.hits.slice(n)).toEqual(['/new.xml']);
  });

  for (const status of [302, 307]) {
    it(`a ${status} is followed that once: the next poll goes to the configured URL again`, async () => {
      const server = await feedServer();
      const { app } = await open(tmp(), [{ id: 'wire', url: `${server.url}/old.xml` }]);
      server.redirects.set('/old.xml', { status, to: `${server.url}/elsewhere.xml` });
      await app.runner!.tick();
      server.redirects.clear();
      const n = server.hits.length;
      await app.runner!.tick();
      expect(server.hits.slice(n)).toEqual(['/old.xml']);
      expect((await app.store.getFeedState('wire'))?.movedTo).toBeUndefined();
    });
  }

  it('a 308 moves the feed; editing its configured URL afterwards takes effect at once', async () => {
    const server = await feedServer();
    const dir = tmp();
    const first = await open(dir, [{ id: 'wire', url: `${server.url}/old.xml` }]);
    server.redirects.set('/old.xml', { status: 308, to: `${server.url}/new.xml` });
    await first.app.runner!.tick();
    let n = server.hits.length;
    await first.app.runner!.tick();
    expect(server.hits.slice(n)).toEqual(['/new.xml']);
    await first.app.close();

    const second = await open(dir, [{ id: 'wire', url: `${server.url}/edited.xml` }]);
    n = server.hits.length;
    await second.app.runner!.tick();
    expect(server.hits.slice(n)).toEqual(['/edited.xml']);
  });
});
