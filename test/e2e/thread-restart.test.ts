/**
 * Threads survive a restart of the process: a real `storywatch run` posts a development
 * to Slack and Discord (local fakes), is stopped (SIGTERM) and started again on the same
 * data directory; the follow-up it then finds goes into the same Slack thread and the
 * same Discord message's thread.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startFixtureServer } from '../../src/demo/fixture-server.js';
import { loadStream } from '../../src/cli/eval.js';
import { fakeDiscord } from '../helpers/fake-discord.js';
import { fakeSlack } from '../helpers/fake-slack.js';
import { EVAL_SYNTHETIC } from '../helpers/paths.js';
import { startWorker, waitFor, type WorkerProc } from '../helpers/workers.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

describe('a development\'s thread across a process restart', () => {
  it('alert -> restart the process -> the follow-up lands in the same thread on both platforms', async () => {
    const slack = await fakeSlack();
    const discord = await fakeDiscord();
    cleanups.push(() => slack.close(), () => discord.close());
    // h01..h07 are the backlog (learned silently); h08 opens a development, h09 reports it again.
    const server = await startFixtureServer(loadStream(EVAL_SYNTHETIC).articles, { initiallyVisible: 7 });
    cleanups.push(() => server.close());
    const dir = mkdtempSync(path.join(tmpdir(), 'sw-thread-restart-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const env = {
      STORYWATCH_DATA_DIR: dir, STORYWATCH_FEEDS: Object.values(server.feedUrls).join(','), STORYWATCH_ALLOW_PRIVATE_HOSTS: '127.0.0.1',
      STORYWATCH_POLL_INTERVAL: '1', STORYWATCH_PER_HOST_INTERVAL_MS: '0', STORYWATCH_FOLLOWUP_MERGE_SECONDS: '0', STORYWATCH_COMMANDS: 'off',
      STORYWATCH_TARGETS: 'slack:C1,discord:3000', SLACK_BOT_TOKEN: 'xoxb-restart-test', SLACK_SIGNING_SECRET: 'restart-test-secret', SLACK_API_URL: slack.apiUrl,
      DISCORD_TOKEN: 'discord-restart-test-token-0000', DISCORD_API_URL: discord.apiUrl, STORYWATCH_CONFIG: '', REDIS_URL: '',
    };
    const start = () => {
      const w = startWorker(env);
      cleanups.push(() => stop(w));
      return w;
    };
    const stop = async (w: WorkerProc) => {
      if (w.proc.exitCode === null) w.proc.kill('SIGTERM');
      await w.exited;
    };

    const first = start();
    await waitFor('the backlog to be learned', () => /first poll/.test(first.output()), 30_000);
    server.reveal(1);
    await waitFor('the alert on both platforms', () => slack.posts().length === 1 && discord.posts('3000').length === 1, 30_000);
    await stop(first);
    expect(first.output()).not.toMatch(/ERROR/);
    const slackTs = slack.messages[0]!.ts;
    expect(slack.posts()[0]!.body.thread_ts).toBeUndefined();
    const discordMessage = (discord.calls.find((c) => c.path === '/api/v10/channels/3000/messages' && c.method === 'POST')!);
    expect(discordMessage).toBeDefined();

    const second = start();
    await waitFor('the second process to poll', () => /poll finished|first poll/.test(second.output()) || second.output().length > 0, 30_000);
    server.reveal(1);
    await waitFor('the follow-up on both platforms', () => slack.posts().length === 2 && discord.calls.filter((c) => c.method === 'POST' && /\/channels\/\d+\/messages$/.test(c.path)).length === 2, 30_000);
    // Slack: the follow-up replies in the thread of the first post (its ts came from the store).
    expect(slack.posts()[1]!.body).toMatchObject({ channel: 'C1', thread_ts: slackTs, text: expect.stringMatching(/^Also reported: /) });
    // Discord: a thread is opened on the first message (its id came from the store), and the follow-up goes there.
    const posts = discord.calls.filter((c) => c.method === 'POST');
    const firstId = '9000';
    expect(posts.map((c) => c.path)).toEqual([
      '/api/v10/channels/3000/messages',
      `/api/v10/channels/3000/messages/${firstId}/threads`,
      '/api/v10/channels/9001/messages',
    ]);
    await stop(second);
  // Two processes one after the other, each polling and posting (20 s seen beside other work): room to spare.
  }, 90_000);
});
