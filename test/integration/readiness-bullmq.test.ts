/**
 * /readyz on the BullMQ runner (issue 11, item 13): a Redis that answers PING but refuses
 * every write (OOM under noeviction: its disk-full) records nothing, so the worker says
 * not ready; once Redis takes writes again it is ready again. Dedicated redis-server.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startFixtureServer } from '../../src/demo/fixture-server.js';
import { loadStream } from '../../src/cli/eval.js';
import { EVAL_SYNTHETIC } from '../helpers/paths.js';
import { freePort } from '../helpers/ports.js';
import { startDedicatedRedis } from '../helpers/redis-server.js';
import { startWorker, waitFor } from '../helpers/workers.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

describe('/readyz on the BullMQ runner', () => {
  it('is 503 while Redis refuses writes, and 200 again once it takes them', async () => {
    const redis = await startDedicatedRedis('ready');
    cleanups.push(() => redis.cleanup());
    const server = await startFixtureServer(loadStream(EVAL_SYNTHETIC).articles, { initiallyVisible: 2 });
    cleanups.push(() => server.close());
    const port = await freePort();
    const w = startWorker({
      REDIS_URL: redis.url, STORYWATCH_QUEUE_PREFIX: 'ready', STORYWATCH_POLL_INTERVAL: '1', STORYWATCH_FEEDS: Object.values(server.feedUrls).join(','),
      STORYWATCH_ALLOW_PRIVATE_HOSTS: '127.0.0.1', STORYWATCH_PER_HOST_INTERVAL_MS: '0', STORYWATCH_TARGETS: 'console', STORYWATCH_COMMANDS: 'off',
      STORYWATCH_HTTP_PORT: String(port), STORYWATCH_DATA_DIR: redis.dir,
    });
    cleanups.push(() => w.proc.kill('SIGKILL'));
    const readyz = async () => {
      const r = await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined);
      return r ? { status: r.status, body: (await r.json()) as { checks: Record<string, string> } } : { status: 0, body: { checks: {} } };
    };
    await waitFor('ready', async () => (await readyz()).status === 200, 20_000);
    await redis.probe.config('SET', 'maxmemory-policy', 'noeviction');
    await redis.probe.config('SET', 'maxmemory', '1');
    server.reveal(3);
    await waitFor('not ready', async () => (await readyz()).status === 503, 20_000);
    expect((await readyz()).body.checks).toMatchObject({ redis: 'failing' });
    await redis.probe.config('SET', 'maxmemory', '0');
    await waitFor('ready again', async () => (await readyz()).status === 200, 20_000);
  });
});
