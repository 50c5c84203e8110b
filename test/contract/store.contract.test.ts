/**
 * One contract for every StateStore implementation: the SQLite store on a real file and
 * the Redis store on a real Redis server (unique key prefix per test, cleaned up).
 * Stores also sweep by themselves as the processing times they record move on (hourly);
 * the retention tests call applyRetention to say when.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { createRedisStore } from '../../src/store/redis/redis-store.js';
import type { AlertRecord, ChannelStore, ProcessedArticle, StateStore } from '../../src/store/ports.js';
import { createSqliteChannelStore } from '../../src/store/sqlite/channel-store.js';
import { createRedisChannelStore } from '../../src/store/redis/channel-store.js';
import { testRedis } from '../helpers/redis.js';

interface Backing {
  /** A store over the backing; calling again is a restart over the same data. */
  open(): StateStore;
  channels(): ChannelStore;
  cleanup(): Promise<void>;
}

const backings: Record<string, () => Promise<Backing>> = {
  sqlite: async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sw-contract-'));
    return {
      open: () => createSqliteStore({ dir, warn: () => {}, retention: RETENTION }),
      channels: () => createSqliteChannelStore({ dir, warn: () => {}, retention: RETENTION }),
      cleanup: async () => rmSync(dir, { recursive: true, force: true }),
    };
  },
  redis: async () => {
    const { redis, prefix, cleanup } = await testRedis();
    return { open: () => createRedisStore({ redis, prefix, retention: RETENTION }), channels: () => createRedisChannelStore({ redis, prefix, retention: RETENTION }), cleanup };
  },
};

const entry = (id: string, relevant = true, dev = `dev-${id}`): ProcessedArticle => ({
  article: { id, title: `t ${id}`, url: `https://x/${id}`, source: 's', publishedAt: '2025-05-01T00:00:00Z', content: 'c' },
  feedId: 'f1',
  decision: { relevant, novel: relevant, developmentId: relevant ? dev : null, duplicateOf: null, relevance: 1, novelty: 1, summary: 's', facts: [], reasons: [] },
  processedAt: '2025-05-01T00:00:00Z',
});

const at = (e: ProcessedArticle, processedAt: string): ProcessedArticle => ({ ...e, processedAt });

const alertFor = (id: string, targets = ['console', 'jsonl:/tmp/x'], createdAt = '2025-05-01T00:00:00Z'): AlertRecord => ({
  alert: {
    id: `dev-${id}:${id}`, storyId: 'minerals-deal', storyName: 'n', headline: `h ${id}`, whatIsNew: 'w', newFacts: [],
    sources: [{ name: 's', url: 'u' }], link: 'u', developmentId: `dev-${id}`, confidence: 0.9, reason: 'r', publishedAt: '',
  },
  targets,
  createdAt,
});

const followUp = (dev: string, id: string, createdAt: string): AlertRecord => {
  const a = alertFor(dev, ['console'], createdAt);
  return { ...a, alert: { ...a.alert, id: `dev-${dev}:${id}`, kind: 'follow-up' } };
};

/** 60 days of articles, seen ids for 200: short enough for the tests' dates. */
const RETENTION = { days: 60, seenDays: 200 };

