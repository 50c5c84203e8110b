/**
 * A newcomer's first run: settings from ./.env, --version, a closing line that says what
 * to do when no feed answers (and a failing exit for cron), the user agent publishers see,
 * and register-commands that never goes global by accident.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { renderRss } from '../../src/demo/fixture-server.js';
import { loadStream } from '../../src/cli/eval.js';
import { DEFAULT_USER_AGENT, ENV_NAMES, loadConfig } from '../../src/config/app-config.js';
import { BIN, EVAL_SYNTHETIC, ROOT } from '../helpers/paths.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'sw-first-run-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** The real CLI in `cwd`, with nothing from the test runner's environment but PATH. */
async function cli(args: string[], cwd: string, env: Record<string, string> = {}) {
  const proc = spawn(process.execPath, [BIN, ...args], { cwd, env: { PATH: process.env.PATH ?? '', HOME: cwd, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  proc.stdout!.on('data', (c) => (out += c));
  proc.stderr!.on('data', (c) => (err += c));
  cleanups.push(() => proc.kill('SIGKILL'));
  const code = await new Promise<number | null>((r) => proc.on('exit', r));
  return { code, out, err, all: out + err };
}

/** A feed server that records the user agent of every request. */
async function feedServer() {
  const agents: string[] = [];
  const xml = renderRss('Fixture', 'http://example.test/', loadStream(EVAL_SYNTHETIC).articles.slice(0, 3));
  const server = createServer((req, res) => {
    agents.push(String(req.headers['user-agent']));
    res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(xml);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanups.push(() => new Promise((r) => server.close(r)));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/feed.xml`, agents };
}

describe('first run', () => {
  it('reads ./.env: the data dir and poll interval in it are used, and the file is named in the log', async () => {
    const dir = tempDir();
    const feed = await feedServer();
    writeFileSync(path.join(dir, '.env'), `# mine\nSTORYWATCH_DATA_DIR=./state-from-env\nSTORYWATCH_POLL_INTERVAL=7\nSTORYWATCH_FEEDS=${feed.url}\nSTORYWATCH_ALLOW_PRIVATE_HOSTS=127.0.0.1\nSLACK_SIGNING_SECRET=\n`);
    const r = await cli(['run', '--once'], dir);
    expect(r.code, r.all).toBe(0);
    expect(r.all).toContain(`read ${path.join(dir, '.env')}: 4 setting(s) from it: STORYWATCH_DATA_DIR, STORYWATCH_POLL_INTERVAL, STORYWATCH_FEEDS, STORYWATCH_ALLOW_PRIVATE_HOSTS`);
    expect(r.all).toMatch(/polling 1 feed\(s\) every 7s/);
    expect(existsSync(path.join(dir, 'state-from-env', 'storywatch.db'))).toBe(true);
  });

  it('the environment wins over ./.env', async () => {
    const dir = tempDir();
    const feed = await feedServer();
    writeFileSync(path.join(dir, '.env'), `STORYWATCH_POLL_INTERVAL=7\nSTORYWATCH_FEEDS=${feed.url}\nSTORYWATCH_ALLOW_PRIVATE_HOSTS=127.0.0.1\n`);
    const r = await cli(['run', '--once'], dir, { STORYWATCH_POLL_INTERVAL: '9', STORYWATCH_DATA_DIR: path.join(dir, 'd') });
    expect(r.code, r.all).toBe(0);
    expect(r.all).toMatch(/polling 1 feed\(s\) every 9s/);
    expect(r.all).toMatch(/the environment wins for STORYWATCH_POLL_INTERVAL/);
  });

  it('cp .env.example .env && storywatch run starts (the example file as it is)', async () => {
    const dir = tempDir();
    const feed = await feedServer();
    writeFileSync(path.join(dir, '.env'), readFileSync(path.join(ROOT, '.env.example')));
    const r = await cli(['run', '--once'], dir, { STORYWATCH_FEEDS: feed.url, STORYWATCH_ALLOW_PRIVATE_HOSTS: '127.0.0.1' });
    expect(r.code, r.all).toBe(0);
    expect(r.all).toMatch(/first poll: all 1 feed\(s\) answered/);
    expect(existsSync(path.join(dir, 'data', 'storywatch.db'))).toBe(true);
  });

  it('sends the configured user agent (with its contact) to feeds; the default names the version', async () => {
    const dir = tempDir();
    const feed = await feedServer();
    const ua = 'storywatch/0.1 (+mailto:ops@example.com)';
    const r = await cli(['run', '--once'], dir, { STORYWATCH_FEEDS: feed.url, STORYWATCH_ALLOW_PRIVATE_HOSTS: '127.0.0.1', STORYWATCH_USER_AGENT: ua, STORYWATCH_DATA_DIR: dir });
    expect(r.code, r.all).toBe(0);
    expect(feed.agents).toEqual([ua]);
    const version = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version;
    expect(DEFAULT_USER_AGENT).toMatch(new RegExp(`^storywatch/${version.replace(/\./g, '\\.')} `));
    expect(() => loadConfig({ STORYWATCH_USER_AGENT: 'bad\nheader' })).toThrow(/STORYWATCH_USER_AGENT: printable ASCII/);
  });

  it('when every feed fails: one line saying so and what to do, and run --once exits 1 (for cron)', async () => {
    const dir = tempDir();
    const r = await cli(['run', '--once'], dir, {
      STORYWATCH_FEEDS: 'http://127.0.0.1:1/a.xml,http://127.0.0.1:1/b.xml', STORYWATCH_ALLOW_PRIVATE_HOSTS: '127.0.0.1', STORYWATCH_DATA_DIR: dir,
    });
    expect(r.code).toBe(1);
    expect(r.all).toMatch(/first poll: all 2 feed\(s\) failed: connection refused \(2: .*\)\. What to do: .*npm run demo/);
  });

  it('--version prints the package version', async () => {
    const r = await cli(['--version'], tempDir());
    const version = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version;
    expect(r.code).toBe(0);
    expect(r.out).toBe(`storywatch ${version}\n`);
  });

  it('register-commands asks for --guild or --global instead of going global silently', async () => {
    const r = await cli(['register-commands'], tempDir(), { DISCORD_TOKEN: 'test-bot-token-0123456789', DISCORD_APPLICATION_ID: '2000' });
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/say where to register: --guild ID .* or --global/);
    const both = await cli(['register-commands', '--guild', '1', '--global'], tempDir(), { DISCORD_TOKEN: 'test-bot-token-0123456789', DISCORD_APPLICATION_ID: '2000' });
    expect(both.code).toBe(2);
  });

  it('.env.example lists exactly the variables the configuration reads, with their true defaults', () => {
    const example = readFileSync(path.join(ROOT, '.env.example'), 'utf8');
    // REDIS_MAXMEMORY is docker-compose.yml's (the Redis service's bound), not storywatch's.
    const listed = [...example.matchAll(/^([A-Z_][A-Z0-9_]*)=/gm)].map((m) => m[1]!).filter((n) => n !== 'REDIS_MAXMEMORY');
    expect([...listed].sort()).toEqual([...ENV_NAMES].sort());
    expect(example).toMatch(/STORYWATCH_HTTP_HOST \(default 127\.0\.0\.1/);
    expect(loadConfig({ STORYWATCH_HTTP_PORT: '9464' }).http).toEqual({ port: 9464, host: '127.0.0.1' });
  });
});
