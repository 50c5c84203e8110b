/**
 * Issue 26 ("must show"): a burst on Discord. The embedded `storywatch run` process posts
 * to the local fake Discord, which rate-limits each channel at 5 posts per 5 s (429 with
 * retry_after beyond). Many new developments at once: none lost, none twice, never more
 * than 5 accepted posts in any 5 s, and ordinary pacing logs no WARN.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { alertNonce } from '../../src/chat/discord/discord-adapter.js';
import { startFixtureServer } from '../../src/demo/fixture-server.js';
import { generateStream } from '../../src/bench/generate.js';
import type { Alert } from '../../src/domain/alert.js';
import { DB_NAME } from '../../src/store/sqlite/database.js';
import { fakeDiscord } from '../helpers/fake-discord.js';
import { waitFor } from '../helpers/workers.js';
import { faultRows, printFaultTable, startRun, stop } from './fault-harness.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});
afterAll(() => printFaultTable());

describe('a burst of developments on Discord', () => {
  it('none lost, none twice, at most 5 posts per 5 s, no WARN for pacing', async () => {
    const discord = await fakeDiscord();
    cleanups.push(() => discord.close());
    discord.limitChannels(5, 5000);
    const backlog = 20;
    const articles = generateStream(240, 7).map((a, i) => ({ ...a, source: `feed${i % 4}` }));
    const feeds = await startFixtureServer(articles, { initiallyVisible: backlog });
    cleanups.push(() => feeds.close());
    const dir = mkdtempSync(path.join(tmpdir(), 'sw-discord-burst-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const w = startRun({
      STORYWATCH_DATA_DIR: dir, STORYWATCH_FEEDS: Object.values(feeds.feedUrls).join(','), STORYWATCH_ALLOW_PRIVATE_HOSTS: '127.0.0.1',
      STORYWATCH_PER_HOST_INTERVAL_MS: '0', STORYWATCH_POLL_INTERVAL: '1', STORYWATCH_TARGETS: 'discord:3000', STORYWATCH_FOLLOWUP_MERGE_SECONDS: '0',
      STORYWATCH_LOG_LEVEL: 'info', STORYWATCH_COMMANDS: 'off', DISCORD_TOKEN: 'discord-burst-test-token-0000', DISCORD_API_URL: discord.apiUrl,
    });
    cleanups.push(() => stop(w, 'SIGKILL'));
    const db = () => new Database(path.join(dir, DB_NAME), { readonly: true, fileMustExist: true });
    const query = <T>(sql: string, fallback: T): T => {
      try {
        const d = db();
        try {
          return d.prepare(sql).all() as T;
        } finally {
          d.close();
        }
      } catch {
        return fallback;
      }
    };
    const seen = () => query<Array<{ n: number }>>('SELECT count(*) AS n FROM seen', [{ n: 0 }])[0]!.n;
    await waitFor('the backlog', () => seen() >= backlog, 30_000);
    const t0 = Date.now();
    feeds.reveal(articles.length);
    await waitFor('all articles', () => seen() === articles.length, 60_000);
    const pending = () => query<Array<{ n: number }>>('SELECT count(*) AS n FROM deliveries WHERE delivered_at IS NULL', [{ n: 1 }])[0]!.n;
    await waitFor('every delivery done', () => pending() === 0, 120_000, 250).catch((err: Error) => {
      throw new Error(`${err.message}\n${w.output().slice(-3000)}`);
    });
    const secs = Math.round((Date.now() - t0) / 1000);
    const alerts = query<Array<{ record: string; follow_up: number }>>('SELECT record, follow_up FROM alerts', []).map((r) => JSON.parse(r.record) as { alert: Alert });
    const developments = alerts.filter((a) => a.alert.kind !== 'follow-up');
    // Developments go one by one, so each one's nonce is known; Discord holds one message per nonce.
    const stored = discord.stored();
    const byNonce = new Map<string, number>();
    for (const m of stored) if (m.nonce) byNonce.set(m.nonce, (byNonce.get(m.nonce) ?? 0) + 1);
    const lost = developments.filter((a) => !byNonce.has(alertNonce('discord:3000', a.alert))).length;
    const embeds = stored.filter((m) => m.embeds.length);
    const twice = embeds.length - new Set(embeds.map((m) => JSON.stringify(m.embeds))).size;
    // Discord's buckets are per channel (a thread is a channel of its own).
    const perChannel = [...discord.accepted.values()].map((ts) => [...ts].sort((a, b) => a - b));
    const maxIn5s = Math.max(...perChannel.map((ts) => Math.max(...ts.map((t, i) => ts.filter((u, j) => j >= i && u < t + 5000).length))));
    const limited = discord.calls.filter((c) => c.method === 'POST' && /\/messages$/.test(c.path)).length - perChannel.flat().length;
    const warns = w.output().split('\n').filter((l) => / WARN /.test(l) && /deliver|burst|paced|rate/.test(l));
    await stop(w);
    faultRows.push({
      runner: 'embedded',
      faults: `Discord burst: ${developments.length} developments + ${alerts.length - developments.length} follow-ups at once, 5 posts/5 s per channel (${limited}×429), delivered in ${secs} s, max ${maxIn5s} posts in 5 s, ${warns.length} WARN`,
      tally: { expected: developments.length, delivered: developments.length - lost, missing: [], unexpected: [], duplicates: twice },
    });
    expect(developments.length).toBeGreaterThanOrEqual(30);
    expect(lost).toBe(0);
    expect(twice).toBe(0);
    expect(maxIn5s).toBeLessThanOrEqual(5);
    expect(warns).toEqual([]);
  });
});
