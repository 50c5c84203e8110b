/**
 * Knowledge is per audience (issue 22): a development is new to a channel until that
 * channel has been sent it, whatever other channels saw; watch terms filter a configured
 * target too; what a channel is told never names another channel's private article.
 * The real app (embedded runner, SQLite store) posting through the real Bolt client to
 * a local fake Slack Web API, against a local fixture feed server.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ChannelSettings } from '../../src/store/ports.js';
import { audienceWorld } from '../helpers/audience.js';

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});
const world = (channels: ChannelSettings[]) => audienceWorld(cleanups, channels);

const C2_PRIVATE: ChannelSettings = { channel: 'slack:C2', watch: [], feeds: [{ id: 'x', url: 'eastdesk' }] };

describe('a development is new to each channel until that channel is sent it', () => {
  it('item 1: a public report of an event first seen in another channel\'s private feed opens the development in the configured channel', async () => {
    const { app, server, asC, posts } = await world([C2_PRIVATE]);
    await app.runner!.tick();
    server.reveal(1); // h08 on eastdesk: C2's private feed
    await app.runner!.tick();
    expect(posts('C2')).toHaveLength(1);
    expect(posts('C1')).toEqual([]);
    server.reveal(1); // h09 on globalpost, the same event: C1's first report of it
    await app.runner!.tick();
    const c1 = posts('C1');
    expect(c1).toHaveLength(1);
    // A new-development post (not "Also reported", not in a thread), with the public article only.
    expect(c1[0]!.thread).toBeUndefined();
    expect(c1[0]!.text).not.toMatch(/^Also reported/);
    expect(c1[0]!.text).toMatch(/DFC puts \$75m/);
    expect(c1[0]!.text).not.toMatch(/US development agency commits/);
    // C2 knew it already: a follow-up in its thread.
    expect(posts('C2')[1]).toMatchObject({ thread: expect.any(String), text: expect.stringMatching(/^Also reported/) });
    // C1's `latest` now lists it, from the report C1 may see.
    expect((await asC('slack:C1', 'latest')).text).toMatch(/DFC puts \$75m/);
    expect((await asC('slack:C1', 'latest')).text).not.toMatch(/US development agency commits/);
  }, 20_000);

  it('item 1: a channel paused when the development opened gets its next report as the development once it resumes', async () => {
    const { app, server, asC, posts, config } = await world([]);
    config.feeds.push({ id: 'eastdesk', url: server.feedUrls.eastdesk! });
    await app.runner!.tick();
    expect((await asC('slack:C1', 'pause')).text).toMatch(/paus/i);
    server.reveal(1); // h08 on eastdesk opens the development while C1 is paused
    await app.runner!.tick();
    expect(posts('C1')).toEqual([]);
    expect((await asC('slack:C1', 'resume')).text).toMatch(/resum/i);
    server.reveal(1); // h09: C1's first report of it
    await app.runner!.tick();
    expect(posts('C1')).toHaveLength(1);
    expect(posts('C1')[0]!.thread).toBeUndefined();
    expect(posts('C1')[0]!.text).not.toMatch(/^Also reported/);
  }, 20_000);

  it('item 1: a channel that starts following the story gets its next report of a development as the development', async () => {
    const { app, server, asC, posts, config } = await audienceWorld(cleanups, [{ channel: 'slack:C1', watch: [], feeds: [], stories: ['nippon-us-steel'] }], { stories: ['minerals-deal', 'nippon-us-steel'] });
    config.feeds.push({ id: 'eastdesk', url: server.feedUrls.eastdesk! });
    await app.runner!.tick();
    server.reveal(1); // h08 on eastdesk opens a minerals development; C1 follows only the steel story
    await app.runner!.tick();
    expect(posts('C1')).toEqual([]);
    expect((await asC('slack:C1', 'follow minerals-deal')).text).toMatch(/follow/i);
    server.reveal(1); // h09: C1's first report of it
    await app.runner!.tick();
    expect(posts('C1')).toHaveLength(1);
    expect(posts('C1')[0]!.thread).toBeUndefined();
    expect(posts('C1')[0]!.text).toMatch(/^New development: DFC puts/);
  }, 20_000);

  it('item 4: watch terms filter what a configured target channel gets; new terms open a development there', async () => {
    const { app, server, asC, posts, config } = await world([{ channel: 'slack:C1', watch: ['lithium'], feeds: [] }]);
    config.feeds.push({ id: 'eastdesk', url: server.feedUrls.eastdesk! });
    await app.runner!.tick();
    server.reveal(1); // h08 on eastdesk: $75m for the minerals fund, no lithium
    await app.runner!.tick();
    expect(posts('C1')).toEqual([]);
    // Still public: a channel with no terms sees it in `latest`; C1's terms keep it out of C1's.
    expect((await asC('slack:C3', 'latest')).text).toMatch(/US development agency commits/);
    expect((await asC('slack:C1', 'latest')).text).not.toMatch(/US development agency commits/);
    expect((await asC('slack:C1', 'watch add DFC')).text).toMatch(/Now watching DFC/);
    server.reveal(1); // h09: "DFC puts $75m into US-Ukraine reconstruction fund", C1's first report of it
    await app.runner!.tick();
    expect(posts('C1')).toHaveLength(1);
    expect(posts('C1')[0]!.thread).toBeUndefined();
    expect(posts('C1')[0]!.text).toMatch(/^New development: DFC puts/);
  }, 20_000);
});

describe('what one channel learns about another (item 6)', () => {
  it('mute <id> in C1 answers for an id known only from C2\'s private feed as for an unknown id', async () => {
    const { app, server, slack, asC } = await world([C2_PRIVATE]);
    await app.runner!.tick();
    server.reveal(1); // h08 on C2's private eastdesk
    await app.runner!.tick();
    const devId = /development `(dev-[0-9a-f]+)`/.exec(JSON.stringify(slack.posts()[0]!.body.blocks))![1]!;
    // An id known only from C2's private feed: the same answer in C1 as an id nobody knows.
    const unknown = (await asC('slack:C1', 'mute dev-00000000')).text;
    expect((await asC('slack:C1', `mute ${devId}`)).text).toBe(unknown.replace('dev-00000000', devId));
    expect((await asC('slack:C2', `mute ${devId}`)).text).not.toMatch(/No development/);
  }, 20_000);

  it('explain of a public article in C1, and what C1 is posted, never quote C2\'s private headline or outlet', async () => {
    const { app, server, slack, asC, posts } = await world([C2_PRIVATE]);
    await app.runner!.tick();
    server.reveal(1); // h08 on C2's private eastdesk
    await app.runner!.tick();
    server.reveal(1); // h09 on public globalpost, the same event
    await app.runner!.tick();
    const h09 = 'https://feeds.example.org/globalpost/h09';
    const c1 = (await asC('slack:C1', `explain ${h09}`)).text;
    expect(c1).toMatch(/DFC puts \$75m/);
    expect(c1).not.toMatch(/US development agency commits|eastdesk|\bh08\b/);
    // C2 may be told: the article is its own.
    expect((await asC('slack:C2', `explain ${h09}`)).text).toMatch(/US development agency commits/);
    // What was posted to C1 names nothing of C2's feed either.
    const c1Posts = slack.posts().filter((p) => p.body.channel === 'C1').map((p) => JSON.stringify(p.body));
    expect(c1Posts).toHaveLength(1);
    expect(c1Posts[0]).not.toMatch(/US development agency commits|eastdesk/);
    expect(posts('C1')[0]!.text).toMatch(/DFC/);
  }, 20_000);
});
