/**
 * Operator mistakes caught at start-up (issue 11, items 10-12): empty variables mean
 * unset, alert targets are checked for their form and platform, unknown keys in the
 * config and story files are named with the closest known key.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../../src/config/app-config.js';
import { loadStory } from '../../../src/config/story.js';
import { STORIES_DIR } from '../../../src/config/paths.js';
import { ROOT } from '../../helpers/paths.js';

const dirs: string[] = [];
afterEach(() => {
  while (dirs.length) rmSync(dirs.pop()!, { recursive: true, force: true });
});
function tmp() {
  const d = mkdtempSync(path.join(tmpdir(), 'sw-cfg-'));
  dirs.push(d);
  return d;
}

describe('empty variables', () => {
  it('every variable of .env.example set to its (empty) value loads as the defaults', () => {
    const env = Object.fromEntries(readFileSync(path.join(ROOT, '.env.example'), 'utf8').split('\n')
      .filter((l) => l.trim() && !l.trim().startsWith('#')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
    expect(Object.keys(env).length).toBeGreaterThan(20);
    const cfg = loadConfig(env);
    expect(cfg).toMatchObject({ story: 'minerals-deal', pollIntervalSeconds: 300, targets: ['console'], commands: true, redisUrl: undefined, slack: undefined, discord: undefined, http: undefined });
    expect(loadConfig({ STORYWATCH_POLL_INTERVAL: '  ' }).pollIntervalSeconds).toBe(300);
  });
});

describe('the story pages\' public address', () => {
  it('is an http(s) URL, or refused naming the variable', () => {
    expect(loadConfig({ STORYWATCH_PUBLIC_URL: 'https://news.example/sw' }).publicUrl).toBe('https://news.example/sw');
    for (const bad of ['news.example/sw', 'ftp://news.example/']) expect(() => loadConfig({ STORYWATCH_PUBLIC_URL: bad })).toThrow(/STORYWATCH_PUBLIC_URL/);
  });
});

describe('alert targets', () => {
  it('are checked for their form, their platform and their directory, all reported at once', () => {
    const bad = ['slack:c01', 'discord:abc', 'jsonl:', 'sms:1', 'slack:C1', 'discord:12', 'jsonl:/nonexistent-dir/x.jsonl'];
    let message = '';
    try {
      loadConfig({ STORYWATCH_TARGETS: bad.join(',') });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message.split('\n').filter((l) => l.startsWith('  - '))).toEqual([
      '  - target "slack:c01": a Slack channel id is upper-case letters and digits, e.g. slack:C0123ABC',
      '  - target "discord:abc": a Discord channel id is a number, e.g. discord:123456789012345678',
      '  - target "jsonl:": a jsonl target needs a file path (jsonl:/path/alerts.jsonl)',
      '  - target "sms:1" is not a known form; use console, jsonl:/path/alerts.jsonl, slack:<channel id, e.g. C0123ABC>, discord:<numeric channel id>',
      '  - target "slack:C1": Slack is not configured (set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET, or SLACK_APP_TOKEN for Socket Mode)',
      '  - target "discord:12": Discord is not configured (set DISCORD_TOKEN)',
      '  - target "jsonl:/nonexistent-dir/x.jsonl": directory /nonexistent-dir does not exist',
    ]);
  });

  it('good ones load', () => {
    const dir = tmp();
    const cfg = loadConfig({ STORYWATCH_TARGETS: `console,jsonl:${dir}/a.jsonl,slack:C0123ABC,discord:123456789`, SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 'secret-123', DISCORD_TOKEN: 'discord-token-0123456789' });
    expect(cfg.targets).toHaveLength(4);
  });
});

describe('unknown keys', () => {
  it('in a config file are warned about with the closest known key, and the file still loads', () => {
    const file = path.join(tmp(), 'c.yaml');
    writeFileSync(file, 'pollIntervalSecond: 60\nfetch:\n  totalTimeout: 1000\nfeeds:\n  - { id: a, url: "https://a.example/rss", title: x }\nzzz: 1\n');
    const cfg = loadConfig({ STORYWATCH_CONFIG: file });
    expect(cfg.pollIntervalSeconds).toBe(300);
    expect(cfg.warnings).toEqual([
      `${file}: unknown key "pollIntervalSecond" is ignored (did you mean "pollIntervalSeconds"?)`,
      `${file}: unknown key "fetch.totalTimeout" is ignored (did you mean "fetch.totalTimeoutMs"?)`,
      `${file}: unknown key "feeds[0].title" is ignored (known here: id, url, fullText, stories)`,
      `${file}: unknown key "zzz" is ignored (known here: story, stories, dataDir, pollIntervalSeconds, targets, feeds, fetch, enrich, retention)`,
    ]);
    expect(loadConfig({}).warnings).toEqual([]);
  });

  it('in story.yaml are warned about too; "novelty:" keeps its own note, and the bundled story has none', () => {
    const root = tmp();
    cpSync(path.join(STORIES_DIR, 'minerals-deal'), path.join(root, 'typo'), { recursive: true });
    const file = path.join(root, 'typo', 'story.yaml');
    const text = readFileSync(file, 'utf8').replace(/^id: .*$/m, 'id: typo');
    writeFileSync(file, `${text}\nminRelevanse: 0.5\n`);
    const { warnings } = loadStory('typo', root);
    expect(warnings.filter((w) => w.includes('unknown key'))).toEqual([`${file}: unknown key "minRelevanse" is ignored (did you mean "minRelevance"?)`]);
    expect(loadStory('minerals-deal').warnings.filter((w) => w.includes('unknown key'))).toEqual([]);
  });
});
