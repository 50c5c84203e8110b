/**
 * `/storywatch track <story-id> <url> [url …]` (admins): a new story drafted from seed
 * pages, tracked at once without a restart, and followed by this channel.
 */
import { describeError } from '../../domain/errors.js';
import { followedStories } from '../../pipeline/stories.js';
import type { ChannelStore } from '../../store/ports.js';

interface TrackDeps {
  channels: ChannelStore;
  stories?: Array<{ id: string; name: string }> | undefined;
  engine: { story: { id: string } };
  trackStory?: ((id: string, urls: string[]) => Promise<{ id: string; name: string; summary: string }>) | undefined;
}

type Reply = { ephemeral: boolean; text: string };

/** The CLI's flags mean nothing in chat: its hints are said as the chat command's. */
const forChat = (s: string) => s.replace(/--seed /g, '').replace(/--force/g, 'another id');

export async function trackCommand(deps: TrackDeps, channelId: string, cmd: { id: string; urls: string[] }): Promise<Reply> {
  if (!deps.trackStory) return { ephemeral: true, text: 'Stories cannot be added from chat here; use `storywatch story new` on the server.' };
  if (deps.stories?.some((s) => s.id === cmd.id)) {
    return { ephemeral: true, text: `Story \`${cmd.id}\` is tracked already; \`/storywatch follow ${cmd.id}\` gets its alerts here.` };
  }
  let tracked: { id: string; name: string; summary: string };
  try {
    tracked = await deps.trackStory(cmd.id, cmd.urls);
  } catch (err) {
    return { ephemeral: true, text: `Could not add story \`${cmd.id}\`: ${forChat(describeError(err)).replace(/\n\s*-> /, '. ')}\nNothing was changed.` };
  }
  // Read now, not before: fetching the seeds took a while and the channel may have changed.
  const channel = await deps.channels.getChannel(channelId);
  const followed = followedStories(channel, deps.stories?.[0]?.id ?? deps.engine.story.id);
  if (!followed.includes(tracked.id)) channel.stories = [...followed, tracked.id];
  await deps.channels.putChannel(channel);
  const drafted = tracked.summary.split('\n').filter((l) => /^\s+(group |minRelevance)/.test(l)).map((l) => `• ${l.trim()}`);
  return {
    ephemeral: true,
    text: [
      `Now tracking *${tracked.name}* (\`${tracked.id}\`) from ${cmd.urls.length} seed page(s); this channel follows it. Its new developments are alerted from now on, judged on this channel's own feeds (\`/storywatch feeds add\`) and on configured feeds that name it.`,
      'Drafted from the seeds:', ...drafted,
      `To tune it, edit config/stories/${tracked.id}/story.yaml on the server, then \`storywatch story check ${tracked.id}\`.`,
    ].join('\n'),
  };
}
