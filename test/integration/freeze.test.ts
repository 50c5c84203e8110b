/**
 * Freeze suite: the real `storywatch run` process, with one blocking cause at a time on
 * loopback (a trickling feed, a 429 host, a hanging chat API, a catastrophic watch regex,
 * a huge feed, `ask` spam, idle sockets on the health port). For each: a new development
 * on an unaffected feed is alerted within 2 poll intervals, and SIGTERM exits within 5 s.
 * Loops are bounded, nothing leaves loopback.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createHmac } from 'node:crypto';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { renderRss, startFixtureServer, type FixtureServer } from '../../src/demo/fixture-server.js';
import { loadStream } from '../../src/cli/eval.js';
import { EVAL_SYNTHETIC } from '../helpers/paths.js';
import { serve } from '../helpers/http.js';
import { freePort } from '../helpers/ports.js';
import { spawn } from 'node:child_process';
import { BIN, ROOT } from '../helpers/paths.js';
import { waitFor, type WorkerProc } from '../helpers/workers.js';

const INTERVAL_S = 3;
const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

interface Scenario {
  /** Feed URLs polled besides the good one. */
  feeds?: string[];
  env?: Record<string, string>;
  /** Runs while we wait for the alert (e.g. keeps sending commands); stopped after. */
  during?: () => () => void;
  prepare?: (dataDir: string) => void;
  /** Open-files limit of the process (to make descriptor exhaustion reachable). */
  maxFiles?: number;
}

/** `storywatch run`, optionally under `ulimit -n`; exec keeps signals going to node itself. */
function startRun(env: Record<string, string>, maxFiles?: number): WorkerProc {
  const cmd = maxFiles ? ['sh', ['-c', `ulimit -n ${maxFiles} && exec "$0" "$@"`, process.execPath, BIN, 'run']] as const : [process.execPath, [BIN, 'run']] as const;
  const proc = spawn(cmd[0], [...cmd[1]], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout!.on('data', (c) => (out += c));
  proc.stderr!.on('data', (c) => (out += c));
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (c) => resolve(c)));
  return { proc, output: () => out, exited };
}

async function goodFeed(): Promise<FixtureServer> {
  const server = await startFixtureServer(loadStream(EVAL_SYNTHETIC).articles, { initiallyVisible: 3 });
  cleanups.push(() => server.close());
  return server;
}

/** Starts the process with the good feed first, reveals a new development on it, and checks both bounds. */
async function survives(s: Scenario): Promise<WorkerProc> {
  const good = await goodFeed();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'sw-freeze-'));
  cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
  s.prepare?.(dataDir);
  const w = startRun({
    STORYWATCH_FEEDS: [good.feedUrls.kyivwire!, ...(s.feeds ?? [])].join(','), STORYWATCH_POLL_INTERVAL: String(INTERVAL_S),
    STORYWATCH_ALLOW_PRIVATE_HOSTS: '127.0.0.1', STORYWATCH_PER_HOST_INTERVAL_MS: '0', STORYWATCH_DATA_DIR: dataDir,
    STORYWATCH_TARGETS: 'console', STORYWATCH_LOG_LEVEL: 'info', STORYWATCH_FOLLOWUP_MERGE_SECONDS: '0', ...s.env,
  }, s.maxFiles);
  let exited = false;
  let code: number | null = null;
  void w.exited.then((c) => {
    exited = true;
    code = c;
  });
  cleanups.push(() => (exited ? undefined : (w.proc.kill('SIGKILL'), w.exited)));
  await waitFor('the good feed\'s first poll', () => /feed 127\.0\.0\.1-[0-9a-f]{12}: first poll, 1 existing item\(s\) learned/.test(w.output()), 30_000);
  const stop = s.during?.();
  try {
    good.reveal(1);
    await waitFor(`the new development within 2 poll intervals\n${w.output().slice(-2000)}`, () => /NEW DEVELOPMENT[\s\S]*Zelensky signs law ratifying US minerals agreement/.test(w.output()), 2 * INTERVAL_S * 1000);
  } finally {
    stop?.();
  }
  w.proc.kill('SIGTERM');
  await waitFor(`exit within 5 s of SIGTERM\n${w.output().slice(-2000)}`, () => exited, 5_000);
  // Cleanly: it closed everything in time rather than being cut off by its own watchdog.
  expect(code).toBe(0);
  expect(w.output()).toMatch(/SIGTERM received[\s\S]*stopped cleanly/);
  return w;
}

/** Sends a signed Slack slash command to the process. */
function slackCommand(port: number, secret: string, text: string, n: number, respondTo: string) {
  const body = new URLSearchParams({ team_id: 'T1', channel_id: 'C1', user_id: 'U1', command: '/storywatch', text, response_url: `${respondTo}/respond/${n}`, trigger_id: `t-${n}-${Math.random()}` }).toString();
  const ts = String(Math.floor(Date.now() / 1000));
  const sig = `v0=${createHmac('sha256', secret).update(`v0:${ts}:${body}`).digest('hex')}`;
  return fetch(`http://127.0.0.1:${port}/slack/events`, { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': ts, 'x-slack-signature': sig } }).catch(() => undefined);
}

/** A fake Slack Web API: `hang` leaves chat.postMessage unanswered. */
async function fakeSlack(hang: boolean) {
  const s = await serve((req, res) => {
    if (hang && req.url === '/api/chat.postMessage') return;
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: true, ts: '1.1', user: { is_admin: false } })));
  });
  cleanups.push(s.close);
  return s;
}

