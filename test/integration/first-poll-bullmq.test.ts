/**
 * The first-poll line on the BullMQ runner, as on the embedded one: a worker process on real
 * Redis polls a feed that answers and one whose server refuses connections, and says once
 * how the first poll went, naming the failing feed, why, and that the others are watched.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startFixtureServer } from '../../src/demo/fixture-server.js';
import { generateStream } from '../../src/bench/generate.js';
import { TEST_REDIS_URL } from '../helpers/redis.js';
import { startWorker, waitFor, workerSandbox } from '../helpers/workers.js';

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

describe('BullMQ runner: the first poll', () => {
  it('one line says how many feeds answered and why the others did not', async () => {
    const server = await startFixtureServer(generateStream(4, 3).map((a) => ({ ...a, source: 'wire' })), { initiallyVisible: 4 });
    cleanups.push(() => server.close());
    const { prefix, dir } = workerSandbox(cleanups, 'first-poll');
    const w = startWorker({
      REDIS_URL: TEST_REDIS_URL, STORYWATCH_QUEUE_PREFIX: prefix, STORYWATCH_POLL_INTERVAL: '1',
      // Port 1 refuses connections: that feed fails; the fixture server's answers.
      STORYWATCH_FEEDS: `${Object.values(server.feedUrls)[0]},http://127.0.0.1:1/gone.xml`, STORYWATCH_ALLOW_PRIVATE_HOSTS: '127.0.0.1',
      STORYWATCH_PER_HOST_INTERVAL_MS: '0', STORYWATCH_TARGETS: 'console', STORYWATCH_COMMANDS: 'off', STORYWATCH_DATA_DIR: dir,
    });
    cleanups.push(async () => {
      w.proc.kill('SIGTERM');
      await w.exited;
    });
    await waitFor('the first-poll line', () => /first poll:/.test(w.output()), 30_000);
    const line = w.output().split('\n').find((l) => l.includes('first poll:'))!;
    expect(line).toMatch(/WARN.*first poll: 1 of 2 feed\(s\) answered; failing: connection refused \(1: [^)]+\)\. Fix or remove those feeds; the others are watched/);
    // Said once, not every round.
    await new Promise((r) => setTimeout(r, 3000));
    expect(w.output().match(/first poll:/g)).toHaveLength(1);
  }, 60_000);
});
