/**
 * Registers the /storywatch and /storywatch-config slash commands: in one guild
 * (instant, for development) or globally (for production; Discord may take up to an
 * hour to show them everywhere). Uses discord.js's REST client and DISCORD_API_URL.
 */
import { REST, Routes } from 'discord.js';
import { commandDefinitions } from './commands.js';

export interface RegisterOptions {
  token: string;
  applicationId: string;
  guildId?: string | undefined;
  apiUrl?: string | undefined;
}

export async function registerCommands(opts: RegisterOptions): Promise<{ count: number; scope: string }> {
  const rest = new REST(opts.apiUrl ? { api: opts.apiUrl } : {}).setToken(opts.token);
  const body = commandDefinitions();
  const route = opts.guildId ? Routes.applicationGuildCommands(opts.applicationId, opts.guildId) : Routes.applicationCommands(opts.applicationId);
  const result = (await rest.put(route, { body })) as unknown[];
  return { count: Array.isArray(result) ? result.length : body.length, scope: opts.guildId ? `guild ${opts.guildId}` : 'global' };
}
