import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { BIN, EVAL_DEV, ROOT } from '../helpers/paths.js';

function cli(args: string[], input?: string, env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [BIN, ...args], { input, encoding: 'utf8', cwd: ROOT, env: { ...process.env, ...env }, timeout: 60_000, maxBuffer: 64 * 1024 * 1024 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('storywatch CLI', () => {
  it('classify writes one contract line per article, in order', () => {
    const input = readFileSync(path.join(EVAL_DEV, 'stream.jsonl'), 'utf8');
    const r = cli(['classify', '--story', 'minerals-deal'], input);
    expect(r.code).toBe(0);
    const lines = r.out.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.id)).toEqual(input.trim().split('\n').map((l) => JSON.parse(l).id));
    expect(Object.keys(lines[0]).sort()).toEqual(['developmentId', 'duplicateOf', 'facts', 'id', 'novel', 'novelty', 'reasons', 'relevance', 'relevant', 'summary'].sort());
    expect(lines.filter((l) => l.novel).map((l) => l.id)).toEqual(['d04', 'd06', 'd08', 'd11', 'd14']);
  });

  it('classify --progress reports progress on stderr and leaves stdout to the contract', async () => {
    const { generateStream } = await import('../../src/bench/generate.js');
    const input = generateStream(2500, 4).map((a) => JSON.stringify(a)).join('\n');
    const r = cli(['classify', '--progress'], input);
    expect(r.code).toBe(0);
    expect(r.out.trim().split('\n')).toHaveLength(2500);
    expect(r.err).toMatch(/^storywatch classify: 1000 articles classified \(\d+\/s\)\nstorywatch classify: 2000 articles classified \(\d+\/s\)\nstorywatch classify: done, 2500 classified in \d+\.\d s\n$/);
  });

  it('classify reports malformed lines by number on stderr, processes the rest, exits 1', () => {
    const good = (id: string) => JSON.stringify({ id, title: 'Rada ratifies US minerals deal', url: 'https://x', source: 's', publishedAt: '2025-05-08T00:00:00Z', content: 'Ukraine ratified the minerals agreement with the United States.' });
    const input = [good('a'), '{not json', JSON.stringify({ id: 'b', title: 7 }), '', good('c'), JSON.stringify({ id: 'd', title: 'x', publishedAt: 'yesterday' })].join('\n');
    const r = cli(['classify', '--input', '-'], input);
    expect(r.code).toBe(1);
    expect(r.out.trim().split('\n').map((l) => JSON.parse(l).id)).toEqual(['a', 'c']);
    expect(r.err).toMatch(/line 2: not valid JSON/);
    expect(r.err).toMatch(/line 3: field "title" must be a string, got number/);
    expect(r.err).toMatch(/line 6: field "publishedAt" is not a date/);
    expect(r.err).toMatch(/3 line\(s\) failed, 2 processed/);
  });

  it('bad arguments and unknown stories get a clear message and a non-zero exit', () => {
    const unknown = cli(['classify', '--story', 'nope'], '');
    expect(unknown.code).toBe(1);
    expect(unknown.err).toMatch(/story "nope" not found .*\n  -> known stories: minerals-deal/);
    const flag = cli(['classify', '--bogus']);
    expect(flag.code).toBe(2);
    expect(flag.err).toMatch(/Unknown option '--bogus'[\s\S]*storywatch classify --help/);
    const missing = cli(['classify', '--input', '/nonexistent/file.jsonl']);
    expect(missing.err).toMatch(/cannot read input file \/nonexistent\/file.jsonl: ENOENT/);
    expect(cli(['frobnicate']).code).toBe(2);
  // Four processes in a row, each loading the story (16 s seen beside other work): room to spare.
  }, 90_000);

  it('--help explains every command', () => {
    const r = cli(['--help']);
    expect(r.code).toBe(0);
    for (const c of ['run', 'demo', 'classify', 'eval']) expect(r.out).toContain(c);
    expect(cli(['run', '--help']).out).toMatch(/STORYWATCH_DATA_DIR/);
  });

  it('run with an invalid setting lists every bad variable at once', () => {
    const r = cli(['run', '--once'], '', { STORYWATCH_POLL_INTERVAL: 'soon', STORYWATCH_LOG_LEVEL: 'loud' });
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/STORYWATCH_POLL_INTERVAL/);
    expect(r.err).toMatch(/STORYWATCH_LOG_LEVEL/);
  });

  it('an unreachable Redis is reported with its address (password hidden) and what to do', () => {
    const r = cli(['run'], '', { REDIS_URL: 'redis://user:s3cret@127.0.0.1:1' });
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/Redis at redis:\/\/user:\*\*\*@127\.0\.0\.1:1 is unreachable for the scale-out runner: connect ECONNREFUSED/);
    expect(r.err).toMatch(/unset REDIS_URL to run the embedded default/);
    expect(r.err).not.toContain('s3cret');
  });

  it('demo shows alerts from the local fixture server, with no network', () => {
    const r = cli(['demo', '--interval-ms', '20']);
    expect(r.code).toBe(0);
    expect(r.out.match(/NEW DEVELOPMENT/g)!.length).toBeGreaterThanOrEqual(3);
    expect(r.err).toMatch(/demo finished: 13 articles analysed/);
  });

  it('eval prints every feed shape beside the keyword and first-story baselines', () => {
    const r = cli(['eval', EVAL_DEV]);
    expect(r.code).toBe(0);
    expect(r.out.match(/^  view (full|snippet|headline)$/gm)).toEqual(['  view full', '  view snippet', '  view headline']);
    expect(r.out).toMatch(/^ {4}keyword +4 +3 +1 +0\.571 +0\.8 +0\.667 /m);
    expect(r.out).toMatch(/^ {4}f1=1 baseline_f1=0\.667 fsd_f1=0\.6 offtopic_alerts=0 dup_alerts=0 alerts=5$/m);
  });

  // The workplace's scorer beside the checkout when there is one; otherwise the copy the repo
  // keeps of it, which must then be the same file, so a lone clone still checks agreement.
  const shared = path.resolve(ROOT, '../shared/tools/score.py');
  const kept = path.resolve(ROOT, 'eval/tools/score.py');
  it('eval gives the same figures as the shared scorer, in every shape', () => {
    if (existsSync(shared)) expect(readFileSync(kept, 'utf8'), 'eval/tools/score.py is a copy of ../shared/tools/score.py').toBe(readFileSync(shared, 'utf8'));
    const scorer = existsSync(shared) ? shared : kept;
    for (const view of ['full', 'snippet', 'headline']) {
      const ours = cli(['eval', EVAL_DEV, '--view', view]).out.match(/f1=.*$/m)?.[0];
      const py = spawnSync('python3', [scorer, EVAL_DEV, '--repo', ROOT, '--view', view], { encoding: 'utf8', cwd: ROOT, timeout: 60_000 });
      const theirs = py.stdout.trim().split('\n').pop()!;
      // The shared scorer prints 1.0 where JavaScript prints 1.
      const norm = (line: string) => line.replace(/\b(\d)\.0\b/g, '$1');
      expect(ours, view).toBeDefined();
      expect(norm(theirs), view).toContain(norm(ours!));
    }
    // Six processes one after another (about 18 s on an idle 2-core machine): a busy one needs longer.
  }, 120_000);
});
