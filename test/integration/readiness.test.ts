/**
 * /readyz is ready only while poll cycles can record their results (issue 11, item 13):
 * a database that refuses writes mid-run makes it 503, and it recovers by itself.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import Database from 'better-sqlite3';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { createApp } from '../../src/main.js';
import { createLogger } from '../../src/log.js';
import { DB_NAME } from '../../src/store/sqlite/database.js';
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

    // Another process holds the database's write lock (a sqlite3 shell left in a
    // transaction): every write of a cycle fails once the busy timeout runs out.
    const other = new Database(path.join(dir, DB_NAME));
    cleanups.push(() => other.close());
    other.exec('BEGIN EXCLUSIVE');
    server.reveal(3);
    await waitFor('a cycle that cannot record', () => /tick failed: database is locked/.test(logged), 20_000);
    const down = await readyz();
    expect(down.status).toBe(503);
    expect(down.body.checks).toEqual({ 'poll-cycle': 'failing' });

    other.exec('COMMIT');
    await waitFor('ready again', async () => (await readyz()).status === 200, 20_000);
  });
});
