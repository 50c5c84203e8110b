/**
 * `/storywatch stories`, and the admin commands `follow <story>` / `unfollow <story>`:
 * which of the deployment's stories this channel gets alerts of (default: the default
 * story). Self-contained: handleCommand asks this module first.
 */
import type { ChannelStore } from '../../store/ports.js';
import { followedStories } from '../../pipeline/stories.js';

export interface StoriesDeps {
  channels: ChannelStore;
  /** Every story tracked, the default one first. */
  stories?: Array<{ id: string; name: string }> | undefined;
}

export const STORIES_USAGE = [
  '`/storywatch stories` — the stories tracked here, and which this channel follows',
  '`/storywatch follow|unfollow <story>` — this channel\'s stories (admins)',
];

type Reply = { ephemeral: boolean; text: string };

/** A reply when `text` is a stories command, else undefined (another handler's). */
export async function storiesCommand(deps: StoriesDeps, ctx: { channel: string; isAdmin: boolean }, text: string): Promise<Reply | undefined> {
  const [head = '', arg = '', ...extra] = text.trim().split(/\s+/);
  const verb = head.toLowerCase();
  if (verb !== 'stories' && verb !== 'follow' && verb !== 'unfollow') return undefined;
  const stories = deps.stories ?? [];
  const defaultStory = stories[0]?.id ?? '';
  const channel = await deps.channels.getChannel(ctx.channel);
  const followed = followedStories(channel, defaultStory);
  if (verb === 'stories') {
    const lines = stories.map((s) => `• \`${s.id}\` — ${s.name}${followed.includes(s.id) ? ' (followed here)' : ''}`);
    return { ephemeral: true, text: `Stories tracked:\n${lines.join('\n')}\nAdmins: \`/storywatch follow <story>\`, \`/storywatch unfollow <story>\`.` };
  }
  if (!ctx.isAdmin) return { ephemeral: true, text: 'Only admins can change which stories this channel follows (Discord: Manage Server; Slack: a configured admin or a workspace admin).' };
  const known = stories.find((s) => s.id === arg.toLowerCase());
  if (!arg || extra.length || !known) {
    const why = !arg ? `"${verb}" needs a story id` : extra.length ? `"${verb}" takes one story id` : `no story "${arg.slice(0, 60)}" is tracked here`;
    return { ephemeral: true, text: `${why}. Known: ${stories.map((s) => `\`${s.id}\``).join(', ')}.\nUsage:\n${STORIES_USAGE.join('\n')}` };
  }
  if (verb === 'follow') {
    if (followed.includes(known.id)) return { ephemeral: true, text: `This channel already follows ${known.name}.` };
    channel.stories = [...followed, known.id];
  } else {
    if (!followed.includes(known.id)) return { ephemeral: true, text: `This channel does not follow ${known.name}.` };
    if (followed.length === 1) return { ephemeral: true, text: `${known.name} is the only story this channel follows; follow another one first.` };
    channel.stories = followed.filter((s) => s !== known.id);
  }
  await deps.channels.putChannel(channel);
  const names = channel.stories.map((id) => stories.find((s) => s.id === id)?.name ?? id);
  return { ephemeral: true, text: `${verb === 'follow' ? 'Now following' : 'No longer following'} ${known.name}. This channel follows: ${names.join(', ')}.` };
}
