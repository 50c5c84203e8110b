/** Platform SDKs stay inside their adapter folders; the pipeline and engine never see them. */
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../helpers/paths.js';

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = path.join(dir, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

const SDKS: Array<{ pattern: RegExp; home: string }> = [
  { pattern: /from ['"](discord\.js|@discordjs\/[\w-]+|discord-api-types[\w/-]*)['"]/, home: 'src/chat/discord/' },
  { pattern: /from ['"](@slack\/[\w-]+)['"]/, home: 'src/chat/slack/' },
];

describe('architecture', () => {
  it('imports Discord and Slack SDKs only inside src/chat/discord/ and src/chat/slack/', () => {
    const leaks: string[] = [];
    const all = files(path.join(ROOT, 'src'));
    for (const file of all) {
      const rel = path.relative(ROOT, file).split(path.sep).join('/');
      const text = readFileSync(file, 'utf8');
      for (const { pattern, home } of SDKS) if (pattern.test(text) && !rel.startsWith(home)) leaks.push(`${rel} imports ${pattern.exec(text)![1]}`);
    }
    expect(all.length).toBeGreaterThan(30);
    expect(leaks).toEqual([]);
  });

  it('keeps the analysis engine free of I/O', () => {
    const io = /from ['"](node:(fs|net|http|https|child_process|dns)|ioredis|bullmq|rss-parser)['"]/;
    const offenders = files(path.join(ROOT, 'src/analysis')).filter((f) => io.test(readFileSync(f, 'utf8')));
    expect(offenders).toEqual([]);
  });

  it('loads chrono-node\'s English locale only (its root module opens every locale\'s files at once: EMFILE under a low open-files limit)', () => {
    const all = files(path.join(ROOT, 'src'));
    const root = all.filter((f) => /from ['"]chrono-node['"]/.test(readFileSync(f, 'utf8')));
    expect(all.some((f) => /from ['"]chrono-node\/en['"]/.test(readFileSync(f, 'utf8')))).toBe(true);
    expect(root).toEqual([]);
  });
});
