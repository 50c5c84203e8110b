/**
 * /readyz is ready only while poll cycles can record their results (issue 11, item 13):
 * a data directory that refuses writes mid-run makes it 503, and it recovers by itself.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { createApp } from '../../src/main.js';
import { createLogger } from '../../src/log.js';
import type { AppConfig } from '../../src/config/app-config.js';
import { startFixtureServer } from '../../src/demo/fixture-server.js';
import { loadStream } from '../../src/cli/eval.js';
import { EVAL_SYNTHETIC } from '../helpers/paths.js';
import { waitFor } from '../helpers/workers.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

describe('/readyz and the poll cycle', () => {
  it('says not ready, with the failing check, while cycles cannot record; ready again once they can', async () => {
    const server = await startFixtureServer(loadStream(EVAL_SYNTHETIC).articles, { initiallyVisible: 2 });
    cleanups.push(() => server.close());
    const dir = mkdtempSync(path.join(tmpdir(), 'sw-ready-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const logs = new PassThrough();
    let logged = '';
    logs.on('data', (c) => (logged += c));
    const config: AppConfig = {
      configFile: '(test)', story: 'minerals-deal', dataDir: dir, pollIntervalSeconds: 0.2, targets: ['console'],
      feeds: Object.entries(server.feedUrls).map(([id, url]) => ({ id, url })), commands: false, followUpMergeSeconds: 0, logLevel: 'info',
      http: { port: 0, host: '127.0.0.1' },
      fetch: { connectTimeoutMs: 1000, totalTimeoutMs: 2000, maxBytes: 1 << 20, maxRedirects: 5, perHostIntervalMs: 0, perHostConcurrency: 8, allowPrivate: ['127.0.0.1'] },
    };
    const app = await createApp({ config, log: createLogger({ out: logs }), alertsOut: new PassThrough() });
    await app.start();
    cleanups.push(() => app.close());
    const readyz = async () => {
      const r = await fetch(`http://127.0.0.1:${app.httpPort}/readyz`);
      return { status: r.status, body: (await r.json()) as { checks: Record<string, string> } };
    };
    await waitFor('the first poll', () => /first poll/.test(logged), 10_000);
    expect((await readyz()).status).toBe(200);

    // The articles log and the feed state become directories: every write of a cycle fails.
    const articles = path.join(dir, 'articles.jsonl');
    renameSync(articles, `${articles}.kept`);
    mkdirSync(articles);
    rmSync(path.join(dir, 'feeds.json'), { force: true });
    mkdirSync(path.join(dir, 'feeds.json'));
    server.reveal(3);
    await waitFor('a cycle that cannot record', () => /tick failed: EISDIR/.test(logged), 10_000);
    const down = await readyz();
    expect(down.status).toBe(503);
    expect(down.body.checks).toEqual({ 'poll-cycle': 'failing' });

    rmSync(articles, { recursive: true });
    renameSync(`${articles}.kept`, articles);
    rmSync(path.join(dir, 'feeds.json'), { recursive: true });
    await waitFor('ready again', async () => (await readyz()).status === 200, 10_000);
  });
});
