/**
 * The newcomer path (issue 11, item 10): `cp .env.example .env && docker compose up`.
 * No Docker engine runs here, so the test does what compose does: it reads .env.example
 * as `env_file` does (every NAME=value line, most of them empty), lays the compose
 * service's own `environment:` over it, and starts the real process with exactly that.
 * Only what would leave loopback is pointed at local stand-ins (feeds, Redis host, port).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { startFixtureServer } from '../../src/demo/fixture-server.js';
import { loadStream } from '../../src/cli/eval.js';
import { BIN, EVAL_SYNTHETIC, ROOT } from '../helpers/paths.js';
import { freePort } from '../helpers/ports.js';
import { deleteByPrefix, testRedis, TEST_REDIS_URL } from '../helpers/redis.js';
import { waitFor } from '../helpers/workers.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

/** compose's env_file format: NAME=value per line, # comments, optional quotes, nothing expanded. */
function readEnvFile(file: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of readFileSync(file, 'utf8').split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq < 0) continue;
    let value = line.slice(eq + 1);
    const quoted = /^(['"])(.*)\1$/.exec(value);
    value = quoted ? quoted[2]! : value.replace(/\s+#.*$/, '').trim();
    out[line.slice(0, eq).trim()] = value;
  }
  return out;
}

function start(env: Record<string, string>, args: string[]) {
  // Nothing from the test runner's own environment: only what compose would pass.
  const proc = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', HOME: tmpdir(), STORYWATCH_ENV_FILE: 'off', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout!.on('data', (c) => (out += c));
  proc.stderr!.on('data', (c) => (out += c));
  const exited = new Promise<number | null>((r) => proc.on('exit', r));
  cleanups.push(() => proc.kill('SIGKILL'));
  return { proc, exited, output: () => out };
}

async function feeds() {
  const server = await startFixtureServer(loadStream(EVAL_SYNTHETIC).articles, { initiallyVisible: 2 });
  cleanups.push(() => server.close());
  return Object.values(server.feedUrls).join(',');
}

const envFile = readEnvFile(path.join(ROOT, '.env.example'));

describe('.env.example as compose passes it', () => {
  it('holds every setting, almost all empty', () => {
    expect(Object.keys(envFile)).toContain('SLACK_BOT_TOKEN');
    expect(Object.values(envFile).filter((v) => v === '').length).toBe(Object.keys(envFile).length);
  });

  it('the embedded default starts with it and polls', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sw-envfile-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const run = start({ ...envFile, STORYWATCH_DATA_DIR: dir, STORYWATCH_FEEDS: await feeds(), STORYWATCH_ALLOW_PRIVATE_HOSTS: '127.0.0.1' }, ['run', '--once']);
    const code = await run.exited;
    expect(run.output()).not.toMatch(/invalid configuration/);
    expect(code).toBe(0);
    expect(run.output()).toMatch(/single poll finished/);
  });

  it('the compose `worker` service starts with it on Redis and reports ready', async () => {
    const compose = parseYaml(readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as { services: Record<string, { environment: Record<string, string> }> };
    const service = compose.services.worker!.environment;
    const prefix = `sw-envfile-${randomUUID().slice(0, 8)}`;
    const { redis, cleanup } = await testRedis();
    cleanups.push(cleanup);
    cleanups.push(() => deleteByPrefix(redis, `${prefix}:`));
    const port = await freePort();
    const worker = start({
      ...envFile, ...service,
      // Stand-ins for the compose network: the redis service, the published port, the feeds.
      REDIS_URL: TEST_REDIS_URL, STORYWATCH_HTTP_PORT: String(port), STORYWATCH_QUEUE_PREFIX: prefix,
      STORYWATCH_FEEDS: await feeds(), STORYWATCH_ALLOW_PRIVATE_HOSTS: '127.0.0.1',
    }, ['run']);
    await waitFor(`/readyz to answer 200\n${worker.output()}`, async () => (await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined))?.status === 200, 20_000);
    expect(worker.output()).not.toMatch(/invalid configuration/);
    worker.proc.kill('SIGTERM');
    expect(await worker.exited).toBe(0);
  });
});
