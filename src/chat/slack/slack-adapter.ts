/**
 * Slack adapter (Bolt). Slash commands arrive over Bolt's HTTP receiver, which checks
 * every request's signature and timestamp; alerts and notices go out through the Web
 * API (base URL configurable: SLACK_API_URL). Follow-ups of a development go into the
 * thread of its first alert in that channel. Delivery targets look like "slack:C0123".
 */
import { App, LogLevel, webApi } from '@slack/bolt';
import type { Alert } from '../../domain/alert.js';
import type { Logger } from '../../log.js';
import { handleCommand, type CommandDeps } from '../commands/handlers.js';
import { PermanentDeliveryError, type ChatAdapter } from '../ports.js';
import { escapeMrkdwn, renderSlackBlocks, renderSlackFollowUp } from './render.js';

export interface SlackAdapterOptions {
  botToken: string;
  signingSecret: string;
  /** Web API base, e.g. "https://slack.com/api/" (tests point it at a local fake). */
  apiUrl?: string | undefined;
  port: number;
  /** Slack user ids allowed to change channel settings, besides workspace admins/owners. */
  adminUserIds: string[];
  commands: CommandDeps;
  log: Logger;
  /** Called on every 429 from the Web API (which waits and retries by itself). */
  onRateLimited?: () => void;
}

export interface SlackAdapter extends ChatAdapter {
  start(): Promise<void>;
}

/** Slack errors that retrying cannot fix: stop and report. */
const PERMANENT = new Set(['channel_not_found', 'not_in_channel', 'is_archived', 'invalid_auth', 'account_inactive', 'token_revoked', 'not_authed', 'missing_scope', 'restricted_action']);

export function createSlackAdapter(opts: SlackAdapterOptions): SlackAdapter {
  const app = new App({
    token: opts.botToken,
    signingSecret: opts.signingSecret,
    port: opts.port,
    logLevel: LogLevel.ERROR,
    tokenVerificationEnabled: false,
    clientOptions: opts.apiUrl ? { slackApiUrl: opts.apiUrl } : {},
  });
  const threads = new Map<string, string>();
  app.client.on(webApi.WebClientEvent.RATE_LIMITED, () => opts.onRateLimited?.());

  const isAdmin = async (userId: string): Promise<boolean> => {
    if (opts.adminUserIds.includes(userId)) return true;
    try {
      const info = await app.client.users.info({ user: userId });
      return !!(info.user?.is_admin || info.user?.is_owner);
    } catch (err) {
      opts.log.warn(`slack: cannot look up user ${userId}: ${(err as Error).message}; treated as not an admin`);
      return false;
    }
  };

  app.command('/storywatch', async ({ command, ack, respond }) => {
    // Acknowledge at once (Slack allows 3 s); the answer follows through response_url.
    await ack();
    const ctx = { channel: `slack:${command.channel_id}`, user: command.user_id, isAdmin: await isAdmin(command.user_id) };
    const reply = await handleCommand(opts.commands, ctx, command.text ?? '');
    await respond({ response_type: reply.ephemeral ? 'ephemeral' : 'in_channel', text: escapeMrkdwn(reply.text) });
  });

  const post = async (target: string, args: Record<string, unknown>) => {
    const channel = target.slice('slack:'.length);
    try {
      return await app.client.chat.postMessage({ channel, ...args } as never);
    } catch (err) {
      const code = (err as { data?: { error?: string } }).data?.error;
      if (code && PERMANENT.has(code)) throw new PermanentDeliveryError(`Slack refused ${target}: ${code}`);
      throw err;
    }
  };

  return {
    name: 'slack',
    handles: (target) => /^slack:[A-Z0-9]+$/.test(target),
    async start() {
      await app.start(opts.port);
      opts.log.info(`slack: listening for slash commands on port ${opts.port} (/slack/events)`);
    },
    async postAlert(target, alert: Alert) {
      const { text, blocks } = alert.kind === 'follow-up' ? renderSlackFollowUp(alert) : renderSlackBlocks(alert);
      const key = `${target}|${alert.developmentId}`;
      const thread = threads.get(key);
      // Message metadata carries the alert ids, for integrations (and exact delivery accounting).
      const metadata = { event_type: 'storywatch_alert', event_payload: { alert_id: alert.id, development_id: alert.developmentId, merged_ids: alert.mergedIds ?? [alert.id] } };
      const res = await post(target, { text, blocks, metadata, unfurl_links: false, ...(thread ? { thread_ts: thread } : {}) });
      if (!thread && typeof res.ts === 'string') threads.set(key, res.ts);
      return { messageId: typeof res.ts === 'string' ? res.ts : undefined };
    },
    async postNotice(target, text) {
      await post(target, { text: `:warning: ${escapeMrkdwn(text)}` });
    },
    async close() {
      await app.stop().catch(() => undefined);
    },
  };
}
