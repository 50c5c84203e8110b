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
  const guildId = opts.global ? undefined : opts.guild ?? d.guildId;
  const { registerCommands } = await import('../chat/discord/register.js');
  const r = await registerCommands({ token: d.token, applicationId: d.applicationId, guildId, apiUrl: d.apiUrl });
  out(`registered ${r.count} slash commands (${r.scope})${r.scope === 'global' ? '; Discord may take up to an hour to show global commands' : ''}`);
  return 0;
}
