/**
 * Docker and compose as written (no Docker engine runs here): the compose file's and the
 * Dockerfile's structure, and the image's start command run as a non-root user, with
 * .env.example's empty settings, in a stand-in for the image's read-only /app whose data
 * link points at the volume.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { startFixtureServer } from '../../src/demo/fixture-server.js';
import { loadStream } from '../../src/cli/eval.js';
import { EVAL_SYNTHETIC, ROOT } from '../helpers/paths.js';
import { appRootForOthers } from '../helpers/other-user.js';

interface Service { build?: unknown; image?: string; environment?: Record<string, string>; volumes?: string[]; command?: string[]; healthcheck?: { test: string[] }; pull_policy?: string }
const compose = parseYaml(readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as { services: Record<string, Service> };
const dockerfile = readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8');
const runtime = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

describe('docker-compose.yml', () => {
  it('has redis, worker and bot; one of them builds the image, the other runs it', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['bot', 'redis', 'worker']);
    const building = Object.entries(compose.services).filter(([, s]) => s.build !== undefined).map(([n]) => n);
    expect(building).toEqual(['worker']);
    expect(compose.services.bot!.image).toBe(compose.services.worker!.image);
    expect(compose.services.bot!.pull_policy).toBe('never');
  });

  it('health, metrics and commands reachable beyond the container; the healthcheck asks /readyz on that port', () => {
    for (const name of ['worker', 'bot']) {
      const s = compose.services[name]!;
      expect(s.environment).toMatchObject({ REDIS_URL: 'redis://redis:6379', STORYWATCH_HTTP_HOST: '0.0.0.0' });
      expect(s.healthcheck!.test.join(' ')).toContain(`http://127.0.0.1:${s.environment!.STORYWATCH_HTTP_PORT}/readyz`);
    }
  });

  it('Redis is bounded and never evicts; stories come from ./config without a rebuild', () => {
    const cmd = compose.services.redis!.command!;
    expect(cmd[cmd.indexOf('--maxmemory-policy') + 1]).toBe('noeviction');
    expect(cmd[cmd.indexOf('--maxmemory') + 1]).toMatch(/^\$\{REDIS_MAXMEMORY:-\d+[mg]b\}$/);
    for (const name of ['worker', 'bot']) expect(compose.services[name]!.volumes).toContain('./config:/app/config:ro');
  });
});

describe('Dockerfile', () => {
  it('installs dependencies in a layer before the source is copied (a source change reuses it)', () => {
    const install = dockerfile.indexOf('RUN npm ci');
    expect(install).toBeGreaterThan(dockerfile.indexOf('COPY package.json package-lock.json'));
    expect(install).toBeLessThan(dockerfile.indexOf('COPY src'));
  });

  it('runs as the non-root user, with /data as the volume and /app/data linked to it', () => {
    expect(runtime).toMatch(/^USER node$/m);
    expect(runtime).toMatch(/^VOLUME \["\/data"\]$/m);
    expect(runtime).toMatch(/ln -s \/data \/app\/data/);
    expect(runtime).toMatch(/^ENTRYPOINT \["node", "bin\/storywatch\.js"\]$/m);
    expect(runtime).toMatch(/^CMD \["run"\]$/m);
  });

  it('its start command, as a non-root user with .env.example as compose passes it, keeps state on the volume', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'sw-image-'));
    chmodSync(root, 0o755);
    cleanups.push(() => rmSync(root, { recursive: true, force: true }));
    // /app: the built app (read-only to the user); /data: the volume, the user's own.
    const app = path.join(root, 'app');
    const volume = path.join(root, 'data');
    mkdirSync(app);
    mkdirSync(volume);
    const built = appRootForOthers();
    for (const f of ['bin', 'dist', 'config', 'node_modules', 'package.json']) symlinkSync(path.join(built, f), path.join(app, f));
    symlinkSync(volume, path.join(app, 'data'));
    const asRoot = process.getuid?.() === 0;
    if (asRoot) chownSync(volume, 65534, 65534);
    const envFile = Object.fromEntries(readFileSync(path.join(ROOT, '.env.example'), 'utf8').split('\n').filter((l) => /^[A-Z_]+=/.test(l)).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
    const feeds = await startFixtureServer(loadStream(EVAL_SYNTHETIC).articles, { initiallyVisible: 2 });
    cleanups.push(() => feeds.close());
    const [cmd, ...args] = [...JSON.parse(/^ENTRYPOINT (.*)$/m.exec(runtime)![1]!), ...JSON.parse(/^CMD (.*)$/m.exec(runtime)![1]!)] as string[];
    expect(cmd).toBe('node');
    const proc = spawn(process.execPath, [...args, '--once'], {
      cwd: app, ...(asRoot ? { uid: 65534, gid: 65534 } : {}),
      // The image's ENV, then env_file (most values empty): the empty data dir is the default ./data.
      env: { PATH: process.env.PATH ?? '', HOME: volume, NODE_ENV: 'production', STORYWATCH_DATA_DIR: '/data', ...envFile, STORYWATCH_FEEDS: Object.values(feeds.feedUrls).join(','), STORYWATCH_ALLOW_PRIVATE_HOSTS: '127.0.0.1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    proc.stdout!.on('data', (c) => (out += c));
    proc.stderr!.on('data', (c) => (out += c));
    cleanups.push(() => proc.kill('SIGKILL'));
    const code = await new Promise((r) => proc.on('exit', r));
    expect(code, out).toBe(0);
    expect(out).not.toMatch(/EACCES/);
    expect(existsSync(path.join(volume, 'storywatch.db'))).toBe(true);
  });
});
