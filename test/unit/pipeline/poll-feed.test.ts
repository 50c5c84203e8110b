import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { pollFeed, PAUSE_AFTER_FAILURES, type PollDeps } from '../../../src/pipeline/poll-feed.js';
import { FetchError, type FetchResult } from '../../../src/feeds/fetcher.js';
import { parseFeed } from '../../../src/feeds/parser.js';
import { createSqliteStore } from '../../../src/store/sqlite/sqlite-store.js';
import { createLogger } from '../../../src/log.js';
import { renderRss } from '../../../src/demo/fixture-server.js';

const dirs: string[] = [];
afterEach(() => {
  while (dirs.length) rmSync(dirs.pop()!, { recursive: true, force: true });
});

const feed = { id: 'wire', url: 'https://wire.example.org/feed.xml' };
const rss = renderRss('Wire', 'https://wire.example.org/', [
  { id: 'a1', title: 'Rada ratifies deal', url: 'https://wire.example.org/a1', source: 'Wire', publishedAt: '2025-05-08T10:00:00Z', content: 'Body.' },
]);

function setup(results: Array<FetchResult | Error>) {
  const dir = mkdtempSync(path.join(tmpdir(), 'sw-poll-'));
  dirs.push(dir);
  let clock = Date.parse('2025-05-08T12:00:00Z');
  const calls: string[] = [];
  const sent: Array<{ etag?: string | undefined; lastModified?: string | undefined; bodyHash?: string | undefined }> = [];
  const deps: PollDeps = {
    store: createSqliteStore({ dir, warn: () => {} }),
    log: createLogger({ out: new PassThrough() }),
    now: () => new Date(clock),
    intervalMs: 60_000,
    parse: (xml, url, identity) => parseFeed(xml, url, undefined, identity),
    fetch: async (url, prev) => {
      calls.push(url);
      sent.push({ etag: prev?.etag, lastModified: prev?.lastModified, bodyHash: prev?.bodyHash });
      const next = results.shift();
      if (!next) throw new Error('no scripted result left');
      if (next instanceof Error) throw next;
      return next;
    },
  };
  return { deps, calls, sent, advance: (ms: number) => (clock += ms) };
}

const ok: FetchResult = { kind: 'ok', finalUrl: feed.url, status: 200, body: rss, validators: { etag: '"1"' } };
const transient = () => new FetchError('HTTP 503 from wire', false);

describe('pollFeed', () => {
  it('sends the saved validators, and none when asked for the whole feed (a story newly following it)', async () => {
    const { deps, sent, advance } = setup([ok, { kind: 'not-modified', finalUrl: feed.url, status: 304 }, ok]);
    const first = await pollFeed(deps, feed);
    await deps.store.putFeedState(first.nextState!);
    advance(60_000);
    expect((await pollFeed(deps, feed)).status).toBe('not-modified');
    advance(60_000);
    expect((await pollFeed(deps, feed, { unconditional: true })).articles.map((a) => a.title)).toEqual(['Rada ratifies deal']);
    expect(sent.map((v) => v.etag)).toEqual([undefined, '"1"', undefined]);
    expect(sent[2]).toEqual({ etag: undefined, lastModified: undefined, bodyHash: undefined });
  });

  it('returns new articles with validators to save later, and skips a feed that is not due', async () => {
    const { deps, calls, advance } = setup([ok]);
    const first = await pollFeed(deps, feed);
    expect(first).toMatchObject({ status: 'new', backlog: true, nextState: { primed: true, etag: '"1"' } });
    expect(first.articles.map((a) => a.title)).toEqual(['Rada ratifies deal']);
    // Not saved yet: the runner saves after analysis.
    expect(await deps.store.getFeedState('wire')).toBeUndefined();
    await deps.store.putFeedState(first.nextState!);
    advance(30_000);
    expect((await pollFeed(deps, feed)).status).toBe('not-due');
    expect(calls).toHaveLength(1);
  });

  it('backs off exponentially, honours Retry-After, pauses after repeated failures with one notice, and says when it is back', async () => {
    const errors = Array.from({ length: PAUSE_AFTER_FAILURES }, (_, i) => (i === 1 ? new FetchError('HTTP 429', false, 600_000) : transient()));
    const { deps, advance } = setup([...errors, { kind: 'not-modified', finalUrl: feed.url, status: 304 }]);
    const waits: number[] = [];
    const notices: string[] = [];
    for (let i = 0; i < PAUSE_AFTER_FAILURES; i++) {
      const r = await pollFeed(deps, feed);
      expect(r.status).toBe('failed');
      if (r.notice) notices.push(r.notice);
      const s = (await deps.store.getFeedState('wire'))!;
      const wait = Date.parse(s.nextPollAt!) - deps.now().getTime();
      waits.push(wait);
      advance(wait);
    }
    expect(waits.slice(0, 4)).toEqual([60_000, 600_000, 240_000, 480_000]);
    expect(waits[PAUSE_AFTER_FAILURES - 1]).toBe(6 * 3600_000);
    expect(notices).toEqual([expect.stringMatching(/feed wire \(https:\/\/wire\.example\.org\/feed\.xml\) is paused: 8 failed polls in a row, last "HTTP 503 from wire".*fix or remove it/)]);
    expect(await deps.store.getFeedState('wire')).toMatchObject({ paused: true, consecutiveFailures: 8 });
    const back = await pollFeed(deps, feed);
    expect(back.notice).toMatch(/feed wire .* is back after 8 failed polls/);
    expect(back.nextState).toMatchObject({ paused: false, consecutiveFailures: 0 });
  });

  it('pauses at once on a permanent error (404, SSRF refusal) and tells the channels', async () => {
    const { deps } = setup([new FetchError('HTTP 404 from wire', true)]);
    const r = await pollFeed(deps, feed);
    expect(r.notice).toMatch(/is paused: a permanent error, last "HTTP 404 from wire"/);
    expect(await deps.store.getFeedState('wire')).toMatchObject({ paused: true, consecutiveFailures: 1 });
  });

  it('a feed whose body does not parse fails alone with a clear error', async () => {
    const { deps } = setup([{ ...ok, body: '<html>maintenance</html>' }]);
    const r = await pollFeed(deps, feed);
    expect(r).toMatchObject({ status: 'failed', error: expect.stringMatching(/not an RSS\/Atom document/) });
  });
});
