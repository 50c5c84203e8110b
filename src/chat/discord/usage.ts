/**
 * The shared replies name commands as Slack types them (`/storywatch follow <story>`,
 * `ask --share`). On Discord the settings are a second command, `/storywatch-config`
 * (Manage Server), and options are named (`share:true`, `n:20`): every command reference
 * in a reply is rewritten to what a Discord user can type.
 */

/** Subcommands (and groups) that live under /storywatch-config on Discord. */
const CONFIG = new Set(['follow', 'unfollow', 'follow|unfollow', 'mute', 'unmute', 'mute|unmute', 'pause', 'resume', 'notify']);
/** Groups whose add/remove are settings and whose list is not. */
const SPLIT = new Set(['watch', 'feeds']);

function command(rest: string): string {
  const [word = '', second = '', ...tail] = rest.split(' ');
  if (CONFIG.has(word)) return `\`/storywatch-config ${rest}\``;
  if (word === 'digest' && second === 'schedule') return `\`/storywatch-config ${rest}\``;
  if (SPLIT.has(word) && /^(add|remove)(\|remove)?$/.test(second)) return `\`/storywatch-config ${rest}\``;
  if (SPLIT.has(word) && second === 'add|remove|list') {
    return `\`/storywatch-config ${[word, 'add|remove', ...tail].join(' ')}\` · \`/storywatch ${word} list\``;
  }
  if (word === 'ask') return `\`/storywatch ask question:${rest.replace(/^ask\s*/, '').replace(/\[?--share\]?\s*/, '').trim() || '…'}${/--share/.test(rest) ? ' [share:true]' : ''}\``;
  if (word === 'latest' && second) return `\`/storywatch latest ${/^\[?n\]?$/.test(second) ? '[n:<number>]' : `n:${second}`}\``;
  if (word === 'digest' && second) return `\`/storywatch digest since:${[second, ...tail].join(' ').replace(/^\[|\]$/g, '')}\``;
  if (word === 'timeline' && second === '[since') return `\`/storywatch timeline [since:${tail.join(' ').replace(/\]$/, '')}]\``;
  if (word === 'explain' && second) return `\`/storywatch explain url:${second}\``;
  return `\`/storywatch ${rest}\``;
}

export function discordUsage(text: string): string {
  return text.replace(/`\/storywatch ([^`]*)`/g, (_, rest: string) => command(rest.trim()))
    .replace(/\bunless --share\b/g, 'unless share:true').replace(/(^|\s)--share\b/g, '$1share:true');
}