describe('freeze suite: the real process keeps alerting and stops on time', () => {
  it('a feed that trickles its headers a byte at a time', async () => {
    const timers = new Set<NodeJS.Timeout>();
    const open = new Set<net.Socket>();
    const trickler = net.createServer((sock) => {
      open.add(sock);
      sock.on('error', () => {});
      sock.write('HTTP/1.1 200 OK\r\n');
      const t = setInterval(() => (sock.destroyed ? clearInterval(t) : sock.write('X')), 500);
      timers.add(t);
    });
    await new Promise<void>((r) => trickler.listen(0, '127.0.0.1', r));
    cleanups.push(() => new Promise((r) => {
      for (const t of timers) clearInterval(t);
      for (const sock of open) sock.destroy();
      trickler.close(() => r(undefined));
    }));
    const port = (trickler.address() as AddressInfo).port;
    await survives({ feeds: [`http://127.0.0.1:${port}/slow.xml`] });
  });

  it('a host answering 429 Retry-After: 40 to one of its two feeds', async () => {
    const host = await serve((req, res) => (req.url === '/a.xml'
      ? res.writeHead(429, { 'retry-after': '40' }).end()
      : res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(renderRss('a2', 'http://a2.local/', []))));
    cleanups.push(host.close);
    await survives({ feeds: [`${host.url}/a.xml`, `${host.url}/a2.xml`] });
  });

  it('a Slack API whose chat.postMessage never answers', async () => {
    const slack = await fakeSlack(true);
    await survives({ env: { STORYWATCH_TARGETS: 'console,slack:C1', SLACK_BOT_TOKEN: 'xoxb-test', SLACK_SIGNING_SECRET: 'freeze-secret', SLACK_API_URL: `${slack.url}/api/`, SLACK_PORT: String(await freePort()), STORYWATCH_COMMANDS: 'off' } });
  });

  it('a catastrophic watch regex stored for a channel', async () => {
    await survives({
      prepare: (dir) => writeFileSync(path.join(dir, 'channels.json'), JSON.stringify([{ channel: `jsonl:${path.join(dir, 'c.jsonl')}`, watch: ['/(\\w+\\s?)*$/', '/(a|aa)*b/'], feeds: [] }])),
    });
  });

  it('a huge feed (80k on-topic items in 4.6 MB) that changes on every poll', async () => {
    let n = 0;
    // On-topic headlines, so that each item read would cost a real analysis.
    const items = Array.from({ length: 80_000 }, (_, i) => `<item><title>Ukraine, US minerals deal ${i}</title></item>`).join('');
    const host = await serve((_req, res) => res.writeHead(200, { 'content-type': 'application/rss+xml' })
      .end(`<?xml version="1.0"?><rss version="2.0"><channel><title>huge ${n++}</title>${items}</channel></rss>`));
    cleanups.push(host.close);
    await survives({ feeds: [`${host.url}/huge.xml`] });
  });

  it('a stream of ask commands over a large history', async () => {
    const slack = await fakeSlack(false);
    const port = await freePort();
    const secret = 'freeze-secret';
    let sent = 0;
    await survives({
      env: { SLACK_BOT_TOKEN: 'xoxb-test', SLACK_SIGNING_SECRET: secret, SLACK_API_URL: `${slack.url}/api/`, SLACK_PORT: String(port) },
      prepare: (dir) => writeFileSync(path.join(dir, 'articles.jsonl'), `${Array.from({ length: 15_000 }, (_, i) => JSON.stringify({ entry: {
        feedId: 'old', processedAt: '2025-01-01T00:00:00Z',
        article: { id: `old${i}`, title: `Old ${i}`, url: `https://old.example/${i}`, source: 'Old', publishedAt: '2025-01-01T00:00:00Z', content: `Archive note ${i} about shipping schedules and port logistics.` },
        decision: { relevant: true, novel: false, developmentId: null, duplicateOf: null, relevance: 1, novelty: 0, summary: '', facts: [], reasons: [] },
      } })).join('\n')}\n`),
      during: () => {
        // Bounded: at most 200 commands, 40 a second.
        const t = setInterval(() => sent < 200 && void slackCommand(port, secret, `ask what about shipping schedules ${sent}?`, sent++, slack.url), 25);
        return () => clearInterval(t);
      },
    });
    expect(sent).toBeGreaterThan(5);
  });

  it('more idle sockets on the health port than the process may open files', async () => {
    const port = await freePort();
    const socks: net.Socket[] = [];
    cleanups.push(() => socks.forEach((s) => s.destroy()));
    await survives({
      // 300 idle sockets against a limit of 256 open files: without a connection cap the
      // process could not open its state files any more, and the alert would be lost.
      maxFiles: 256,
      env: { STORYWATCH_HTTP_PORT: String(port) },
      during: () => {
        for (let i = 0; i < 300; i++) socks.push(net.connect(port, '127.0.0.1').on('error', () => {}));
        return () => {};
      },
    });
  });
});
