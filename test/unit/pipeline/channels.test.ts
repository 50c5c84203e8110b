import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { alertAudience, allFeeds, channelFeedId, channelTargets, feedAudience } from '../../../src/pipeline/channels.js';
import { createSqliteChannelStore } from '../../../src/store/sqlite/channel-store.js';
import type { Alert } from '../../../src/domain/alert.js';

const dirs: string[] = [];
afterEach(() => {
  while (dirs.length) rmSync(dirs.pop()!, { recursive: true, force: true });
});

const alert = (headline: string, facts: string[] = []): Alert => ({
  id: 'd:a', storyId: 's', storyName: 'n', headline, whatIsNew: '', newFacts: facts, sources: [], link: '', developmentId: 'd', confidence: 1, reason: '', publishedAt: '',
});

describe('channel routing', () => {
  it('sends an alert to channels whose watch terms match, and to channels with feeds but no terms', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sw-ch-'));
    dirs.push(dir);
    const channels = createSqliteChannelStore({ dir, warn: () => {} });
    await channels.putChannel({ channel: 'slack:CLITH', watch: ['lithium'], feeds: [] });
    await channels.putChannel({ channel: 'slack:CRAT', watch: ['/rati(fy|fied)/', '"joint fund"'], feeds: [] });
    await channels.putChannel({ channel: 'discord:1', watch: [], feeds: [{ id: 'c1', url: 'https://a.example/rss' }] });
    await channels.putChannel({ channel: 'discord:2', watch: [], feeds: [] });
    const route = channelTargets(channels);
    expect((await route(alert('Rada ratified the deal'))).sort()).toEqual(['discord:1', 'slack:CRAT']);
    expect((await route(alert('Fund invests', ['event: invested in a lithium mine']))).sort()).toEqual(['discord:1', 'slack:CLITH']);
    const configured = [{ id: 'cfg', url: 'https://cfg.example/rss' }, { id: 'other', url: 'https://b.example/rss' }];
    // Each channel polls its own feed with its own state, whatever id it stored.
    const own = channelFeedId('discord:1', 'https://a.example/rss');
    const feeds = await allFeeds(configured, channels)();
    expect(feeds.map((f) => f.id)).toEqual(['cfg', 'other', own]);
    // A channel's feed is announced only where it was added; a configured one on the targets too.
    const audience = feedAudience(['console'], channels, configured);
    expect(await audience(own)).toEqual(['discord:1']);
    expect(await audience('cfg')).toEqual(['console']);
    expect(await audience('other')).toEqual(['console']);
    // A channel that adds a configured URL hears about it as well.
    await channels.putChannel({ channel: 'discord:3', watch: ['nothing-matches'], feeds: [{ id: 'x', url: 'https://b.example/rss' }] });
    expect(await audience('other')).toEqual(['console', 'discord:3']);
    // Alerts: a channel feed's go to its owners only; a configured feed's to targets and subscribers.
    const alerts = alertAudience(configured, ['console'], channels);
    expect(await alerts(alert('Rada ratified the deal'), own)).toEqual(['discord:1']);
    expect((await alerts(alert('Rada ratified the deal'), 'cfg')).sort()).toEqual(['console', 'discord:1', 'slack:CRAT']);
  });
});
