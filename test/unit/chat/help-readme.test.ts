import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { USAGE } from '../../../src/chat/commands/parse.js';
import { STORIES_USAGE } from '../../../src/chat/commands/stories.js';
import { ROOT } from '../../helpers/paths.js';

/** "digest schedule", "mute", "unmute", … from a command's usage text. */
function heads(usage: string): string[] {
  return [...usage.matchAll(/`([^`]+)`/g)].flatMap(([, code]) => {
    const words = code!.replace(/^\/storywatch\s+/, '').split(/\s+/);
    const first = words[0]!.split('|');
    return words[0] === 'digest' && words[1] === 'schedule' ? ['digest schedule'] : first;
  }).filter((w) => /^[a-z]+( schedule)?$/.test(w));
}

describe('README and /storywatch help', () => {
  it('list the same commands', () => {
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const table = readme.split('### Commands (the same on both platforms)')[1]!.split('\n\n')[1]!;
    const rows = table.split('\n').filter((l) => l.startsWith('| `'));
    const fromReadme = new Set(rows.flatMap((r) => heads(r.split(' | ')[0]!.replace(/\\\|/g, '|'))));
    const fromHelp = new Set([...USAGE, ...STORIES_USAGE].flatMap((u) => heads(u.split(' — ')[0]!)));
    expect([...fromHelp].sort()).toEqual([...fromReadme].sort());
    expect([...fromHelp].sort()).toEqual(['ask', 'digest', 'digest schedule', 'explain', 'feeds', 'follow', 'latest', 'mute', 'notify', 'pause', 'resume', 'status', 'stories', 'timeline', 'track', 'unfollow', 'unmute', 'watch']);
  });

  it('the Slack manifest is Socket Mode by default, with the scopes the bot uses', () => {
    const m = parseYaml(readFileSync(path.join(ROOT, 'slack-manifest.yaml'), 'utf8')) as { settings: { socket_mode_enabled: boolean }; oauth_config: { scopes: { bot: string[] } }; features: { slash_commands: Array<{ command: string; url?: string }> } };
    expect(m.settings.socket_mode_enabled).toBe(true);
    expect(m.oauth_config.scopes.bot).toEqual(['chat:write', 'commands', 'users:read', 'usergroups:read', 'channels:history', 'groups:history']);
    expect(m.features.slash_commands).toEqual([expect.objectContaining({ command: '/storywatch' })]);
  });

  it('the Slack manifest\'s command description names every command help lists', () => {
    const m = parseYaml(readFileSync(path.join(ROOT, 'slack-manifest.yaml'), 'utf8')) as { features: { slash_commands: Array<{ description: string }> } };
    const described = m.features.slash_commands[0]!.description.split(' | ');
    const fromHelp = new Set([...USAGE, ...STORIES_USAGE].flatMap((u) => heads(u.split(' — ')[0]!)).map((h) => h.split(' ')[0]!));
    expect([...described].sort()).toEqual([...fromHelp, 'help'].sort());
  });
});
