/**
 * The real Bolt app against a local fake of Slack's Web API, with slash commands
 * signed as Slack signs them. Slack itself is never reached.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { createEngine } from '../../src/analysis/engine.js';
import { loadStory } from '../../src/config/story.js';
import { createSlackAdapter, type SlackAdapter } from '../../src/chat/slack/slack-adapter.js';
import { PermanentDeliveryError, RateLimitedDeliveryError } from '../../src/chat/ports.js';
import { createSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { createSqliteChannelStore } from '../../src/store/sqlite/channel-store.js';
import { assertFetchableUrl } from '../../src/feeds/ssrf.js';
import { createLogger } from '../../src/log.js';
import type { Alert } from '../../src/domain/alert.js';
import { serve } from '../helpers/http.js';
import { sampleAlert } from '../helpers/alerts.js';
import { freePort } from '../helpers/ports.js';
import { waitFor } from '../helpers/workers.js';
import { recordCoverage } from '../helpers/coverage.js';

const SECRET = 'test-signing-secret';
interface Call { path: string; auth?: string; body: Record<string, unknown> }
const calls: Call[] = [];
let rateLimitNext = 0;
let fake: Awaited<ReturnType<typeof serve>>;
let slack: SlackAdapter;
let port = 0;
let dir = '';

function readBody(req: import('node:http').IncomingMessage): Promise<string> {
  return new Promise((r) => {
    let b = '';
    req.on('data', (c) => (b += c));
    req.on('end', () => r(b));
  });
}

beforeAll(async () => {
  fake = await serve(async (req, res) => {
    const raw = await readBody(req);
    const body = req.headers['content-type']?.includes('json') ? JSON.parse(raw || '{}') : Object.fromEntries(new URLSearchParams(raw));
    calls.push({ path: req.url!, auth: req.headers.authorization, body });
    const json = (o: unknown, status = 200, headers: Record<string, string> = {}) => res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(o));
    if (req.url === '/api/chat.postMessage') {
      if (rateLimitNext > 0) {
        rateLimitNext--;
        return json({ ok: false, error: 'ratelimited' }, 429, { 'retry-after': '1' });
      }
      if (body.channel === 'CGONE') return json({ ok: false, error: 'channel_not_found' });
      return json({ ok: true, channel: body.channel, ts: `17000000${calls.length}.000100` });
    }
    if (req.url === '/api/auth.test') return json({ ok: true, url: 'https://t1.slack.test/', team: 'T', user: 'storywatch', team_id: 'T1', user_id: 'UBOT', bot_id: 'BBOT' });
    if (req.url === '/api/users.info') return json({ ok: true, user: { id: body.user, is_admin: body.user === 'UWSADMIN', is_owner: false } });
    if (req.url?.startsWith('/respond/')) return json({ ok: true });
    json({ ok: false, error: 'unknown_method' });
  });
  dir = mkdtempSync(path.join(tmpdir(), 'sw-slack-'));
  const { story, corpus } = loadStory('minerals-deal');
  const store = createSqliteStore({ dir, warn: () => {} });
  await recordCoverage(store);
  port = await freePort();
  slack = createSlackAdapter({
    botToken: 'xoxb-test-token', signingSecret: SECRET, apiUrl: `${fake.url}/api/`, port, adminUserIds: ['UADMIN'],
    log: createLogger({ out: new PassThrough() }),
    commands: {
      store, channels: createSqliteChannelStore({ dir, warn: () => {} }),
      engine: createEngine(story, corpus), corpus, configuredFeeds: [], now: () => new Date(),
      checkFeedUrl: (u) => assertFetchableUrl(u, { allow: [] }),
    },
  });
  await slack.start();
});

afterAll(async () => {
  await slack.close();
  await fake.close();
  rmSync(dir, { recursive: true, force: true });
});

let triggers = 0;
async function slash(text: string, user = 'UMEMBER', opts: { secret?: string; ageSeconds?: number; raw?: string } = {}) {
  const n = calls.length;
  // Slack gives every invocation its own trigger_id.
  const body = opts.raw ?? new URLSearchParams({
    token: 'legacy', team_id: 'T1', channel_id: 'C1', user_id: user, command: '/storywatch', text,
    response_url: `${fake.url}/respond/${n}`, trigger_id: `trigger-${++triggers}`,
  }).toString();
  const ts = String(Math.floor(Date.now() / 1000) - (opts.ageSeconds ?? 0));
  const sig = `v0=${createHmac('sha256', opts.secret ?? SECRET).update(`v0:${ts}:${body}`).digest('hex')}`;
  const res = await fetch(`http://127.0.0.1:${port}/slack/events`, {
    method: 'POST', body,
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': ts, 'x-slack-signature': sig },
  });
  return { status: res.status, body, responses: () => calls.slice(n).filter((c) => c.path.startsWith('/respond/')) };
}

const alert: Alert = sampleAlert();

describe('Slack adapter (Bolt) against a fake Slack', () => {
  it('answers a signed slash command through response_url', async () => {
    const r = await slash('help');
    expect(r.status).toBe(200);
    await waitFor('the reply', () => r.responses().length === 1, 5000);
    expect(r.responses()[0]!.body).toMatchObject({ response_type: 'ephemeral', text: expect.stringMatching(/^storywatch tracks \*US–Ukraine rare-earth minerals deal\*\.\n`\/storywatch latest \[n\]`/) });
  });

  it('rejects a wrong signature and a stale timestamp with 401, running nothing', async () => {
    const bad = await slash('latest', 'UMEMBER', { secret: 'wrong' });
    expect(bad.status).toBe(401);
    const stale = await slash('latest', 'UMEMBER', { ageSeconds: 600 });
    expect(stale.status).toBe(401);
    await new Promise((r) => setTimeout(r, 200));
    expect([...bad.responses(), ...stale.responses()]).toEqual([]);
  });

  it('refuses config commands to non-admins; configured and workspace admins may', async () => {
    const member = await slash('watch add lithium', 'UMEMBER');
    await waitFor('the refusal', () => member.responses().length === 1, 5000);
    expect(member.responses()[0]!.body).toMatchObject({ response_type: 'ephemeral', text: expect.stringMatching(/^Only admins can change this channel's watch terms/) });
    const configured = await slash('watch add lithium', 'UADMIN');
    await waitFor('the confirmation', () => configured.responses().length === 1, 5000);
    expect(configured.responses()[0]!.body).toMatchObject({ text: 'Now watching lithium. This channel watches: lithium.' });
    const wsAdmin = await slash('watch add "joint fund"', 'UWSADMIN');
    await waitFor('the confirmation', () => wsAdmin.responses().length === 1, 5000);
    expect(wsAdmin.responses()[0]!.body).toMatchObject({ text: 'Now watching "joint fund". This channel watches: lithium, "joint fund".' });
  });

  it('a bad argument gets a clear ephemeral reply', async () => {
    const r = await slash('latest 500');
    await waitFor('the reply', () => r.responses().length === 1, 5000);
    expect(r.responses()[0]!.body).toMatchObject({ response_type: 'ephemeral', text: expect.stringMatching(/^"latest" takes a whole number from 1 to 20, got "500"/) });
  });

  it('posts alerts as Block Kit with the bot token, threads follow-ups, and hands a 429 back instead of retrying it', async () => {
    const n = calls.length;
    rateLimitNext = 1;
    // Nothing was posted: the delivery step backs the channel off for Retry-After and tries again.
    const limited = await slack.postAlert('slack:C1', alert).catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(RateLimitedDeliveryError);
    expect((limited as RateLimitedDeliveryError).retryAfterMs).toBeGreaterThanOrEqual(1000);
    const first = await slack.postAlert('slack:C1', alert);
    const follow = await slack.postAlert('slack:C1', { ...alert, id: 'dev-1:a2', headline: 'Copy of the ratification' });
    const posts = calls.slice(n).filter((c) => c.path === '/api/chat.postMessage');
    expect(posts).toHaveLength(3);
    expect(posts[0]!.auth).toBe('Bearer xoxb-test-token');
    expect(posts[1]!.body).toMatchObject({ channel: 'C1', text: 'New development: Rada ratifies minerals deal' });
    expect(JSON.parse(String(posts[1]!.body.blocks))[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: 'Rada ratifies minerals deal', emoji: false } });
    expect(posts[2]!.body.thread_ts).toBe(first.messageId);
    expect(follow.messageId).toBeDefined();
  });

  it('an unknown channel is a permanent failure, reported, not retried', async () => {
    await expect(slack.postAlert('slack:CGONE', alert)).rejects.toBeInstanceOf(PermanentDeliveryError);
    await expect(slack.postAlert('slack:CGONE', alert)).rejects.toThrow('Slack refused slack:CGONE: channel_not_found');
  });

  it('a signed request replayed within the 5-minute window is dropped', async () => {
    const first = await slash('watch add cobalt', 'UADMIN');
    await waitFor('the first reply', () => first.responses().length === 1, 5000);
    const n = calls.length;
    const replay = await slash('', 'UADMIN', { raw: first.body });
    expect(replay.status).toBe(200);
    await new Promise((r) => setTimeout(r, 300));
    expect(calls.slice(n).filter((c) => c.path.startsWith('/respond/'))).toEqual([]);
    // Run once: the term is there once, and a fresh invocation still works.
    const list = await slash('watch list');
    await waitFor('the list', () => list.responses().length === 1, 5000);
    expect(String(list.responses()[0]!.body.text).match(/cobalt/g)).toHaveLength(1);
  });

  it('feed text in alerts, notices and command replies never reaches Slack as a mention', async () => {
    const n = calls.length;
    await slack.postAlert('slack:C1', { ...alert, id: 'dev-9:a9', developmentId: 'dev-9', headline: 'Deal <!channel> signed', whatIsNew: 'Hi <@U0ADMIN> <!here>', sources: [{ name: '<!everyone>', url: 'https://x.example/a' }] });
    await slack.postNotice('slack:C1', 'feed https://x.example/<!channel> is paused');
    const posts = calls.slice(n).filter((c) => c.path === '/api/chat.postMessage');
    expect(posts).toHaveLength(2);
    for (const p of posts) {
      const mrkdwn = [String(p.body.text), ...(p.body.blocks ? (JSON.parse(String(p.body.blocks)) as Array<{ type: string; text?: { type: string; text: string }; elements?: Array<{ text: string }> }>)
        .flatMap((b) => (b.text?.type === 'mrkdwn' ? [b.text.text] : (b.elements ?? []).map((e) => e.text))) : [])];
      for (const t of mrkdwn) expect(t.replace(/<https?:\/\/[^<>]*>/g, '')).not.toMatch(/<[!@#]/);
    }
    expect(String(posts[0]!.body.text)).toBe('New development: Deal &lt;!channel&gt; signed');
    const reply = await slash('watch add <!channel>', 'UADMIN');
    await waitFor('the reply', () => reply.responses().length === 1, 5000);
    expect(String(reply.responses()[0]!.body.text)).toMatch(/Now watching &lt;!channel&gt;/);
  });

  it('a Web API that never answers fails the post within the request time limit (the alert stays with the caller)', async () => {
    const hanging = await serve(() => {});
    const stuck = createSlackAdapter({
      botToken: 'xoxb-test-token', signingSecret: SECRET, apiUrl: `${hanging.url}/api/`, port: await freePort(), adminUserIds: [],
      log: createLogger({ out: new PassThrough() }), requestTimeoutMs: 200,
      commands: undefined as never,
    });
    try {
      const started = Date.now();
      await expect(stuck.postAlert('slack:C1', alert)).rejects.toThrow();
      // Bounded: three attempts of 200 ms and short pauses, not Slack's default half hour.
      expect(Date.now() - started).toBeLessThan(10_000);
    } finally {
      await stuck.close();
      await hanging.close();
    }
  });
  it('ask answers each kind of question in one line first, only to the asker; --share posts it in the channel', async () => {
    const ask = async (q: string) => {
      const r = await slash(`ask ${q}`);
      await waitFor('the answer', () => r.responses().length === 1, 5000);
      return r.responses()[0]!.body as { response_type: string; text: string };
    };
    const when = await ask('When did parliament ratify the minerals deal?');
    expect(when.response_type).toBe('ephemeral');
    expect(when.text).toMatch(/^\*8 May 2025\* — Parliament ratifies the minerals deal\n&gt; On May 8 the Verkhovna Rada ratified .*\n— Kyiv Wire, 8 May 2025 https:\/\/news\.example\/c3/);
    expect((await ask('How many MPs supported the bill?')).text).toMatch(/^\*338 MPs\* — Parliament ratifies the minerals deal/);
    expect((await ask('How much did the DFC put into the fund?')).text).toMatch(/^\*\$75 million\* — Kyiv names its members of the fund board/);
    expect((await ask('Who are the members of the fund board?')).text).toMatch(/^\*[^*]*Oleksiy Sobolev, Yehor Perelyhin[^*]*\* — Kyiv names its members of the fund board/);
    expect((await ask('What happened between 1 and 10 May 2025?')).text).toMatch(/^2 developments dated 1 May 2025 to 10 May 2025; the latest: \*Parliament ratifies the minerals deal\* \(8 May 2025\)\.\n• 8 May 2025 — Parliament ratifies/);
    expect((await ask('What did the zebra council decide?')).text).toMatch(/^Nothing in the coverage so far answers that\. .*`\/storywatch latest`/);
    const shared = await ask('--share When did parliament ratify the minerals deal?');
    expect(shared).toEqual({ response_type: 'in_channel', text: when.text });
  });

  it('timeline lists the developments in date order, in the channel', async () => {
    const r = await slash('timeline since 2025-05-01');
    await waitFor('the timeline', () => r.responses().length === 1, 5000);
    expect(r.responses()[0]!.body).toEqual({
      response_type: 'in_channel',
      text: '2 developments dated since 1 May 2025, oldest first:\n'
        + '• 8 May 2025 — Parliament ratifies the minerals deal (1 report, 1 source) https://news.example/c3\n'
        + '• 1 September 2025 — Kyiv names its members of the fund board (1 report, 1 source) https://news.example/c4',
    });
  });
});
