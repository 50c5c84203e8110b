/**
 * `storywatch story new` end to end (issue 24): seeds from two pages on a loopback server
 * (through the SSRF guard, allowed for 127.0.0.1 only here) and from text files with
 * @dates; undated seeds refused with how to date them; an existing id kept unless --force;
 * --feeds google-news; then `story check` on what was written.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config/app-config.js';
import { loadStoryDir } from '../../src/config/story.js';
import { guardedFetch, storyNew } from '../../src/cli/story.js';
import { Writable } from 'node:stream';
import { BIN, ROOT } from '../helpers/paths.js';

const CORPUS = path.join(ROOT, 'config/stories/minerals-deal/corpus');
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

function page(file: string, head: string): string {
  const [title, ...body] = readFileSync(path.join(CORPUS, file), 'utf8').trim().split('\n');
  const paras = body.filter((l) => l.trim()).map((l) => `<p>${esc(l)}</p>`).join('\n');
  return `<!doctype html><html><head><meta charset="utf-8"><title>${esc(title!)}</title>${head}</head><body>
<nav><a href="/">Home</a> <a href="/world">World</a></nav><article><h1>${esc(title!)}</h1>${paras}</article><footer>© Test News</footer></body></html>`;
}

const PAGES: Record<string, string> = {
  '/a/talks.html': page('002_ddbc3d59855bad15.txt', '<meta property="article:published_time" content="2025-02-22T09:30:00Z">'),
  '/a/progress.html': page('001_d9269066bc7773b7.txt', '<script type="application/ld+json">{"@type":"NewsArticle","datePublished":"2025-04-17T08:00:00Z"}</script>'),
  '/a/undated.html': page('000_e79a6c505ac0c8fc.txt', ''),
};

let server: http.Server;

/** `story new` in this process (a spawned CLI costs seconds of start-up): same code, output captured. */
async function storyNewHere(id: string, seeds: string[], force = false, allow = '127.0.0.1'): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  const sink = new Writable({ write(chunk, _e, cb) { out += String(chunk); cb(); } });
  const fetchPage = guardedFetch(loadConfig(allow ? { STORYWATCH_ALLOW_PRIVATE_HOSTS: allow } : {}, ROOT));
  try {
    await storyNew({ id, name: 'Minerals', seeds, force, root: path.join(dir, 'stories'), fetchPage }, sink);
    return { code: 0, out, err: '' };
  } catch (err) {
    const e = err as Error & { format?: () => string; code?: string };
    return { code: e.code === 'USAGE' ? 2 : 1, out, err: e.format ? e.format() : e.message };
  }
}
let base = '';
let dir = '';

function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], {
      cwd: ROOT, timeout: 60_000,
      env: { ...process.env, STORYWATCH_STORIES_DIR: path.join(dir, 'stories'), STORYWATCH_CONFIG: path.join(dir, 'config.yaml'), STORYWATCH_ALLOW_PRIVATE_HOSTS: '127.0.0.1', ...env },
    }, (err, out, errOut) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, out, err: errOut }));
  });
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'storywatch-story-new-'));
  cpSync(path.join(ROOT, 'config/default.yaml'), path.join(dir, 'config.yaml'));
  server = http.createServer((req, res) => {
    const body = PAGES[req.url ?? ''];
    if (!body) return res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((r) => server.close(r));
  rmSync(dir, { recursive: true, force: true });
});

