/**
 * Chat ports: what the pipeline needs from a chat platform. Platform SDKs live only
 * inside chat/discord/ and chat/slack/; the console adapter is the embedded default.
 */
import type { Alert } from '../domain/alert.js';
import type { Mention } from '../store/ports.js';

export interface PostResult {
  /** Platform message id, for threading follow-ups. */
  messageId?: string | undefined;
}

/** What the channel's settings add to one post. */
export interface PostExtras {
  /** The one role / user group this post may mention (the channel's notify setting). */
  mention?: Mention | undefined;
}

/** Where adapters keep the thread of each development per channel (the channel store). */
export interface ThreadRefs {
  getThread(channel: string, developmentId: string): Promise<string | undefined>;
  putThread(channel: string, developmentId: string, ref: string): Promise<void>;
}

export interface ChatAdapter {
  readonly name: string;
  /** Whether this adapter serves a delivery target such as "console" or "slack:C01". */
  handles(target: string): boolean;
  postAlert(target: string, alert: Alert, extras?: PostExtras): Promise<PostResult>;
  /**
   * Of the alert ids a post stands for (`mergedIds`, else its id), those the platform already
   * holds in the target, posted since `since` (ISO time): asked before re-posting a post that
   * was started but never confirmed. Absent: the platform cannot be asked (or needs not be:
   * Discord refuses a repeated nonce by itself).
   */
  findPosted?(target: string, alert: Alert, since: string): Promise<string[]>;
  /** A short operational message for a channel (a feed paused or back, ...). */
  postNotice(target: string, text: string): Promise<void>;
  /** A plain message (digests, burst headers); absent: posted as a notice. */
  postText?(target: string, text: string): Promise<void>;
  /** A link to the message that opened a development's thread in a channel, if known. */
  threadLink?(target: string, developmentId: string): Promise<string | undefined>;
  /** Whether the platform connection is usable (for /readyz); absent means always. */
  ready?(): Promise<boolean>;
  close(): Promise<void>;
}

/** A delivery that retrying cannot fix (revoked token, unknown or forbidden channel). */
export class PermanentDeliveryError extends Error {
  /** The platform's own error code, when it gave one (Discord's JSON error codes). */
  constructor(message: string, readonly code?: number | string) {
    super(message);
    this.name = 'PermanentDeliveryError';
  }
}

/**
 * The platform refused the bot's own credentials (revoked or wrong token). Nothing can be
 * posted there until an operator fixes it: alerts stay pending (never marked delivered),
 * the adapter stops calling the platform and reports not ready.
 */
export class AuthDeliveryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AuthDeliveryError';
  }
}

/**
 * The platform said "slow down, retry after": nothing was posted. The delivery step backs
 * the target off and leaves the alert pending, rather than letting the SDK wait and retry
 * on its own past our deadline (a post that lands after we gave up on it is a duplicate).
 */
export class RateLimitedDeliveryError extends Error {
  constructor(readonly target: string, readonly retryAfterMs: number) {
    super(`${target} asked to retry after ${Math.ceil(retryAfterMs / 1000)} s`);
    this.name = 'RateLimitedDeliveryError';
  }
}
