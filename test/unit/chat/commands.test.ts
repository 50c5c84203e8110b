import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createEngine } from '../../../src/analysis/engine.js';
import { loadStory } from '../../../src/config/story.js';
import { handleCommand, type CommandDeps } from '../../../src/chat/commands/handlers.js';
import { parseCommand, watchMatches } from '../../../src/chat/commands/parse.js';
import { analyzeArticle } from '../../../src/pipeline/analyze-article.js';
import { createSqliteStore } from '../../../src/store/sqlite/sqlite-store.js';
import { createSqliteChannelStore } from '../../../src/store/sqlite/channel-store.js';
import { assertFetchableUrl } from '../../../src/feeds/ssrf.js';
import { loadStream } from '../../../src/cli/eval.js';
import { EVAL_SYNTHETIC } from '../../helpers/paths.js';

let dir = '';
let deps: CommandDeps;
const admin = { channel: 'slack:C1', user: 'U1', isAdmin: true };
const member = { channel: 'slack:C1', user: 'U2', isAdmin: false };
const run = (text: string, ctx = admin) => handleCommand(deps, ctx, text);

beforeEach(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'sw-cmd-'));
  const { story, corpus } = loadStory('minerals-deal');
  const engine = createEngine(story, corpus);
  const store = createSqliteStore({ dir, warn: () => {} });
  let clock = Date.parse('2025-05-01T00:00:00Z');
  const now = () => new Date((clock += 3_600_000));
  for (const a of loadStream(EVAL_SYNTHETIC).articles) {
    await analyzeArticle({ engine, store, targets: ['console'], now }, a, 'wire', { silent: false });
  }
  deps = {
    store, engine, corpus, channels: createSqliteChannelStore({ dir, warn: () => {} }),
    configuredFeeds: [{ id: 'wire', url: 'https://wire.example/rss' }],
    checkFeedUrl: (url) => assertFetchableUrl(url, { allow: [] }),
    now: () => new Date('2025-08-10T00:00:00Z'),
  };
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('command parsing', () => {
  it('rejects bad arguments with a clear reason', () => {
    expect(parseCommand('latest 99')).toEqual({ ok: false, error: '"latest" takes a whole number from 1 to 20, got "99"' });
    expect(parseCommand('watch add joint fund')).toMatchObject({ ok: false, error: expect.stringMatching(/has spaces: put a phrase in double quotes/) });
    expect(parseCommand('watch add /(a)\\1/')).toMatchObject({ ok: false, error: expect.stringMatching(/refused: .*no backreferences or lookaround/) });
    expect(parseCommand('watch add /(?<=a)b/')).toMatchObject({ ok: false, error: expect.stringMatching(/refused/) });
    expect(parseCommand('watch add /([a-z/')).toMatchObject({ ok: false, error: expect.stringMatching(/refused: error parsing regexp/) });
    expect(parseCommand('feeds add ftp://x/y')).toMatchObject({ ok: false, error: '"feeds add" needs an http(s) URL' });
    expect(parseCommand('digest yesterday')).toMatchObject({ ok: false, error: expect.stringMatching(/takes a date/) });
    expect(parseCommand('frobnicate')).toEqual({ ok: false, error: 'unknown command "frobnicate"' });
  });

  it('matches watch terms as words, phrases and regexes', () => {
    expect(watchMatches({ kind: 'word', source: 'fund' }, 'The joint fund met')).toBe(true);
    expect(watchMatches({ kind: 'word', source: 'fund' }, 'refunding')).toBe(false);
    expect(watchMatches({ kind: 'phrase', source: '"joint fund"' }, 'a Joint  Fund')).toBe(true);
    expect(watchMatches({ kind: 'regex', source: '/rati(fy|fied)/' }, 'parliament ratified it')).toBe(true);
  });

  it('matches any accepted regex in linear time: catastrophic patterns finish on a long hostile headline', () => {
    // Both backtrack forever in a JS RegExp on this input; RE2 answers at once.
    for (const source of ['/(\\w+\\s?)*$/', '/(a+)+$/', '/(a|aa)*b/']) {
      const parsed = parseCommand(`watch add ${source}`);
      expect(parsed, source).toMatchObject({ ok: true, command: { term: { kind: 'regex', source } } });
      expect(watchMatches({ kind: 'regex', source }, `${'a'.repeat(5000)} ${'a'.repeat(50)}!`)).toBe(source === '/(\\w+\\s?)*$/');
    }
  });
});