describe('storywatch story new', () => {
  it('drafts a story from two local pages, dated by their metadata and JSON-LD', async () => {
    const r = await cli(['story', 'new', 'minerals-pages', '--name', 'Minerals deal', '--seed', `${base}/a/talks.html`, '--seed', `${base}/a/progress.html`, '--feeds', 'google-news']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/date from page metadata/);
    expect(r.out).toMatch(/date from page JSON-LD/);
    const loaded = loadStoryDir(path.join(dir, 'stories', 'minerals-pages'));
    expect(loaded.story.name).toBe('Minerals deal');
    expect(loaded.corpus.map((c) => c.publishedAt)).toEqual(['2025-02-22T09:30:00.000Z', '2025-04-17T08:00:00.000Z']);
    expect(loaded.corpus[0]!.content).toMatch(/rare earth minerals/);
    expect(loaded.corpus[0]!.content).not.toMatch(/Home|Test News/);
    const terms = loaded.story.groups.flatMap((g) => g.terms);
    expect(terms).toEqual(expect.arrayContaining(['Ukraine', 'mineral']));
    expect(loaded.warnings).toEqual([]);
    // The feed names the story, and the configuration still loads with it.
    const cfg = loadConfig({ STORYWATCH_CONFIG: path.join(dir, 'config.yaml'), STORYWATCH_STORIES_DIR: path.join(dir, 'stories') }, ROOT);
    const feed = cfg.feeds.find((f) => f.id === 'google-news-minerals-pages');
    expect(feed?.stories).toEqual(['minerals-pages']);
    expect(feed?.url).toMatch(/^https:\/\/news\.google\.com\/rss\/search\?q=Ukraine/);
    expect(readFileSync(path.join(dir, 'config.yaml'), 'utf8')).toMatch(/# Feeds to poll/);
  });

  it('fetches pages through the SSRF guard: a loopback page is refused unless allowed', async () => {
    const r = await storyNewHere('guarded', [`${base}/a/talks.html`], false, '');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/could not be fetched: .*loopback, private/);
    expect(existsSync(path.join(dir, 'stories', 'guarded'))).toBe(false);
  });

  it('refuses an undated page and says how to date it; @date fixes it', async () => {
    const r = await storyNewHere('undated', [`${base}/a/undated.html`]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/gives no publication date/);
    expect(r.err).toMatch(/@2025-03-04/);
    expect(existsSync(path.join(dir, 'stories', 'undated'))).toBe(false);
    const ok = await storyNewHere('undated', [`${base}/a/undated.html@2025-04-16`, `${base}/a/talks.html`]);
    expect(ok.code).toBe(0);
    expect(ok.out).toMatch(/2025-04-16, date from @ suffix/);
  });

  it('drafts from text files with @dates; refuses an undated file and an existing id without --force', async () => {
    const seeds = readdirSync(CORPUS).sort().map((f, i) => `${path.join(CORPUS, f)}@2025-0${i + 2}-10T12:00:00Z`);
    const undated = await storyNewHere('minerals-files', [path.join(CORPUS, readdirSync(CORPUS)[0]!)]);
    expect(undated.code).toBe(2);
    expect(undated.err).toMatch(/has no date[\s\S]*add its date after an @/);
    const r = await storyNewHere('minerals-files', seeds);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/group ukraine: Ukraine, .*Ukrainian/);
    expect(r.out).toMatch(/storywatch story check minerals-files/);
    const again = await storyNewHere('minerals-files', [seeds[0]!]);
    expect(again.code).toBe(2);
    expect(again.err).toMatch(/already exists[\s\S]*--force/);
    const forced = await storyNewHere('minerals-files', [seeds[0]!, seeds[1]!], true);
    expect(forced.code).toBe(0);
    expect(readdirSync(path.join(dir, 'stories', 'minerals-files', 'corpus'))).toHaveLength(2);
  });

  it('story check says what each group and term matches', async () => {
    const r = await cli(['story', 'check', 'minerals-pages']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/group ukraine: 2\/2 seeds/);
    expect(r.out).toMatch(/no labelled stream under eval\/minerals-pages/);
  });

  it('story check reads the labelled stream of a story under eval/', async () => {
    const r = await cli(['story', 'check', 'minerals-deal'], { STORYWATCH_STORIES_DIR: path.join(ROOT, 'config/stories'), STORYWATCH_CONFIG: path.join(ROOT, 'config/default.yaml') });
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/labelled stream .*eval\/minerals-deal \(\d+ on-topic, \d+ off-topic\)/);
    expect(r.out).toMatch(/group deal: 5\/5 seeds, \d+\/\d+ on-topic/);
    expect(r.out).toMatch(/off-topic items taken or close to the bar|no off-topic item comes close/);
  });
});
