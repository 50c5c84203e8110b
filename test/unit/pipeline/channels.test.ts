import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { allFeeds, channelTargets, feedAudience } from '../../../src/pipeline/channels.js';
import { createFileChannelStore } from '../../../src/store/file/channel-store.js';
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
    const channels = createFileChannelStore({ dir, warn: () => {} });
    await channels.putChannel({ channel: 'slack:CLITH', watch: ['lithium'], feeds: [] });
    await channels.putChannel({ channel: 'slack:CRAT', watch: ['/rati(fy|fied)/', '"joint fund"'], feeds: [] });
    await channels.putChannel({ channel: 'discord:1', watch: [], feeds: [{ id: 'c1', url: 'https://a.example/rss' }] });
    await channels.putChannel({ channel: 'discord:2', watch: [], feeds: [] });
    const route = channelTargets(channels);
    expect((await route(alert('Rada ratified the deal'))).sort()).toEqual(['discord:1', 'slack:CRAT']);
    expect((await route(alert('Fund invests', ['event: invested in a lithium mine']))).sort()).toEqual(['discord:1', 'slack:CLITH']);
    const feeds = await allFeeds([{ id: 'cfg', url: 'https://cfg.example/rss' }, { id: 'dup', url: 'https://a.example/rss' }], channels)();
    expect(feeds.map((f) => f.id)).toEqual(['cfg', 'dup']);
    // A paused feed is announced where it was added, as well as on the configured targets.
    const audience = feedAudience(['console'], channels);
    expect(await audience('c1')).toEqual(['console', 'discord:1']);
    expect(await audience('cfg')).toEqual(['console']);
  });
});
