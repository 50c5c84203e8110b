/**
 * Discord's answers, sorted by what retrying can do about them. A 4xx other than 401
 * (token), 408 and 429 says the request itself is refused (bad embed, unknown channel,
 * missing access): sending it again gets the same answer, so the item ends there. 5xx,
 * timeouts and network errors may pass: the item stays pending and is retried later.
 */
import { DiscordAPIError } from 'discord.js';

/** "A thread has already been created for this message" (a user clicked Create Thread). */
export const THREAD_ALREADY_EXISTS = 160004;

export type DiscordFailure =
  | { kind: 'rate-limited'; retryAfterMs: number }
  | { kind: 'auth'; detail: string }
  | { kind: 'permanent'; detail: string; code?: number }
  | { kind: 'transient' };

export function classifyDiscordError(err: unknown): DiscordFailure {
  // @discordjs/rest's RateLimitError (named "RateLimitError[route]"); discord.js does not re-export it.
  const limited = err as { name?: string; retryAfter?: number };
  if (String(limited.name).startsWith('RateLimitError') && typeof limited.retryAfter === 'number') {
    return { kind: 'rate-limited', retryAfterMs: Math.max(1000, limited.retryAfter) };
  }
  if (!(err instanceof DiscordAPIError)) return { kind: 'transient' };
  const detail = `${err.status} ${typeof err.code === 'number' && err.code ? `code ${err.code}: ` : ''}${err.message}`;
  if (err.status === 401) return { kind: 'auth', detail };
  if (err.status === 408 || err.status === 429 || err.status >= 500) return { kind: 'transient' };
  return typeof err.code === 'number' ? { kind: 'permanent', detail, code: err.code } : { kind: 'permanent', detail };
}

export function isDiscordCode(err: unknown, code: number): boolean {
  return err instanceof DiscordAPIError && err.code === code;
}
