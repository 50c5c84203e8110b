/**
 * Scheduled digests on a simulated clock, across the DST changes of Europe/Kyiv
 * (29 March 2026: 03:00 -> 04:00; 25 October 2026: 04:00 -> 03:00): exactly one post per
 * period at the local time asked for, none for a period with no developments, none
 * twice after restarts or with two workers at once (real files; real Redis).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { runDigests } from '../../src/pipeline/digest.js';
import { lastSlot } from '../../src/domain/schedule.js';
import type { ChatAdapter } from '../../src/chat/ports.js';
import { createSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { createSqliteChannelStore } from '../../src/store/sqlite/channel-store.js';
import { createRedisChannelStore } from '../../src/store/redis/channel-store.js';
import type { ChannelStore, DigestSchedule, StateStore } from '../../src/store/ports.js';
import { createLogger } from '../../src/log.js';
import { sampleAlert } from '../helpers/alerts.js';
import { testRedis } from '../helpers/redis.js';

const log = createLogger({ out: new PassThrough() });
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

function capture(clock: () => Date) {
  const posts: Array<{ target: string; at: string; text: string }> = [];
  const adapter: ChatAdapter = {
    name: 'capture', handles: (t) => t.startsWith('slack:'),
    postAlert: async () => ({}), postNotice: async () => {}, close: async () => {},
    postText: async (target, text) => {
      posts.push({ target, at: clock().toISOString(), text });
    },
  };
  return { adapter, posts };
}

function files() {
  const dir = mkdtempSync(path.join(tmpdir(), 'sw-digest-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return { store: createSqliteStore({ dir, warn: () => {} }), channels: () => createSqliteChannelStore({ dir, warn: () => {} }) };
}

/** One development a day at 12:00 UTC, except on the days listed. */
async function developments(store: StateStore, from: string, days: number, quiet: string[] = []) {
  for (let i = 0; i < days; i++) {
    const at = new Date(Date.parse(`${from}T12:00:00Z`) + i * 86_400_000).toISOString();
    if (quiet.includes(at.slice(0, 10))) continue;
    const alert = sampleAlert({ id: `dev-${i}:a${i}`, developmentId: `dev-${i}`, headline: `Development of ${at.slice(0, 10)}` });
    await store.recordArticle({ article: { id: `a${i}`, title: alert.headline, url: alert.link, source: 's', publishedAt: at, content: 'c' }, feedId: 'f', processedAt: at,
      decision: { relevant: true, novel: true, developmentId: alert.developmentId, duplicateOf: null, relevance: 1, novelty: 1, summary: '', facts: [], reasons: [] } }, { alert, targets: ['slack:C1'], createdAt: at });
  }
}

const schedule = (s: Omit<DigestSchedule, 'since'>, since: string) => ({ channel: 'slack:C1', watch: [], feeds: [], digest: { ...s, since } });

/** Steps the clock every 10 minutes from `from` to `to`, skipping the `down` windows (process not running). */
async function run(from: string, to: string, step: (now: Date) => Promise<void>, down: Array<[string, string]> = []) {
  for (let t = Date.parse(from); t <= Date.parse(to); t += 10 * 60_000) {
    if (down.some(([a, b]) => t >= Date.parse(a) && t < Date.parse(b))) continue;
    await step(new Date(t));
  }
}

