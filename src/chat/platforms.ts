/**
 * Creates the chat-platform adapters the configuration asks for. Kept apart from the
 * composition root so that only this file names the platform adapter modules.
 */
import type { AppConfig } from '../config/app-config.js';
import type { Logger } from '../log.js';
import type { CommandDeps } from './commands/handlers.js';
import type { ChatAdapter } from './ports.js';

export interface ListeningAdapter extends ChatAdapter {
  /** Starts listening for slash commands. */
  start(): Promise<void>;
}

export async function createChatAdapters(config: AppConfig, commands: CommandDeps, log: Logger, onRateLimited: (platform: string) => void = () => {}): Promise<ListeningAdapter[]> {
  const out: ListeningAdapter[] = [];
  if (config.slack) {
    const { createSlackAdapter } = await import('./slack/slack-adapter.js');
    out.push(createSlackAdapter({ ...config.slack, commands, threads: commands.channels, log, onRateLimited: () => onRateLimited('slack') }));
  }
  if (config.discord) {
    const { createDiscordAdapter } = await import('./discord/discord-adapter.js');
    out.push(createDiscordAdapter({ token: config.discord.token, apiUrl: config.discord.apiUrl, commands, threads: commands.channels, log, onRateLimited: () => onRateLimited('discord') }));
  }
  return out;
}
