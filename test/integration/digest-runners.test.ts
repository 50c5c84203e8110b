/**
 * The scheduled digest runs on both runners through the whole app: the embedded runner's
 * timer (its tick) and the BullMQ leader's round on real Redis; once per period each.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { createApp, type App } from '../../src/main.js';
import { createLogger } from '../../src/log.js';
import type { AppConfig } from '../../src/config/app-config.js';
import { sampleAlert } from '../helpers/alerts.js';
import { capture } from '../helpers/capture.js';
import { deleteByPrefix, TEST_REDIS_URL } from '../helpers/redis.js';
import { waitFor } from '../helpers/workers.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

const NOW = new Date('2026-03-29T05:05:00Z');

async function open(extra: Partial<AppConfig>): Promise<{ app: App; out: () => string; logs: () => string }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'sw-digest-app-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const config: AppConfig = {
    configFile: '(test)', story: 'minerals-deal', dataDir: dir, pollIntervalSeconds: 3600, targets: ['console'], feeds: [],
    commands: false, followUpMergeSeconds: 0, logLevel: 'info', sweepSeconds: 1,
    fetch: { connectTimeoutMs: 1000, totalTimeoutMs: 2000, maxBytes: 1 << 20, maxRedirects: 5, perHostIntervalMs: 0, perHostConcurrency: 8, allowPrivate: [] },
    ...extra,
  };
  const out = capture();
  const logs = capture();
  const app = await createApp({ config, log: createLogger({ level: 'debug', out: logs.stream }), alertsOut: out.stream, now: () => NOW });
  cleanups.push(() => app.close());
  await app.channels.putChannel({ channel: 'console', watch: [], feeds: [], digest: { cadence: 'daily', time: '08:00', zone: 'Europe/Kyiv', since: '2026-03-01T00:00:00.000Z' } });
  const alert = sampleAlert({ headline: 'Fund board meets' });
  await app.store.recordArticle({ article: { id: 'a1', title: alert.headline, url: alert.link, source: 's', publishedAt: '2026-03-28T10:00:00Z', content: 'c' }, feedId: 'f', processedAt: '2026-03-28T10:00:00Z',
    decision: { relevant: true, novel: true, developmentId: alert.developmentId, duplicateOf: null, relevance: 1, novelty: 1, summary: '', facts: [], reasons: [] } }, { alert, targets: ['console'], createdAt: '2026-03-28T10:00:00Z' });
  return { app, out: out.text, logs: logs.text };
}

const DIGEST = /storywatch notice ── 1 new development from 2026-03-28 08:00 to 2026-03-29 08:00 \(Europe\/Kyiv\): • \*Fund board meets\*/;

describe('scheduled digest on both runners', () => {
  it('embedded: the runner posts the due digest once, however many rounds run', async () => {
    const { app, out } = await open({});
    await app.runner!.tick();
    await app.runner!.tick();
    expect(out().match(new RegExp(DIGEST.source, 'g'))).toHaveLength(1);
  });

  it('BullMQ: the leader posts the due digest once; a new leader after a restart does not post it again', async () => {
    const queuePrefix = `sw-digest-${randomUUID().slice(0, 8)}`;
    const redis = new Redis(TEST_REDIS_URL);
    cleanups.push(async () => {
      await deleteByPrefix(redis, queuePrefix);
      await redis.quit();
    });
    const { app, out } = await open({ redisUrl: TEST_REDIS_URL, queuePrefix });
    await app.start();
    await waitFor('the leader\'s digest', () => DIGEST.test(out()), 20_000);
    expect(out().match(new RegExp(DIGEST.source, 'g'))).toHaveLength(1);
    await app.close();
    const next = await open({ redisUrl: TEST_REDIS_URL, queuePrefix });
    await next.app.start();
    await waitFor('the new leader\'s first round', () => /this process is now the scheduling leader/.test(next.logs()), 20_000);
    // Its first duty (schedulers, sweep, digests) runs right after it takes the lead.
    await waitFor('its first round', () => /leader round done: .*digests checked/.test(next.logs()), 5_000);
    await new Promise((r) => setTimeout(r, 1000));
    expect(next.out()).not.toMatch(DIGEST);
  });
});