describe('scheduled digest on a simulated clock', () => {
  it('daily 08:00 Europe/Kyiv across the spring change: one post per period at 08:00 local, none for a quiet day, none twice after restarts', async () => {
    const { store, channels } = files();
    let now = new Date('2026-03-26T00:00:00Z');
    let ch: ChannelStore = channels();
    await ch.putChannel(schedule({ cadence: 'daily', time: '08:00', zone: 'Europe/Kyiv' }, now.toISOString()));
    await developments(store, '2026-03-26', 6, ['2026-03-30']);
    const { adapter, posts } = capture(() => now);
    let restarts = 0;
    await run('2026-03-26T00:00:00Z', '2026-04-01T00:00:00Z', async (t) => {
      now = t;
      // A restart every 6 hours: a fresh store over the same files.
      if (t.getUTCMinutes() === 0 && t.getUTCHours() % 6 === 0) {
        ch = channels();
        restarts++;
      }
      await runDigests({ channels: ch, store, adapters: [adapter], log, now: () => now, configuredTargets: [] });
    }, [['2026-03-30T04:00:00Z', '2026-03-30T09:00:00Z']]);
    expect(restarts).toBeGreaterThan(20);
    expect(posts.map((p) => [p.at, p.text.split('\n')[0]])).toEqual([
      ['2026-03-27T06:00:00.000Z', '1 new development from 2026-03-26 08:00 to 2026-03-27 08:00 (Europe/Kyiv):'],
      ['2026-03-28T06:00:00.000Z', '1 new development from 2026-03-27 08:00 to 2026-03-28 08:00 (Europe/Kyiv):'],
      // 29 March: clocks go forward at 03:00; 08:00 local is now 05:00 UTC, a 23-hour period.
      ['2026-03-29T05:00:00.000Z', '1 new development from 2026-03-28 08:00 to 2026-03-29 08:00 (Europe/Kyiv):'],
      // 30 March: the process was down at 08:00 local; it posts when it is back at 09:00 UTC.
      ['2026-03-30T09:00:00.000Z', '1 new development from 2026-03-29 08:00 to 2026-03-30 08:00 (Europe/Kyiv):'],
      // 31 March: nothing happened on the 30th, so nothing is posted.
    ]);
    expect(posts[2]!.text).toContain('Development of 2026-03-28');
  });

  it('weekly mon 08:00 Europe/Kyiv across the autumn change, with two workers on one Redis: one post per week', async () => {
    const { store } = files();
    const { redis, prefix, cleanup } = await testRedis();
    cleanups.push(cleanup);
    let now = new Date('2026-10-12T00:00:00Z');
    const workers = [createRedisChannelStore({ redis, prefix }), createRedisChannelStore({ redis, prefix })];
    await workers[0]!.putChannel(schedule({ cadence: 'weekly', weekday: 1, time: '08:00', zone: 'Europe/Kyiv' }, now.toISOString()));
    await developments(store, '2026-10-12', 21);
    const { adapter, posts } = capture(() => now);
    await run('2026-10-12T00:00:00Z', '2026-11-03T00:00:00Z', async (t) => {
      now = t;
      await Promise.all(workers.map((channels) => runDigests({ channels, store, adapters: [adapter], log, now: () => now, configuredTargets: [] })));
    });
    expect(posts.map((p) => [p.at, p.text.split('\n')[0]])).toEqual([
      ['2026-10-19T05:00:00.000Z', '7 new developments from 2026-10-12 08:00 to 2026-10-19 08:00 (Europe/Kyiv):'],
      // 25 October: clocks go back; 08:00 local on Monday 26 is 06:00 UTC, a 169-hour week.
      ['2026-10-26T06:00:00.000Z', '7 new developments from 2026-10-19 08:00 to 2026-10-26 08:00 (Europe/Kyiv):'],
      ['2026-11-02T06:00:00.000Z', '7 new developments from 2026-10-26 08:00 to 2026-11-02 08:00 (Europe/Kyiv):'],
    ]);
  });

  it('a channel\'s digest lists the developments of every story it follows, each named when there are several', async () => {
    const a = files();
    const b = files();
    const now = new Date('2026-06-02T09:00:00Z');
    const ch = a.channels();
    await ch.putChannel({ ...schedule({ cadence: 'daily', time: '08:00', zone: 'UTC' }, '2026-06-01T00:00:00Z'), channel: 'slack:C1' });
    await ch.putChannel({ ...schedule({ cadence: 'daily', time: '08:00', zone: 'UTC' }, '2026-06-01T00:00:00Z'), channel: 'slack:C2' });
    const at = '2026-06-01T12:00:00Z';
    const record = async (store: StateStore, storyId: string, storyName: string, targets: string[]) => {
      const alert = sampleAlert({ id: `dev-${storyId}:x`, storyId, storyName, developmentId: `dev-${storyId}`, headline: `News of ${storyName}` });
      await store.recordArticle({ article: { id: `x-${storyId}`, title: alert.headline, url: alert.link, source: 's', publishedAt: at, content: 'c' }, feedId: 'f', processedAt: at,
        decision: { relevant: true, novel: true, developmentId: alert.developmentId, duplicateOf: null, relevance: 1, novelty: 1, summary: '', facts: [], reasons: [] } }, { alert, targets, createdAt: at });
    };
    // C1 follows both stories; C2 only the second, which is not the default story.
    await record(a.store, 'minerals-deal', 'Minerals deal', ['slack:C1']);
    await record(b.store, 'nippon-us-steel', 'Nippon Steel', ['slack:C1', 'slack:C2']);
    const { adapter, posts } = capture(() => now);
    await runDigests({ channels: ch, store: a.store, stores: [a.store, b.store], adapters: [adapter], log, now: () => now, configuredTargets: [] });
    const text = (target: string) => posts.find((p) => p.target === target)?.text ?? '';
    expect(text('slack:C1')).toMatch(/^2 new developments from .*:\n• \[(Minerals deal|Nippon Steel)\] \*News of/);
    expect(text('slack:C1')).toContain('[Nippon Steel] *News of Nippon Steel*');
    expect(text('slack:C1')).toContain('[Minerals deal] *News of Minerals deal*');
    expect(text('slack:C2')).toMatch(/^1 new development from .*:\n• \*News of Nippon Steel\*/);
  });

  it('a time the spring change skips moves forward by the skipped hour, and a late-night time is dated by the local day', () => {
    const s = { cadence: 'daily' as const, time: '03:30', zone: 'Europe/Kyiv' };
    expect(lastSlot(s, new Date('2026-03-29T12:00:00Z')).at.toISOString()).toBe('2026-03-29T01:30:00.000Z');
    expect(lastSlot(s, new Date('2026-03-28T12:00:00Z')).at.toISOString()).toBe('2026-03-28T01:30:00.000Z');
    expect(lastSlot({ cadence: 'daily', time: '01:00', zone: 'Europe/Kyiv' }, new Date('2026-06-01T12:00:00Z')).key).toBe('daily:2026-06-01');
  });
});
