/**
 * `npm test` brings what it needs: with no Redis answering it starts its own redis-server
 * and stops it afterwards; with no redis-server binary either, the Redis-backed files are
 * left out, named in a report, with one line saying how to get Redis, and the rest passes.
 * A nested vitest run on two small files, with the usual Redis address pointed at a dead port.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { redisAnswers } from '../setup/redis-plan.js';
import { ROOT } from '../helpers/paths.js';

function nestedVitest(env: Record<string, string>) {
  const results = mkdtempSync(path.join(tmpdir(), 'sw-test-setup-'));
  const r = spawnSync(process.execPath, [path.join(ROOT, 'node_modules/vitest/vitest.mjs'), 'run', 'test/setup/redis-available.test.ts', 'test/unit/log.test.ts', '--reporter=default'], {
    cwd: ROOT, encoding: 'utf8', timeout: 120_000,
    env: {
      HOME: results, PATH: process.env.PATH ?? '', STORYWATCH_TEST_RESULTS_DIR: results, STORYWATCH_TEST_REDIS_DEFAULT: 'redis://127.0.0.1:1',
      STORYWATCH_TEST_REDIS_NOTE: path.join(results, 'url'), NO_COLOR: '1', ...env,
    },
  });
  const read = (f: string) => (existsSync(path.join(results, f)) ? readFileSync(path.join(results, f), 'utf8') : undefined);
  return { code: r.status, out: `${r.stdout}${r.stderr}`, read, cleanup: () => rmSync(results, { recursive: true, force: true }) };
}

describe('npm test without a Redis', () => {
  it.runIf(spawnSync('redis-server', ['--version']).status === 0)('starts a redis-server of its own, runs the Redis tests on it, and stops it', async () => {
    const r = nestedVitest({});
    try {
      expect(r.code, r.out).toBe(0);
      const url = r.read('url');
      expect(r.out).toContain(`no Redis on redis://127.0.0.1:1; started redis-server on ${url} for this run`);
      expect(r.out).toMatch(/Tests +2 passed/);
      expect(await redisAnswers(url!)).toBe(false);
      expect(r.read('skipped-files.json')).toBeUndefined();
    } finally {
      r.cleanup();
    }
  });

  it('with no redis-server binary either: the Redis files are skipped and named, one line says why, the rest passes', () => {
    // A PATH holding node alone.
    const bin = mkdtempSync(path.join(tmpdir(), 'sw-nobin-'));
    mkdirSync(bin, { recursive: true });
    symlinkSync(process.execPath, path.join(bin, 'node'));
    const r = nestedVitest({ PATH: bin });
    try {
      expect(r.code, r.out).toBe(0);
      const lines = r.out.split('\n').filter((l) => l.includes('Redis-backed test file(s) skipped'));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/skipped: no Redis answers on redis:\/\/127\.0\.0\.1:1 and there is no redis-server binary: install it \(apt-get install redis-server.*\) or set STORYWATCH_TEST_REDIS_URL/);
      expect(r.out).toMatch(/Tests +1 passed/);
      const report = JSON.parse(r.read('skipped-files.json')!) as { files: string[] };
      expect(report.files).toContain('test/setup/redis-available.test.ts');
      expect(report.files).toContain('test/integration/bullmq-scale.test.ts');
    } finally {
      r.cleanup();
      rmSync(bin, { recursive: true, force: true });
    }
  });
});
