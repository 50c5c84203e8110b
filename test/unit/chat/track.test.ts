/**
 * `/storywatch track` without the network: the parser's errors, the handler's replies
 * (admin-only, already tracked, a failed draft changes nothing, the channel follows the
 * new story), and lanes added while running (loaded on first ask, misses not re-read).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseCommand } from '../../../src/chat/commands/parse.js';
import { trackCommand } from '../../../src/chat/commands/track.js';
import { AppError } from '../../../src/domain/errors.js';
import { backlogFor, createLanes, type StoryLane } from '../../../src/pipeline/stories.js';
import { createSqliteChannelStore } from '../../../src/store/sqlite/channel-store.js';
import { nameFromId } from '../../../src/story/track.js';

const dirs: string[] = [];
afterEach(() => {
  while (dirs.length) rmSync(dirs.pop()!, { recursive: true, force: true });
});
const channels = () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'sw-track-unit-'));
  dirs.push(dir);
  return createSqliteChannelStore({ dir, warn: () => {} });
};

describe('parsing /storywatch track', () => {
  it('takes an id and one to eight http(s) URLs (Slack\'s <url|label> unwrapped, @date kept)', () => {
    expect(parseCommand('track boeing-strike <https://a.test/1|A> https://b.test/2@2025-03-04')).toEqual({ ok: true, command: { name: 'track', id: 'boeing-strike', urls: ['https://a.test/1', 'https://b.test/2@2025-03-04'] } });
  });

  it('says what is wrong and how to write it', () => {
    const err = (t: string) => (parseCommand(t) as { error: string }).error;
    expect(err('track')).toMatch(/^"track" needs a story id and one or more article URLs: `\/storywatch track <story-id> <url>/);
    expect(err('track Boeing https://a.test/1')).toMatch(/^"Boeing" is not a valid story id: use lower-case letters, digits and dashes/);
    expect(err('track boeing')).toMatch(/^"track boeing" needs one or more article URLs/);
    expect(err('track boeing javascript:alert(1)')).toMatch(/^"javascript:alert\(1\)" is not an http\(s\) URL/);
    expect(err(`track boeing ${Array.from({ length: 9 }, (_, i) => `https://a.test/${i}`).join(' ')}`)).toBe('"track" takes at most 8 article URLs, got 9');
    expect(err('track boeing https://a.test/1 https://a.test/1')).toBe('"track" was given the same URL twice');
  });

  it('names a story from its id', () => {
    expect(nameFromId('boeing-machinists-strike')).toBe('Boeing machinists strike');
  });
});

describe('the track handler', () => {
  const engine = { story: { id: 'minerals-deal' } };

  it('follows the new story in this channel, keeping what it followed', async () => {
    const store = channels();
    const stories = [{ id: 'minerals-deal', name: 'Minerals' }];
    const r = await trackCommand({
      channels: store, stories, engine,
      trackStory: async (id) => ({ id, name: 'Boeing strike', summary: 'seed: …\n  group party: Boeing, Boeing Co\n  minRelevance: 0.4\nwhy:\n' }),
    }, 'slack:C1', { id: 'boeing-strike', urls: ['https://a.test/1'] });
    expect(r.text).toMatch(/^Now tracking \*Boeing strike\* \(`boeing-strike`\) from 1 seed page\(s\); this channel follows it\./);
    expect(r.text).toMatch(/\n• group party: Boeing, Boeing Co\n• minRelevance: 0\.4\n/);
    expect((await store.getChannel('slack:C1')).stories).toEqual(['minerals-deal', 'boeing-strike']);
  });

  it('a failed draft says why in chat terms and changes nothing; a tracked id is pointed to follow; no trackStory, no command', async () => {
    const store = channels();
    const failing = { channels: store, stories: [{ id: 'minerals-deal', name: 'M' }], engine, trackStory: async () => {
      throw new AppError('seed "https://a.test/1" has no date', 'USAGE', 'add its date after an @: --seed https://a.test/1@2025-03-04');
    } };
    const r = await trackCommand(failing, 'slack:C1', { id: 'boeing', urls: ['https://a.test/1'] });
    expect(r.text).toBe('Could not add story `boeing`: seed "https://a.test/1" has no date. add its date after an @: https://a.test/1@2025-03-04\nNothing was changed.');
    expect((await store.getChannel('slack:C1')).stories).toBeUndefined();
    expect((await trackCommand(failing, 'slack:C1', { id: 'minerals-deal', urls: ['https://a.test/1'] })).text).toMatch(/^Story `minerals-deal` is tracked already; `\/storywatch follow minerals-deal`/);
    expect((await trackCommand({ channels: store, engine }, 'slack:C1', { id: 'x', urls: [] })).text).toMatch(/^Stories cannot be added from chat here/);
  });
});

describe('lanes added while running', () => {
  const lane = (id: string, seen: string[] = [], added?: boolean) => ({
    id, addedWhileRunning: added, store: { hasSeen: async (a: string) => seen.includes(a) },
  }) as unknown as StoryLane;

  it('a story unknown here is loaded on first ask and kept; a missing one is not looked for again at once', () => {
    const asked: string[] = [];
    const lanes = createLanes([lane('a')], (id) => {
      asked.push(id);
      return id === 'b' ? lane('b', [], true) : undefined;
    });
    expect(lanes.of({ id: 'f', url: 'https://f.test/', stories: ['a', 'b', 'gone'] }).map((l) => l.id)).toEqual(['a', 'b']);
    expect(lanes.get('b')?.addedWhileRunning).toBe(true);
    expect(lanes.get('gone')).toBeUndefined();
    expect(asked).toEqual(['b', 'gone']);
    expect(lanes.all.map((l) => l.id)).toEqual(['a', 'b']);
    lanes.add(lane('c'));
    expect(lanes.get('c')?.id).toBe('c');
  });

  it('an unprimed story added while running learns silently only what another story of the feed had seen before it was tracked', async () => {
    const old = lane('a', ['old', 'late']);
    const fresh = { ...lane('b', [], true), trackedAt: Date.parse('2026-03-01T12:00:00Z') };
    const item = (id: string, publishedAt = '2026-02-01T00:00:00Z') => ({ id, publishedAt });
    expect(await backlogFor(fresh, [old, fresh], item('old'))).toBe(true);
    expect(await backlogFor(fresh, [old, fresh], item('new'))).toBe(false);
    // Seen by the other story first (a worker that did not know the new story yet), but published after the tracking: news.
    expect(await backlogFor(fresh, [old, fresh], item('late', '2026-03-01T12:00:05Z'))).toBe(false);
    // A story tracked from the start keeps the rule it had: all of a feed it starts on is backlog.
    expect(await backlogFor(lane('c'), [old], item('new'))).toBe(true);
  });
});
