/**
 * notify: a role (Discord) or user group (Slack) mentioned on this channel's new-development
 * alerts (never on follow-ups), optionally only above a confidence. The adapters allow
 * exactly that mention and nothing else; feed text still never becomes one.
 */
import type { ChannelStore } from '../../store/ports.js';
import type { CommandReply } from './handlers.js';
import type { SettingsCommand } from './settings-parse.js';

const reply = (text: string): CommandReply => ({ ephemeral: true, text });

export async function notifyCommand(channels: ChannelStore, channelId: string, cmd: Extract<SettingsCommand, { name: 'notify' }>): Promise<CommandReply> {
  const c = await channels.getChannel(channelId);
  if (!cmd.mention) {
    const was = !!c.notify;
    delete c.notify;
    await channels.putChannel(c);
    return reply(was ? 'No one is mentioned on alerts here any more.' : 'No one was mentioned on alerts here.');
  }
  const platform = channelId.split(':')[0];
  if ((platform === 'discord' && cmd.mention.kind !== 'role') || (platform === 'slack' && cmd.mention.kind !== 'usergroup')) {
    return reply(platform === 'discord' ? 'On Discord, notify takes a role (@role).' : 'On Slack, notify takes a user group: `notify @handle` or its id, e.g. `notify S0123ABCD`.');
  }
  c.notify = { mention: cmd.mention, minConfidence: cmd.minConfidence };
  await channels.putChannel(c);
  const who = cmd.mention.kind === 'role' ? `role ${cmd.mention.id}` : `user group ${cmd.mention.id}`;
  return reply(`New-development alerts here will mention ${who}${cmd.minConfidence ? ` when their confidence is at least ${cmd.minConfidence}` : ''} (follow-ups never do).`);
}
