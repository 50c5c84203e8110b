/**
 * The configured retention applies on the BullMQ runner too: the app's Redis stores are
 * built with `retention` from the config (STORYWATCH_RETENTION_DAYS / SEEN_DAYS), not
 * the 180 / 400 days every store defaults to. Real Redis, the app as `npm start` builds it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { Redis } from 'ioredis';
import { createApp, type App } from '../../src/main.js';
import { createLogger } from '../../src/log.js';
import type { AppConfig } from '../../src/config/app-config.js';
import { PROJECT_ROOT } from '../../src/config/paths.js';
import { deleteByPrefix, TEST_REDIS_URL } from '../helpers/redis.js';

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

const DAY = 86_400_000;

function entry(id: string, at: number) {
  return {
    article: { id, title: `Item ${id}`, url: `https://example.test/${id}`, source: 'example.test', publishedAt: new Date(at).toISOString(), content: 'text' },
    feedId: 'f', processedAt: new Date(at).toISOString(),
    decision: { relevant: false, novel: false, developmentId: null, duplicateOf: null, relevance: 0, novelty: 0, summary: '', facts: [], reasons: ['off-topic'] },
  };
}

async function redisApp(retention: AppConfig['retention']): Promise<App> {
  const prefix = `sw-test-retention-${randomUUID().slice(0, 8)}`;
  const dir = mkdtempSync(path.join(tmpdir(), 'sw-retention-'));
  const config: AppConfig = {
    configFile: path.join(dir, 'config.yaml'), story: 'minerals-deal', stories: ['minerals-deal'], storiesDir: path.join(PROJECT_ROOT, 'config', 'stories'),
    dataDir: dir, pollIntervalSeconds: 60, targets: ['console'], feeds: [], redisUrl: TEST_REDIS_URL, queuePrefix: prefix, sweepSeconds: 60,
    commands: false, followUpMergeSeconds: 0, logLevel: 'info', retention,
    fetch: { connectTimeoutMs: 1000, totalTimeoutMs: 5000, maxBytes: 1 << 20, maxRedirects: 5, perHostIntervalMs: 0, perHostConcurrency: 8, allowPrivate: [] },
  };
  const app = await createApp({ config, log: createLogger({ out: new PassThrough() }), alertsOut: new PassThrough() });
  cleanups.push(async () => {
    await app.close();
    const redis = new Redis(TEST_REDIS_URL);
    await deleteByPrefix(redis, prefix);
    await redis.quit();
    rmSync(dir, { recursive: true, force: true });
  });
  return app;
}

describe('retention on the BullMQ runner', () => {
  it('sweeps what the configured window leaves out, and keeps it under the default window', async () => {
    const now = Date.now();
    for (const [retention, kept] of [[{ days: 2, seenDays: 3 }, false], [undefined, true]] as const) {
      const app = await redisApp(retention);
      // The store's clock is what it records: the second record, days later, sweeps.
      await app.store.recordArticle(entry('old', now - 5 * DAY));
      await app.store.recordArticle(entry('new', now));
      expect(await app.store.hasSeen('old')).toBe(kept);
      const ids = (await app.store.knowledgeSince(0)).entries.map((e) => e.article.id);
      expect(ids).toEqual(kept ? ['old', 'new'] : ['new']);
    }
  });
});
