/**
 * Scheduled digests list what the channel itself would be told (issue 22, item 5): the
 * stories it follows, the developments its watch terms match, as on-demand digests do.
 * Real SQLite stores, the real Bolt client posting to a local fake Slack Web API.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { runDigests } from '../../src/pipeline/digest.js';
import { createSlackAdapter } from '../../src/chat/slack/slack-adapter.js';
import { createSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { createSqliteChannelStore } from '../../src/store/sqlite/channel-store.js';
import { createEngine } from '../../src/analysis/engine.js';
import { loadStory } from '../../src/config/story.js';
import { handleCommand, type CommandDeps } from '../../src/chat/commands/handlers.js';
import type { StateStore } from '../../src/store/ports.js';
import { createLogger } from '../../src/log.js';
import { sampleAlert } from '../helpers/alerts.js';
import { fakeSlack } from '../helpers/fake-slack.js';

const log = createLogger({ out: new PassThrough() });
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

const AT = '2026-06-01T12:00:00Z';
async function record(store: StateStore, storyId: string, storyName: string, headline: string, targets: string[]) {
  const alert = sampleAlert({ id: `dev-${storyId}:x`, storyId, storyName, developmentId: `dev-${storyId}`, headline });
  await store.recordArticle({ article: { id: `x-${storyId}`, title: headline, url: alert.link, source: 's', publishedAt: AT, content: 'c' }, feedId: 'f', processedAt: AT,
    decision: { relevant: true, novel: true, developmentId: alert.developmentId, duplicateOf: null, relevance: 1, novelty: 1, summary: '', facts: [], reasons: [] } }, { alert, targets, createdAt: AT });
}

describe('scheduled digests honour follow and watch terms (item 5)', () => {
  it('a channel that unfollowed a story, or whose watch terms do not match, does not get its developments in the scheduled digest', async () => {
    const slack = await fakeSlack();
    cleanups.push(() => slack.close());
    const dirA = mkdtempSync(path.join(tmpdir(), 'sw-aud-digest-'));
    const dirB = mkdtempSync(path.join(tmpdir(), 'sw-aud-digest-'));
    cleanups.push(() => rmSync(dirA, { recursive: true, force: true }), () => rmSync(dirB, { recursive: true, force: true }));
    const a = createSqliteStore({ dir: dirA, warn: () => {} });
    const b = createSqliteStore({ dir: dirB, warn: () => {} });
    const channels = createSqliteChannelStore({ dir: dirA, warn: () => {} });
    const digest = { cadence: 'daily' as const, time: '08:00', zone: 'UTC', since: '2026-05-01T00:00:00Z' };
    // C1 follows only the second story; C2 the default one, through a watch term.
    await channels.putChannel({ channel: 'slack:C1', watch: [], feeds: [], stories: ['nippon-us-steel'], digest });
    await channels.putChannel({ channel: 'slack:C2', watch: ['lithium'], feeds: [], digest });
    await channels.putChannel({ channel: 'slack:C3', watch: [], feeds: [], digest });
    // Both went to the configured target (console); neither went to C2 (its term matched neither).
    await record(a, 'minerals-deal', 'Minerals deal', 'Fund board meets in Kyiv', ['console', 'slack:C3']);
    await record(b, 'nippon-us-steel', 'Nippon Steel', 'Nippon Steel closes the purchase', ['console', 'slack:C1']);
    const { story, corpus } = loadStory('minerals-deal');
    const commands: CommandDeps = { store: a, channels, engine: createEngine(story, corpus), corpus, configuredFeeds: [], configuredTargets: ['console'], checkFeedUrl: async () => {}, now: () => new Date('2026-06-02T09:00:00Z'),
      stories: [{ id: 'minerals-deal', name: 'Minerals deal' }, { id: 'nippon-us-steel', name: 'Nippon Steel' }],
      laneOf: (id) => (id === 'nippon-us-steel' ? { store: b, corpus: [], story: { ...story, id, name: 'Nippon Steel' } } : undefined) };
    const adapter = createSlackAdapter({ botToken: 'xoxb-digest', signingSecret: 's', apiUrl: slack.apiUrl, port: 0, adminUserIds: [], log, commands });
    cleanups.push(() => adapter.close());
    const now = () => new Date('2026-06-02T09:00:00Z');
    await runDigests({ channels, store: a, stores: [a, b], adapters: [adapter], log, now, configuredTargets: ['console'], defaultStory: 'minerals-deal' });
    const posted = (c: string) => slack.calls.filter((p) => p.body.channel === c).map((p) => String(p.body.text));
    expect(posted('C1')).toHaveLength(1);
    expect(posted('C1')[0]).toMatch(/Nippon Steel closes the purchase/);
    expect(posted('C1')[0]).not.toMatch(/Fund board meets/);
    expect(posted('C2')).toEqual([]);
    expect(posted('C3')[0]).toMatch(/Fund board meets in Kyiv/);
    // The same as each channel's on-demand digest.
    const onDemand = async (c: string) => (await handleCommand(commands, { channel: c, user: 'U', isAdmin: false }, 'digest 7d')).text;
    expect(await onDemand('slack:C1')).not.toMatch(/Fund board meets/);
    expect(await onDemand('slack:C2')).toMatch(/^No new developments/);
  }, 20_000);
});
