/**
 * Creates the chat-platform adapters the configuration asks for. Kept apart from the
 * composition root so that only this file names the platform adapter modules.
 */
import type { AppConfig } from '../config/app-config.js';
import type { Logger } from '../log.js';
import type { CommandDeps } from './commands/handlers.js';
import type { ChatAdapter } from './ports.js';
import { connectInBackground } from './connect.js';

export interface ListeningAdapter extends ChatAdapter {
  /** Starts listening for slash commands. */
  start(): Promise<void>;
}

export async function createChatAdapters(config: AppConfig, commands: CommandDeps, log: Logger, onRateLimited: (platform: string) => void = () => {}): Promise<ListeningAdapter[]> {
  const out: ListeningAdapter[] = [];
  if (config.slack) {
    const { createSlackAdapter } = await import('./slack/slack-adapter.js');
    const slack = createSlackAdapter({ ...config.slack, commands, threads: commands.channels, log, onRateLimited: () => onRateLimited('slack') });
    out.push(connectInBackground(slack, log, { where: config.slack.apiUrl ?? 'https://slack.com/api/' }));
  }
  if (config.discord) {
    const { createDiscordAdapter } = await import('./discord/discord-adapter.js');
    const discord = createDiscordAdapter({ token: config.discord.token, apiUrl: config.discord.apiUrl, commands, threads: commands.channels, log, onRateLimited: () => onRateLimited('discord') });
    out.push(connectInBackground(discord, log, { where: config.discord.apiUrl ?? 'https://discord.com/api' }));
  }
  return out;
}