describe('command handlers', () => {
  it('a bad argument gets an ephemeral error with usage', async () => {
    const r = await run('latest zero');
    expect(r.ephemeral).toBe(true);
    expect(r.text).toMatch(/^"latest" takes a whole number from 1 to 20, got "zero"\.\n\nUsage:\n`\/storywatch latest \[n\]`/);
  });

  it('latest lists the newest alerts with links', async () => {
    const r = await run('latest 2');
    expect(r.ephemeral).toBe(false);
    expect(r.text).toMatch(/^Latest 2 new development\(s\):\n1\. \*US development agency commits \$75 million to minerals fund\* — .* https:\/\/feeds\.example\.org\/eastdesk\/h08\n2\. \*US-Ukraine minerals agreement enters into force\*/);
  });

  it('latest, ask, timeline, explain, digest and status answer for the stories this channel follows, naming each once it follows several', async () => {
    const other = createSqliteStore({ dir: path.join(dir, 'nippon'), warn: () => {} });
    const at = '2025-08-09T00:00:00Z';
    const alert = { id: 'dev-n:n1', storyId: 'nippon-us-steel', storyName: 'Nippon Steel', headline: 'Nippon Steel completes its purchase of U.S. Steel', whatIsNew: 'The purchase closed.', newFacts: [], sources: [], link: 'https://wire.example/n1', developmentId: 'dev-n', confidence: 1, reason: '', publishedAt: at };
    const decision = { relevant: true, novel: true, developmentId: 'dev-n', duplicateOf: null, relevance: 1, novelty: 1, summary: '', facts: [], reasons: [] };
    await other.recordArticle({ article: { id: 'n1', title: alert.headline, url: alert.link, source: 'wire', publishedAt: at, content: '' }, feedId: 'wire', decision, processedAt: at }, { alert, targets: ['console'], createdAt: at });
    const nippon = loadStory('nippon-us-steel');
    deps = { ...deps, stories: [{ id: 'minerals-deal', name: deps.engine.story.name }, { id: 'nippon-us-steel', name: nippon.story.name }], laneOf: (id) => (id === 'nippon-us-steel' ? { store: other, corpus: nippon.corpus, story: nippon.story } : undefined) };
    // Following the default story only (the default): its alerts, unnamed.
    expect((await run('latest 3')).text).not.toMatch(/Nippon|\[/);
    await run('follow nippon-us-steel');
    const both = (await run('latest 3')).text.split('\n');
    expect(both[1]).toBe('1. [Nippon Steel] *Nippon Steel completes its purchase of U.S. Steel* — The purchase closed. https://wire.example/n1');
    expect(both.slice(2).every((l) => l.includes(`[${deps.engine.story.name}]`))).toBe(true);
    // timeline: a section per story; ask: the stories that have an answer, each named.
    const sections = (await run('timeline')).text;
    expect(sections.startsWith(`*${deps.engine.story.name}*\n`)).toBe(true);
    expect(sections).toContain(`\n\n*${nippon.story.name}*\n`);
    const asked = (await run('ask how much did the development agency commit to the fund?')).text;
    expect(asked.startsWith(`*${deps.engine.story.name}*: `)).toBe(true);
    expect(asked).toMatch(/\$75 million/);
    await run('unfollow minerals-deal');
    expect((await run('latest 3')).text).toBe('Latest 1 new development(s):\n1. *Nippon Steel completes its purchase of U.S. Steel* — The purchase closed. https://wire.example/n1');
    expect((await run('timeline')).text).not.toContain(deps.engine.story.name);
    // explain, digest and status answer for the followed story too.
    expect((await run('explain https://wire.example/n1')).text).toMatch(/^\*Nippon Steel completes its purchase of U\.S\. Steel\* was judged a new development \(alerted\)\./);
    expect((await run('digest 2025-08-01')).text).toMatch(/^1 new development\(s\) since 2025-08-01:\n• 2025-08-09 \*Nippon Steel completes/);
    expect((await run('status')).text.startsWith(`*${nippon.story.name}*: 1 feed(s), 0 failing; 0 articles known.\n`)).toBe(true);
    await run('follow minerals-deal');
    expect((await run('explain https://wire.example/n1')).text.startsWith(`[${nippon.story.name}] *Nippon Steel completes`)).toBe(true);
    expect((await run('digest 2025-08-01')).text).toContain('[Nippon Steel] *Nippon Steel completes');
    // In the order the channel followed them.
    const status = (await run('status')).text;
    expect(status.startsWith(`*${nippon.story.name}*: 0 articles known; *${deps.engine.story.name}*: `)).toBe(true);
    expect(status).toMatch(/: [1-9]\d* articles known\. 1 feed\(s\), 0 failing\.\n/);
    await other.close();
  });

  it('ask answers in one line first, privately unless --share, with quotes and their sources', async () => {
    const r = await run('ask how many lawmakers voted to ratify?');
    expect(r.ephemeral).toBe(true);
    // Either report of the 8 May ratification may head its development.
    expect(r.text).toMatch(/^\*338 lawmakers\* — (Ukraine's parliament ratifies minerals deal with Washington|Rada backs US minerals accord in 338-vote ratification), 8 May 2025\n/);
    expect(r.text).toMatch(/\n> .*338 lawmakers voting in favour.*\n— kyivwire, 8 May 2025 https:\/\/feeds\.example\.org\/kyivwire\/h01/);
    const shared = await run('ask --share how many lawmakers voted to ratify?');
    expect(shared).toEqual({ ephemeral: false, text: r.text });
  });

  it('timeline lists the developments in date order, one line each, and takes a since', async () => {
    const all = await run('timeline');
    expect(all.ephemeral).toBe(false);
    const lines = all.text.split('\n');
    expect(lines[0]).toMatch(/^\d+ developments, oldest first:$/);
    const dates = lines.slice(1).map((l) => Date.parse(/^• (\d+ \w+ \d{4}) — /.exec(l)![1]!));
    expect(dates).toEqual([...dates].sort((a, b) => a - b));
    expect(all.text).toMatch(/\n• \d+ \w+ 2025 — Ukraine's parliament ratifies minerals deal with Washington \(\d+ reports?, \d+ sources?\) https:\/\/feeds\.example\.org\/kyivwire\/h01/);
    const since = await run('timeline since 2025-05-01');
    expect(since.text).toMatch(/^\d+ developments? dated since 1 May 2025, oldest first:/);
    expect(since.text.split('\n').length).toBeLessThan(lines.length);
    expect(parseCommand('timeline someday maybe')).toMatchObject({ ok: false, error: expect.stringMatching(/^"timeline" takes a date or period/) });
  });

  it('explain says why an article was not alerted, with scores and the closest article', async () => {
    const r = await run('explain https://feeds.example.org/eastdesk/h02');
    expect(r.text).toMatch(/^\*Rada backs US minerals accord in 338-vote ratification\* was judged about the story, but not new\./);
    expect(r.text).toMatch(/closest known article: h01/);
    expect((await run('explain https://nowhere.example/x')).text).toMatch(/has not seen https:\/\/nowhere\.example\/x/);
  });

  it('config commands are admin-only; admins can add, list and remove watch terms', async () => {
    const refused = await run('watch add lithium', member);
    expect(refused).toEqual({ ephemeral: true, text: expect.stringMatching(/^Only admins can change this channel's watch terms/) });
    expect((await run('watch add "joint fund"')).text).toBe('Now watching "joint fund". This channel watches: "joint fund".');
    expect((await run('watch list', member)).text).toBe('This channel watches: "joint fund"');
    expect((await run('watch remove "joint fund"')).text).toBe('No longer watching "joint fund". This channel watches: everything.');
  });

  it('feeds add goes through the SSRF guard', async () => {
    expect((await run('feeds add http://127.0.0.1:8080/rss')).text).toMatch(/^Refused http:\/\/127\.0\.0\.1:8080\/rss: refused 127\.0\.0\.1: .*loopback/);
    expect((await run('feeds add http://169.254.169.254/latest')).text).toMatch(/^Refused .*link-local/);
    for (const ip of ['::10.0.0.1', '::ffff:0:127.0.0.1', '64:ff9b:1::a00:1', '2002:a00:1::1', '2001:0:4136:e378:8000:63bf:3fff:fdd2']) {
      expect((await run(`feeds add http://[${ip}]/rss`)).text, ip).toMatch(/^Refused .*reserved address/);
    }
    expect((await run('feeds add http://93.184.216.34/rss')).text).toMatch(/^Added http:\/\/93\.184\.216\.34\/rss\. Its first poll learns/);
    expect((await run('feeds list')).text).toBe('• http://93.184.216.34/rss\n• https://wire.example/rss (configured)');
    expect((await run('feeds add http://93.184.216.34/other', member)).text).toMatch(/^Only admins/);
  });

  it('digest and status summarise', async () => {
    expect((await run('digest 2025-01-01')).text).toMatch(/^4 new development\(s\) since 2025-01-01:\n• /);
    expect((await run('digest 2099-01-01')).text).toBe('No new developments since 2099-01-01.');
    expect((await run('status')).text).toMatch(/^\*US–Ukraine rare-earth minerals deal\*: 1 feed\(s\), 0 failing; \d+ articles known\.\nThis channel watches: everything \(no watch terms\)\n• wire — not polled yet/);
  });
});
