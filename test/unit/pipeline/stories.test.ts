/**
 * Many stories: channels follow stories (stories / follow / unfollow, admins only), alerts
 * reach only channels following their story, feeds name tracked stories, per-host
 * politeness rules, and one fetch per URL within the poll interval.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { muteCommand } from '../../../src/chat/commands/mute.js';
import { storiesCommand } from '../../../src/chat/commands/stories.js';
import { loadConfig } from '../../../src/config/app-config.js';
import type { Alert } from '../../../src/domain/alert.js';
import type { FetchResult, Validators } from '../../../src/feeds/fetcher.js';
import { createHostLimiter } from '../../../src/feeds/politeness.js';
import { shareFetches } from '../../../src/feeds/shared-fetch.js';
import { channelGate } from '../../../src/pipeline/channel-policy.js';
import { alertAudience } from '../../../src/pipeline/channels.js';
import { createSqliteChannelStore } from '../../../src/store/sqlite/channel-store.js';

const dirs: string[] = [];
afterEach(() => {
  while (dirs.length) rmSync(dirs.pop()!, { recursive: true, force: true });
});
const tmp = () => {
  const d = mkdtempSync(path.join(tmpdir(), 'sw-stories-unit-'));
  dirs.push(d);
  return d;
};

const STORIES = [{ id: 'minerals-deal', name: 'Minerals deal' }, { id: 'nippon-us-steel', name: 'Nippon Steel' }];
const alertOf = (storyId: string) => ({ id: 'a', storyId, storyName: storyId, headline: 'h', whatIsNew: '', newFacts: [], sources: [], link: '', developmentId: 'd', confidence: 1, reason: '', publishedAt: '' }) as Alert;

describe('channels and stories', () => {
  it('lists the stories; only admins follow and unfollow; a channel keeps at least one', async () => {
    const channels = createSqliteChannelStore({ dir: tmp(), warn: () => {} });
    const deps = { channels, stories: STORIES };
    const admin = { channel: 'slack:C1', isAdmin: true };
    expect((await storiesCommand(deps, admin, 'stories'))!.text).toMatch(/`minerals-deal` — Minerals deal \(followed here\)\n• `nippon-us-steel` — Nippon Steel\n/);
    expect((await storiesCommand(deps, { ...admin, isAdmin: false }, 'follow nippon-us-steel'))!.text).toMatch(/Only admins/);
    expect((await storiesCommand(deps, admin, 'follow no-such'))!.text).toMatch(/no story "no-such" is tracked here\. Known: `minerals-deal`, `nippon-us-steel`/);
    expect((await storiesCommand(deps, admin, 'follow nippon-us-steel'))!.text).toBe('Now following Nippon Steel. This channel follows: Minerals deal, Nippon Steel.');
    expect((await storiesCommand(deps, admin, 'unfollow minerals-deal'))!.text).toBe('No longer following Minerals deal. This channel follows: Nippon Steel.');
    expect((await storiesCommand(deps, admin, 'unfollow nippon-us-steel'))!.text).toMatch(/only story this channel follows/);
    expect((await channels.getChannel('slack:C1')).stories).toEqual(['nippon-us-steel']);
    // Another channel's settings are untouched.
    expect((await channels.getChannel('slack:C2')).stories).toBeUndefined();
    expect(await storiesCommand(deps, admin, 'latest 3')).toBeUndefined();
  });

  it('an alert reaches the chat channels following its story; console and files hear every story', async () => {
    const channels = createSqliteChannelStore({ dir: tmp(), warn: () => {} });
    await channels.putChannel({ channel: 'slack:C2', watch: [], feeds: [], stories: ['nippon-us-steel'] });
    const audience = alertAudience([{ id: 'f', url: 'https://x.test/rss' }], ['console', 'slack:C1', 'slack:C2'], channels, 'minerals-deal');
    expect(await audience(alertOf('minerals-deal'), 'f')).toEqual(['console', 'slack:C1']);
    expect(await audience(alertOf('nippon-us-steel'), 'f')).toEqual(['console', 'slack:C2']);
  });
});

describe('muting a story', () => {
  it('a story\'s id mutes that story\'s alerts in the channel, never another story\'s; a typo is refused', async () => {
    const channels = createSqliteChannelStore({ dir: tmp(), warn: () => {} });
    const now = () => new Date('2026-12-01T12:00:00Z');
    const deps = { channels, now, storyId: 'minerals-deal', storyIds: STORIES.map((s) => s.id), knownDevelopment: (id: string) => id === 'dev-n' };
    const muted = await muteCommand(deps, 'slack:C1', { name: 'mute', target: 'nippon-us-steel' });
    expect(muted.text).toMatch(/^Muted the story nippon-us-steel \(every alert\)/);
    expect((await muteCommand(deps, 'slack:C1', { name: 'mute', target: 'dev-typo' })).text).toMatch(/No development dev-typo is known\. .*a story's id \(minerals-deal, nippon-us-steel\)/);
    const gate = channelGate(channels, 'minerals-deal', now);
    expect(await gate('slack:C1', alertOf('nippon-us-steel'))).toEqual({ skip: 'nippon-us-steel is muted in slack:C1' });
    expect((await gate('slack:C1', alertOf('minerals-deal'))).skip).toBeUndefined();
    // Muting the default story ("story") holds back its alerts only.
    await muteCommand(deps, 'slack:C2', { name: 'mute', target: 'story' });
    expect(await gate('slack:C2', alertOf('minerals-deal'))).toEqual({ skip: 'minerals-deal is muted in slack:C2' });
    expect((await gate('slack:C2', alertOf('nippon-us-steel'))).skip).toBeUndefined();
  });
});

describe('configuration of stories and hosts', () => {
  it('tracks every story folder by default, the default story first; a feed naming an untracked story is an error', () => {
    const d = tmp();
    const file = path.join(d, 'c.yaml');
    writeFileSync(file, 'feeds:\n  - { id: a, url: "https://a.test/rss", stories: [nippon-us-steel] }\n');
    const cfg = loadConfig({ STORYWATCH_CONFIG: file, STORYWATCH_STORY: 'nippon-us-steel' });
    expect(cfg.stories).toEqual(['nippon-us-steel', 'minerals-deal']);
    writeFileSync(file, 'stories: [minerals-deal]\nfeeds:\n  - { id: a, url: "https://a.test/rss", stories: [nippon-us-steel] }\n');
    expect(() => loadConfig({ STORYWATCH_CONFIG: file })).toThrow(/feed "a" names story "nippon-us-steel", which is not tracked/);
    expect(loadConfig({ STORYWATCH_CONFIG: file, STORYWATCH_STORIES: 'all' }).stories).toEqual(['minerals-deal', 'nippon-us-steel']);
  });

  it('a host rule overrides the default pace for that host only', async () => {
    let t = 0;
    const limiter = createHostLimiter({ minIntervalMs: 1000, maxConcurrent: 1, maxWaitMs: 0, now: () => t, perHost: { 'news.google.com': { intervalMs: 0, concurrency: 4 } } });
    // Google News: four at once, back to back; any other host: one, then "busy".
    const gate = new Promise<void>((r) => setTimeout(r, 5));
    await Promise.all(Array.from({ length: 4 }, () => limiter.run('news.google.com', () => gate)));
    await limiter.run('example.test', async () => undefined);
    await expect(limiter.run('example.test', async () => undefined)).rejects.toThrow(/busy or asked us to wait/);
    t += 1000;
    await limiter.run('example.test', async () => undefined);
  });

  it('feeds sharing a URL share one fetch within the window; a 304 only answers the same validators', async () => {
    let t = 0;
    const calls: Validators[] = [];
    const ok: FetchResult = { kind: 'ok', body: '<rss/>', finalUrl: 'u', status: 200, validators: { etag: '"1"' } };
    const shared = shareFetches(async (_u, prev) => {
      calls.push(prev);
      return prev.etag ? { kind: 'not-modified', finalUrl: 'u', status: 304 } : ok;
    }, 300_000, { now: () => t });
    expect(await shared('https://a.test/rss', {})).toBe(ok);
    expect(await shared('https://a.test/rss', {})).toBe(ok);
    expect(calls).toHaveLength(1);
    t += 300_000;
    expect((await shared('https://a.test/rss', { etag: '"1"' })).kind).toBe('not-modified');
    // A feed that never saw the body must not be told "not modified".
    expect((await shared('https://a.test/rss', {})).kind).toBe('ok');
    expect(calls).toHaveLength(3);
  });
});
