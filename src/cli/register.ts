/** `storywatch register-commands [--guild ID | --global]`: installs the Discord slash commands. */
import { loadConfig } from '../config/app-config.js';
import { AppError } from '../domain/errors.js';

export async function runRegister(opts: { guild?: string | undefined; global: boolean }, out: (l: string) => void): Promise<number> {
  const config = loadConfig();
  const d = config.discord;
  if (!d?.token || !d.applicationId) {
    throw new AppError('register-commands needs DISCORD_TOKEN and DISCORD_APPLICATION_ID', 'USAGE',
      'copy them from the Discord developer portal (Bot -> Token; General Information -> Application ID)');
  }
  if (opts.global && opts.guild !== undefined) throw new AppError('give --guild or --global, not both', 'USAGE');
  if (!opts.global && opts.guild === undefined) {
    throw new AppError('say where to register: --guild ID (one server, shows at once) or --global (every server, up to an hour)', 'USAGE',
      'while setting up, use --guild with your server id (Discord: Server Settings -> Widget -> Server ID, or right-click the server with Developer Mode on -> Copy Server ID)');
  }
  const guildId = opts.global ? undefined : opts.guild || d.guildId;
  if (!opts.global && !guildId) throw new AppError('--guild needs a server id (or DISCORD_GUILD_ID)', 'USAGE', 'run register-commands --guild 123456789012345678');
  const { registerCommands } = await import('../chat/discord/register.js');
  const r = await registerCommands({ token: d.token, applicationId: d.applicationId, guildId, apiUrl: d.apiUrl });
  out(`registered ${r.count} slash commands (${r.scope})${r.scope === 'global' ? '; Discord may take up to an hour to show global commands' : ''}`);
  return 0;
}