for (const [name, make] of Object.entries(backings)) {
  describe(`StateStore contract: ${name}`, () => {
    let backing: Backing;
    afterEach(async () => backing?.cleanup());

    it('keeps feed state, and a restart sees it', async () => {
      backing = await make();
      const s = backing.open();
      expect(await s.getFeedState('f1')).toBeUndefined();
      await s.putFeedState({ feedId: 'f1', url: 'https://x/f', primed: true, consecutiveFailures: 2, etag: '"e"', lastError: 'boom' });
      expect(await s.getFeedState('f1')).toMatchObject({ etag: '"e"' });
      await s.close();
      expect(await backing.open().getFeedState('f1')).toEqual({ feedId: 'f1', url: 'https://x/f', primed: true, consecutiveFailures: 2, etag: '"e"', lastError: 'boom' });
    });

    it('remembers which feeds were primed apart from feed state, across restarts', async () => {
      backing = await make();
      const s = backing.open();
      expect(await s.isPrimed('https://x/f')).toBe(false);
      await s.markPrimed('https://x/f');
      await s.markPrimed('https://x/f');
      await s.close();
      const again = backing.open();
      expect(await again.isPrimed('https://x/f')).toBe(true);
      expect(await again.isPrimed('https://x/other')).toBe(false);
      expect(await again.getFeedState('f')).toBeUndefined();
    });

    it('records an article once; a second record is refused and writes nothing', async () => {
      backing = await make();
      const s = backing.open();
      expect(await s.hasSeen('a')).toBe(false);
      expect(await s.recordArticle(entry('a'), alertFor('a'))).toBe(true);
      expect(await s.recordArticle(entry('a'), alertFor('a'))).toBe(false);
      expect(await s.hasSeen('a')).toBe(true);
      expect(await s.seenEach(['b', 'a', 'b'])).toEqual([false, true, false]);
      expect(await s.seenEach([])).toEqual([]);
      expect((await s.knowledgeSince(0)).entries).toHaveLength(1);
      expect(await s.pendingDeliveries()).toHaveLength(2);
    });

    it('serves the knowledge log from a cursor, in order, across restarts', async () => {
      backing = await make();
      const s = backing.open();
      await s.recordArticle(entry('a'));
      await s.recordArticle(entry('b', false));
      const first = await s.knowledgeSince(0);
      expect(first.entries.map((e) => e.article.id)).toEqual(['a', 'b']);
      await s.recordArticle(entry('c'));
      const again = await backing.open().knowledgeSince(first.cursor);
      expect(again.entries.map((e) => e.article.id)).toEqual(['c']);
      expect((await s.knowledgeSince(again.cursor)).entries).toEqual([]);
    });

    it('pages the log with a limit, and the cursor stays put when retention trims the front', async () => {
      backing = await make();
      const s = backing.open();
      for (const id of ['a', 'b', 'c', 'd', 'e']) await s.recordArticle(at(entry(id), `2025-04-0${id.charCodeAt(0) - 96}T00:00:00Z`));
      const page1 = await s.knowledgeSince(0, 2);
      expect(page1.entries.map((e) => e.article.id)).toEqual(['a', 'b']);
      const page2 = await s.knowledgeSince(page1.cursor, 2);
      expect(page2.entries.map((e) => e.article.id)).toEqual(['c', 'd']);
      expect(await s.knowledgeCount!(page2.cursor)).toBe(1);
      // Processed April 1 to 5; a June 2 noon clock with a 60-day window keeps April 3 noon on.
      await s.applyRetention!(new Date('2025-06-02T12:00:00Z'));
      expect((await s.knowledgeSince(0)).entries.map((e) => e.article.id)).toEqual(['d', 'e']);
      expect((await s.knowledgeSince(page2.cursor)).entries.map((e) => e.article.id)).toEqual(['e']);
      expect(await s.knowledgeEnd!()).toBe((await s.knowledgeSince(page2.cursor)).cursor);
    });

    it('retention: articles and follow-ups leave, a development with a recent report stays listable, seen ids stay longer', async () => {
      backing = await make();
      const s = backing.open();
      // dev-a opened in January, reported again in April; dev-b opened in January only.
      await s.recordArticle(at(entry('a'), '2025-01-01T00:00:00Z'), alertFor('a', ['console'], '2025-01-01T00:00:00Z'));
      await s.recordArticle(at(entry('b'), '2025-01-02T00:00:00Z'), alertFor('b', ['console'], '2025-01-02T00:00:00Z'));
      await s.recordArticle(at(entry('a2', true, 'dev-a'), '2025-01-03T00:00:00Z'), followUp('a', 'a2', '2025-01-03T00:00:00Z'));
      await s.recordArticle(at(entry('a3', true, 'dev-a'), '2025-04-20T00:00:00Z'));
      // The store swept by itself as its clock moved to April; this sweep finds that done.
      await s.applyRetention!(new Date('2025-05-15T00:00:00Z'));
      expect((await s.knowledgeSince(0)).entries.map((e) => e.article.id)).toEqual(['a3']);
      expect((await s.recentAlerts(10)).map((r) => r.alert.id)).toEqual(['dev-a:a']);
      expect(await s.findDevelopmentAlert('dev-a')).toBeDefined();
      expect(await s.findDevelopmentAlert('dev-b')).toBeUndefined();
      expect(await s.getAlert('dev-a:a2')).toBeUndefined();
      expect((await s.pendingDeliveries()).map((p) => p.record.alert.id)).toEqual(['dev-a:a']);
      // Seen ids outlive the articles: the feed repeating "b" does not get it analysed again.
      expect(await s.hasSeen('b')).toBe(true);
      expect(await s.recordArticle(at(entry('b'), '2025-05-15T00:00:00Z'))).toBe(false);
      expect(await s.applyRetention!(new Date('2026-03-01T00:00:00Z'))).toMatchObject({ articles: 1, developments: 1, alerts: 1 });
      expect(await s.hasSeen('b')).toBe(false);
      expect(await s.recentAlerts(10)).toEqual([]);
    });

    it('keeps an engine snapshot per key, across restarts', async () => {
      backing = await make();
      const s = backing.open();
      expect(await s.loadSnapshot!('engine:x')).toBeUndefined();
      const data = new Uint8Array([0, 1, 2, 255, 254]);
      await s.saveSnapshot!('engine:x', { version: 'v1', cursor: 7, takenAt: '2025-05-01T00:00:00Z', data });
      await s.saveSnapshot!('engine:x', { version: 'v2', cursor: 9, takenAt: '2025-05-02T00:00:00Z', data });
      const got = await backing.open().loadSnapshot!('engine:x');
      expect(got).toMatchObject({ version: 'v2', cursor: 9, takenAt: '2025-05-02T00:00:00Z' });
      expect([...got!.data]).toEqual([...data]);
    });

    it('keeps each channel\'s watch terms and feeds apart, across restarts', async () => {
      backing = await make();
      const c = backing.channels();
      expect(await c.getChannel('slack:C1')).toEqual({ channel: 'slack:C1', watch: [], feeds: [] });
      await c.putChannel({ channel: 'slack:C1', watch: ['lithium', '"joint fund"'], feeds: [{ id: 'c-1', url: 'https://a.example/rss' }] });
      await c.putChannel({ channel: 'discord:9', watch: ['/rati(fy|fied)/'], feeds: [] });
      const again = backing.channels();
      expect(await again.getChannel('slack:C1')).toEqual({ channel: 'slack:C1', watch: ['lithium', '"joint fund"'], feeds: [{ id: 'c-1', url: 'https://a.example/rss' }] });
      expect((await again.listChannels()).map((x) => x.channel).sort()).toEqual(['discord:9', 'slack:C1']);
    });

    it('keeps mutes, pause, digest schedule and notify per channel, across restarts', async () => {
      backing = await make();
      const c = backing.channels();
      const settings = {
        channel: 'slack:C1', watch: [], feeds: [],
        mutes: [{ target: 'dev-1', until: '2026-12-01T12:00:00.000Z' }, { target: 'dev-2' }],
        paused: { until: '2026-12-02T00:00:00.000Z' },
        digest: { cadence: 'weekly' as const, weekday: 1, time: '08:00', zone: 'Europe/Kyiv', since: '2026-12-01T00:00:00.000Z' },
        notify: { mention: { kind: 'usergroup' as const, id: 'S0123' }, minConfidence: 0.8 },
      };
      await c.putChannel(settings);
      expect(await backing.channels().getChannel('slack:C1')).toEqual(settings);
      expect(await backing.channels().getChannel('slack:C2')).toEqual({ channel: 'slack:C2', watch: [], feeds: [] });
    });

    it('remembers each development\'s thread per channel, across restarts', async () => {
      backing = await make();
      const c = backing.channels();
      expect(await c.getThread('slack:C1', 'dev-1')).toBeUndefined();
      await c.putThread('slack:C1', 'dev-1', '1700000000.000100');
      await c.putThread('discord:9', 'dev-1', '555/777');
      const again = backing.channels();
      expect(await again.getThread('slack:C1', 'dev-1')).toBe('1700000000.000100');
      expect(await again.getThread('discord:9', 'dev-1')).toBe('555/777');
      expect(await again.getThread('slack:C2', 'dev-1')).toBeUndefined();
      await again.putThread('slack:C1', 'dev-1', '1700000000.000200');
      expect(await backing.channels().getThread('slack:C1', 'dev-1')).toBe('1700000000.000200');
    });

    it('knows per channel which developments it was sent, across restarts; a channel with a thread knows its development', async () => {
      backing = await make();
      const c = backing.channels();
      expect(await c.wasSent('slack:C1', 'dev-1')).toBe(false);
      await c.markSent('slack:C1', 'dev-1');
      await c.markSent('slack:C1', 'dev-1');
      const again = backing.channels();
      expect(await again.wasSent('slack:C1', 'dev-1')).toBe(true);
      expect(await again.wasSent('slack:C2', 'dev-1')).toBe(false);
      expect(await again.wasSent('slack:C1', 'dev-2')).toBe(false);
    });

    it('forgets which developments were sent where, and their threads, once last posted before the cut; by itself past the retention window', async () => {
      backing = await make();
      const c = backing.channels();
      const t0 = Date.UTC(2026, 0, 1);
      const DAY = 86_400_000;
      await c.markSent('slack:C1', 'dev-old', t0);
      await c.putThread('slack:C1', 'dev-old', 'ts-old');
      await c.markSent('slack:C1', 'dev-kept', t0);
      // Posted again later (a follow-up): the pair stays.
      await c.markSent('slack:C1', 'dev-kept', t0 + 10 * DAY);
      await c.markSent('slack:C2', 'dev-new', t0 + 10 * DAY);
      await c.putThread('slack:C2', 'dev-new', 'ts-new');
      expect(await c.forgetSentBefore(t0 + 5 * DAY)).toBe(1);
      const again = backing.channels();
      expect([await again.wasSent('slack:C1', 'dev-old'), await again.getThread('slack:C1', 'dev-old')]).toEqual([false, undefined]);
      expect([await again.wasSent('slack:C1', 'dev-kept'), await again.wasSent('slack:C2', 'dev-new'), await again.getThread('slack:C2', 'dev-new')]).toEqual([true, true, 'ts-new']);
      // A post past the retention window of the others trims them by itself.
      await again.markSent('slack:C3', 'dev-later', t0 + 10 * DAY + (RETENTION.days + 1) * DAY);
      expect([await again.wasSent('slack:C1', 'dev-kept'), await again.getThread('slack:C2', 'dev-new'), await again.wasSent('slack:C3', 'dev-later')]).toEqual([false, undefined, true]);
    });

    it('grants each digest period of a channel exactly once, also after a restart and when asked at once', async () => {
      backing = await make();
      const c = backing.channels();
      const first = await Promise.all([c.claimDigest('slack:C1', 'daily:2026-03-29'), c.claimDigest('slack:C1', 'daily:2026-03-29')]);
      expect(first.filter(Boolean)).toHaveLength(1);
      expect(await c.claimDigest('slack:C2', 'daily:2026-03-29')).toBe(true);
      expect(await backing.channels().claimDigest('slack:C1', 'daily:2026-03-29')).toBe(false);
      expect(await backing.channels().claimDigest('slack:C1', 'daily:2026-03-30')).toBe(true);
    });

    it('tracks delivery per alert and target; recent alerts come newest first', async () => {
      backing = await make();
      const s = backing.open();
      await s.recordArticle(entry('a'), alertFor('a'));
      await s.recordArticle(entry('b'), alertFor('b', ['console']));
      expect(await s.isPending('dev-a:a', 'console')).toBe(true);
      await s.markDelivered('dev-a:a', 'console');
      await s.markDelivered('dev-a:a', 'console');
      expect(await s.isPending('dev-a:a', 'console')).toBe(false);
      const restarted = backing.open();
      const pending = (await restarted.pendingDeliveries()).map((p) => `${p.record.alert.id} ${p.target}`).sort();
      expect(pending).toEqual(['dev-a:a jsonl:/tmp/x', 'dev-b:b console']);
      expect((await restarted.getAlert('dev-b:b'))?.alert.headline).toBe('h b');
      expect(await restarted.getAlert('nope')).toBeUndefined();
      expect((await restarted.recentAlerts(5)).map((r) => r.alert.id)).toEqual(['dev-b:b', 'dev-a:a']);
      expect((await restarted.recentAlerts(1)).map((r) => r.alert.id)).toEqual(['dev-b:b']);
    });

    it('records a post\'s start before it is sent (the first start counts), across restarts, until the delivery mark clears it', async () => {
      backing = await make();
      const s = backing.open();
      await s.recordArticle(entry('a'), alertFor('a', ['slack:C1', 'slack:C2']));
      expect(await s.postingSince!('dev-a:a', 'slack:C1')).toBeUndefined();
      await s.notePosting!([{ alertId: 'dev-a:a', target: 'slack:C1' }], '2025-05-01T10:00:00.000Z');
      await s.notePosting!([{ alertId: 'dev-a:a', target: 'slack:C1' }, { alertId: 'dev-a:a', target: 'slack:C2' }], '2025-05-01T10:05:00.000Z');
      const restarted = backing.open();
      expect(await restarted.postingSince!('dev-a:a', 'slack:C1')).toBe('2025-05-01T10:00:00.000Z');
      expect(await restarted.postingSince!('dev-a:a', 'slack:C2')).toBe('2025-05-01T10:05:00.000Z');
      await restarted.markDelivered('dev-a:a', 'slack:C1');
      expect(await restarted.postingSince!('dev-a:a', 'slack:C1')).toBeUndefined();
      expect(await restarted.postingSince!('dev-a:a', 'slack:C2')).toBe('2025-05-01T10:05:00.000Z');
    });
  });
}
