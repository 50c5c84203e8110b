/**
 * Two embedded runners on one data directory would both post every alert. The second
 * refuses to start with a clear message; once the first is gone (even by kill -9), the
 * directory is free again (issue 11, item 6).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startFixtureServer } from '../../src/demo/fixture-server.js';
import { loadStream } from '../../src/cli/eval.js';
import { BIN, EVAL_SYNTHETIC, ROOT } from '../helpers/paths.js';
import { countLines, startWorker, waitFor } from '../helpers/workers.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

describe('one process per data directory', () => {
  it('a second `run --once` on a directory in use refuses with who holds it and what to do; after kill -9 of the holder it runs', async () => {
    const server = await startFixtureServer(loadStream(EVAL_SYNTHETIC).articles, { initiallyVisible: 2 });
    cleanups.push(() => server.close());
    const dir = mkdtempSync(path.join(tmpdir(), 'sw-lock-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const sink = path.join(dir, 'alerts.jsonl');
    const env = {
      STORYWATCH_DATA_DIR: dir, STORYWATCH_FEEDS: Object.values(server.feedUrls).join(','), STORYWATCH_ALLOW_PRIVATE_HOSTS: '127.0.0.1',
      STORYWATCH_PER_HOST_INTERVAL_MS: '0', STORYWATCH_POLL_INTERVAL: '1', STORYWATCH_TARGETS: `jsonl:${sink}`, STORYWATCH_FOLLOWUP_MERGE_SECONDS: '0',
    };
    const first = startWorker(env);
    cleanups.push(() => first.proc.kill('SIGKILL'));
    await waitFor('the first runner to poll', () => /first poll/.test(first.output()), 30_000);

    // Not spawnSync: the fixture feeds are served from this process and must keep answering.
    const once = () => new Promise<{ status: number | null; stderr: string }>((resolve) => {
      const p = spawn(process.execPath, [BIN, 'run', '--once'], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      p.stderr!.on('data', (c) => (stderr += c));
      p.on('exit', (status) => resolve({ status, stderr }));
    });
    const refused = await once();
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(new RegExp(`data directory ${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is in use by another storywatch \\(process ${first.proc.pid}, running since `));
    expect(refused.stderr).toMatch(/-> stop the other one first .* or give this one its own STORYWATCH_DATA_DIR/);

    // A development revealed now is posted by the first runner only.
    server.reveal(server.total);
    await waitFor('the first runner to alert', () => countLines(sink).length > 0, 30_000);
    first.proc.kill('SIGKILL');
    await first.exited;
    const before = countLines(sink).length;
    const after = await once();
    expect(after.status).toBe(0);
    expect(after.stderr).not.toMatch(/in use/);
    // It found every alert already delivered or delivered the rest; none is posted twice.
    const ids = countLines(sink).map((l) => JSON.parse(l).alert?.id as string | undefined).filter(Boolean);
    expect(ids.length).toBeGreaterThanOrEqual(before);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
