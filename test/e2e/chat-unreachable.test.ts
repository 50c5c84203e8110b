/**
 * A chat platform that cannot be reached at start holds back only its own targets: the
 * real `run` process polls and serves /readyz at once, names the platform and the address
 * in every line about it, retries with backoff, and /readyz says which platform is down.
 * The other platform (the local fake Slack, in Socket Mode) connects and answers as usual.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startFixtureServer } from '../../src/demo/fixture-server.js';
import { loadStream } from '../../src/cli/eval.js';
import { fakeSlack } from '../helpers/fake-slack.js';
import { BIN, EVAL_SYNTHETIC, ROOT } from '../helpers/paths.js';
import { freePort } from '../helpers/ports.js';
import { waitFor } from '../helpers/workers.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function run(env: Record<string, string>) {
  const dir = mkdtempSync(path.join(tmpdir(), 'sw-chat-down-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const feeds = await startFixtureServer(loadStream(EVAL_SYNTHETIC).articles, { initiallyVisible: 2 });
  cleanups.push(() => feeds.close());
  const port = await freePort();
  const proc = spawn(process.execPath, [BIN, 'run'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '', HOME: dir, STORYWATCH_ENV_FILE: 'off', STORYWATCH_DATA_DIR: dir, STORYWATCH_HTTP_PORT: String(port),
      STORYWATCH_FEEDS: Object.values(feeds.feedUrls).join(','), STORYWATCH_ALLOW_PRIVATE_HOSTS: '127.0.0.1', STORYWATCH_POLL_INTERVAL: '2', ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout!.on('data', (c) => (out += c));
  proc.stderr!.on('data', (c) => (out += c));
  const exited = new Promise<number | null>((r) => proc.on('exit', r));
  cleanups.push(() => proc.kill('SIGKILL'));
  const readyz = async () => {
    const r = await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined);
    return r ? { status: r.status, body: (await r.json()) as { checks: Record<string, string> } } : undefined;
  };
  return { proc, exited, output: () => out, readyz };
}

describe('a chat platform that cannot be reached', () => {
  it('Discord down, Slack up: polling, health and Slack go on; Discord retries with backoff, named, and /readyz says it is down', async () => {
    const slack = await fakeSlack();
    cleanups.push(() => slack.close());
    const deadPort = await freePort();
    const app = await run({
      SLACK_BOT_TOKEN: 'xoxb-test', SLACK_APP_TOKEN: 'xapp-1-test', SLACK_API_URL: slack.apiUrl,
      DISCORD_TOKEN: 'test-bot-token-0123456789', DISCORD_API_URL: `http://127.0.0.1:${deadPort}/api`,
    });
    await waitFor(`the first poll\n${app.output()}`, () => /first poll: all \d+ feed\(s\) answered/.test(app.output()), 15_000);
    await waitFor(`Slack to connect\n${app.output()}`, () => slack.connected(), 15_000);
    await waitFor(`a second Discord attempt\n${app.output()}`, () => /discord: .*attempt 2/.test(app.output()), 15_000);
    const r = await app.readyz();
    expect(r?.status).toBe(503);
    expect(r?.body.checks).toMatchObject({ slack: 'ok', discord: 'failing', 'poll-cycle': 'ok' });
    const discordLines = app.output().split('\n').filter((l) => /ECONNREFUSED|cannot connect/.test(l));
    expect(discordLines.length).toBeGreaterThanOrEqual(2);
    for (const l of discordLines) expect(l).toMatch(new RegExp(`discord: cannot connect to http://127\\.0\\.0\\.1:${deadPort}/api \\(attempt \\d+: .*ECONNREFUSED.*\\); retrying in \\d+ s`));
    expect(app.output()).toMatch(/attempt 1: .*retrying in 1 s[\s\S]*attempt 2: .*retrying in 2 s/);
    app.proc.kill('SIGTERM');
    expect(await app.exited).toBe(0);
  });

  it('both unreachable (Slack in Socket Mode, Discord): polling goes on, every line about them names the platform and the address', async () => {
    const slackPort = await freePort();
    const discordPort = await freePort();
    const app = await run({
      SLACK_BOT_TOKEN: 'xoxb-test', SLACK_APP_TOKEN: 'xapp-1-test', SLACK_API_URL: `http://127.0.0.1:${slackPort}/api/`,
      DISCORD_TOKEN: 'test-bot-token-0123456789', DISCORD_API_URL: `http://127.0.0.1:${discordPort}/api`,
    });
    await waitFor(`the first poll\n${app.output()}`, () => /first poll: all \d+ feed\(s\) answered/.test(app.output()), 15_000);
    await waitFor(`a failed Slack request\n${app.output()}`, () => /slack: .*fetch failed/.test(app.output()), 15_000);
    expect((await app.readyz())?.body.checks).toMatchObject({ slack: 'failing', discord: 'failing', 'poll-cycle': 'ok' });
    const failures = app.output().split('\n').filter((l) => /fetch failed|ECONNREFUSED|cannot connect/.test(l));
    expect(failures.length).toBeGreaterThanOrEqual(2);
    for (const l of failures) {
      expect(l).toMatch(new RegExp(`(slack: .*http://127\\.0\\.0\\.1:${slackPort}/api/|discord: .*http://127\\.0\\.0\\.1:${discordPort}/api)`));
    }
    app.proc.kill('SIGTERM');
    expect(await app.exited).toBe(0);
  });

  it('Slack refusing the app token is said once with what to do, not retried; polling goes on', async () => {
    const slack = await fakeSlack();
    cleanups.push(() => slack.close());
    const app = await run({ SLACK_BOT_TOKEN: 'xoxb-test', SLACK_APP_TOKEN: 'xapp-wrong', SLACK_API_URL: slack.apiUrl });
    await waitFor(`the refusal\n${app.output()}`, () => /slack: .* refused the credentials/.test(app.output()), 15_000);
    await waitFor(`the first poll\n${app.output()}`, () => /first poll: all \d+ feed\(s\) answered/.test(app.output()), 15_000);
    expect((await app.readyz())?.body.checks).toMatchObject({ slack: 'failing', 'poll-cycle': 'ok' });
    expect(app.output()).toMatch(/todo="check SLACK_BOT_TOKEN and SLACK_APP_TOKEN/);
    expect(app.output().match(/refused the credentials/g)).toHaveLength(1);
    app.proc.kill('SIGTERM');
    expect(await app.exited).toBe(0);
  });
});
