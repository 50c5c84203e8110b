/**
 * Slack adapter (Bolt). Slash commands arrive over Bolt's HTTP receiver, which checks
 * every request's signature and timestamp, or, with an app-level token (xapp-), over
 * Socket Mode: a WebSocket the app opens itself (apps.connections.open), no public URL.
 * Alerts and notices go out through the Web API (base URL configurable: SLACK_API_URL).
 * Follow-ups of a development go into the thread of its first alert in that channel,
 * remembered in the store across restarts. Delivery targets look like "slack:C0123".
 */
import { createHash } from 'node:crypto';
import { App, LogLevel, webApi } from '@slack/bolt';
import type { Alert } from '../../domain/alert.js';
import type { Logger } from '../../log.js';
import { handleCommand, type CommandDeps } from '../commands/handlers.js';
import { AuthDeliveryError, PermanentDeliveryError, RateLimitedDeliveryError, type ChatAdapter, type PostExtras, type ThreadRefs } from '../ports.js';
import { stripControl } from '../text.js';
import { escapeMrkdwn, renderSlackBlocks, renderSlackFollowUp } from './render.js';
import { ALERT_EVENT, createSlackLookup } from './lookup.js';

export interface SlackAdapterOptions {
  botToken: string;
  /** HTTP mode: every request is checked against it. Unused in Socket Mode. */
  signingSecret?: string | undefined;
  /** App-level token (xapp-): Socket Mode instead of an HTTP endpoint. */
  appToken?: string | undefined;
  /** Where each development's first message is kept, so a restart threads into it. */
  threads?: ThreadRefs | undefined;
  /** Web API base, e.g. "https://slack.com/api/" (tests point it at a local fake). */
  apiUrl?: string | undefined;
  port: number;
  /** Slack user ids allowed to change channel settings, besides workspace admins/owners. */
  adminUserIds: string[];
  commands: CommandDeps;
  log: Logger;
  /** Called on every 429 from the Web API (which waits and retries by itself). */
  onRateLimited?: () => void;
  /** Longest one Web API request may take (default 10 s). */
  requestTimeoutMs?: number;
}

/** Bolt refuses requests older than this, so a replay can only come within it. */
const REPLAY_WINDOW_MS = 5 * 60_000;

export interface SlackAdapter extends ChatAdapter {
  start(): Promise<void>;
}

/** Slack errors about one channel that retrying cannot fix: that delivery stops, reported. */
const PERMANENT = new Set(['channel_not_found', 'not_in_channel', 'is_archived', 'missing_scope', 'restricted_action']);
/** The token itself is refused: no post anywhere on Slack can succeed until it is fixed. */
const AUTH = new Set(['invalid_auth', 'account_inactive', 'token_revoked', 'token_expired', 'not_authed']);

export function createSlackAdapter(opts: SlackAdapterOptions): SlackAdapter {
  // The default retries for about 30 minutes: a hanging or failing Slack would hold a
  // delivery (or a command's user lookup) that long. Fail soon; the alert stays pending.
  // No retries inside the client at all: chat.postMessage is not idempotent, and a retry
  // of a post that did land, or one still waiting out a 429 after our deadline, posts twice.
  const clientOptions = {
    ...(opts.apiUrl ? { slackApiUrl: opts.apiUrl } : {}),
    timeout: opts.requestTimeoutMs ?? 10_000,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
  };
  const socketMode = !!opts.appToken;
  // Bolt's and the Socket Mode client's own messages go to our log (redacted), not stdout.
  // A failed request names the API it was calling: "fetch failed" alone says nothing.
  const apiBase = opts.apiUrl ?? 'https://slack.com/api/';
  const say = (level: 'debug' | 'warn') => (...msgs: unknown[]) => {
    const text = msgs.map(String).join(' ');
    opts.log[level](`slack: ${text}${/request failed|ECONN|ENOTFOUND|ETIMEDOUT/i.test(text) ? ` (calling ${apiBase}; retried in the background, polling goes on)` : ''}`);
  };
  const logger = { debug: say('debug'), info: say('debug'), warn: say('warn'), error: say('warn'), setLevel: () => {}, getLevel: () => LogLevel.WARN, setName: () => {} };
  const app = socketMode
    ? new App({
      token: opts.botToken, appToken: opts.appToken, socketMode: true, logger, logLevel: LogLevel.WARN, tokenVerificationEnabled: false, clientOptions,
      // The Socket Mode client's own Web API calls (apps.connections.open) go to the same base URL.
      installerOptions: { clientOptions: opts.apiUrl ? { slackApiUrl: opts.apiUrl } : {} },
    })
    : new App({ token: opts.botToken, signingSecret: opts.signingSecret ?? '', port: opts.port, logLevel: LogLevel.ERROR, tokenVerificationEnabled: false, clientOptions });
  // A signed request captured on the wire is valid for 5 minutes: run each one once.
  const seenRequests = new Map<string, number>();
  app.use(async (args) => {
    const body = args.body as Record<string, unknown>;
    const key = typeof body.trigger_id === 'string' && body.trigger_id
      ? `t:${body.trigger_id}` : `b:${createHash('sha256').update(JSON.stringify(body)).digest('hex')}`;
    const now = Date.now();
    for (const [k, at] of seenRequests) {
      if (now - at <= REPLAY_WINDOW_MS) break;
      seenRequests.delete(k);
    }
    if (seenRequests.has(key)) {
      opts.log.warn('slack: a replayed request was dropped (same trigger_id or body within 5 minutes)');
      if ('ack' in args && typeof args.ack === 'function') await (args.ack as () => Promise<void>)();
      return;
    }
    seenRequests.set(key, now);
    await args.next();
  });
  const threads = new Map<string, string>();
  const threadOf = async (target: string, developmentId: string): Promise<string | undefined> => {
    const key = `${target}|${developmentId}`;
    const known = threads.get(key) ?? (await opts.threads?.getThread(target, developmentId));
    if (known) threads.set(key, known);
    return known;
  };
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

  /**
   * `notify @newsroom`: Slack sends a typed user-group handle as plain text (commands are
   * not escaped), so the handle is looked up (usergroups:read) and replaced by its id.
   */
  const withGroupIds = async (text: string): Promise<string> => {
    const m = /^(\s*notify\s+)@([\w.-]{1,80})(?=\s|$)/i.exec(text);
    if (!m) return text;
    try {
      const res = await app.client.usergroups.list({});
      const group = (res.usergroups ?? []).find((g) => g.handle === m[2]);
      return group?.id ? `${m[1]}${group.id}${text.slice(m[0].length)}` : text;
    } catch (err) {
      opts.log.warn(`slack: cannot list user groups to resolve @${m[2]}: ${(err as Error).message}`, { todo: 'add the usergroups:read scope, or give the group id (S…)' });
      return text;
    }
  };

  app.command('/storywatch', async ({ command, ack, respond }) => {
    // Acknowledge at once (Slack allows 3 s); the answer follows through response_url.
    // `track` fetches pages first: say so, so the wait is not taken for a failure.
    await (/^\s*track\s/i.test(command.text ?? '') ? ack({ response_type: 'ephemeral', text: 'Fetching the seed pages and drafting the story; the answer follows here.' }) : ack());
    const ctx = { channel: `slack:${command.channel_id}`, user: command.user_id, isAdmin: await isAdmin(command.user_id) };
    const reply = await handleCommand(opts.commands, ctx, await withGroupIds(command.text ?? ''));
    await respond({ response_type: reply.ephemeral ? 'ephemeral' : 'in_channel', text: escapeMrkdwn(reply.text) });
  });

  let authRefused: string | undefined;
  /** One Web API call about a target, its failures sorted: rate limit, refused token, permanent, other. */
  const api = async <T>(target: string, fn: () => Promise<T>): Promise<T> => {
    // Once the token is refused, asking again only earns more refusals (and rate limits).
    if (authRefused) throw new AuthDeliveryError(`Slack refuses the bot token (${authRefused}); not posting until it is fixed`);
    try {
      return await fn();
    } catch (err) {
      const e = err as { code?: string; retryAfter?: number; data?: { error?: string } };
      if (e.code === webApi.ErrorCode.RateLimitedError) {
        opts.onRateLimited?.();
        throw new RateLimitedDeliveryError(target, Math.max(1, e.retryAfter ?? 1) * 1000);
      }
      const code = e.data?.error;
      if (code && AUTH.has(code)) {
        authRefused = code;
        opts.log.error(`slack: the bot token was refused (${code}); nothing is posted to Slack until it is fixed, alerts stay pending`, { todo: 'set a valid SLACK_BOT_TOKEN (reinstall the app if it was revoked) and restart' });
        throw new AuthDeliveryError(`Slack refused the bot token: ${code}`);
      }
      if (code && PERMANENT.has(code)) throw new PermanentDeliveryError(`Slack refused ${target}: ${code}`, code);
      throw err;
    }
  };
  const post = (target: string, args: Record<string, unknown>) =>
    api(target, () => app.client.chat.postMessage({ channel: target.slice('slack:'.length), ...args } as never));
  const lookup = createSlackLookup({ app, api, log: opts.log, threadOf, adoptThread: async (target, developmentId, ts) => {
    threads.set(`${target}|${developmentId}`, ts);
    await opts.threads?.putThread(target, developmentId, ts);
  } });

  return {
    name: 'slack',
    handles: (target) => /^slack:[A-Z0-9]+$/.test(target),
    async start() {
      if (socketMode) {
        try {
          await app.start();
        } catch (err) {
          throw new Error(`slack: Socket Mode could not connect (${(err as Error).message}); check SLACK_APP_TOKEN: an app-level token (xapp-…) with the connections:write scope, for an app with Socket Mode enabled`);
        }
        opts.log.info('slack: connected in Socket Mode (no public URL needed)');
        return;
      }
      await app.start(opts.port);
      opts.log.info(`slack: listening for slash commands on port ${opts.port} (/slack/events)`);
    },
    async postAlert(target, alert: Alert, extras?: PostExtras) {
      const rendered = alert.kind === 'follow-up' ? renderSlackFollowUp(alert) : renderSlackBlocks(alert);
      // The channel's notify group, on new developments only: the only mention in the post.
      const group = alert.kind !== 'follow-up' && extras?.mention?.kind === 'usergroup' ? `<!subteam^${extras.mention.id}>` : undefined;
      const text = group ? `${group} ${rendered.text}` : rendered.text;
      const blocks = group ? [{ type: 'section', text: { type: 'mrkdwn', text: group } }, ...rendered.blocks] : rendered.blocks;
      const thread = await threadOf(target, alert.developmentId);
      // Message metadata carries the alert ids, for integrations (and exact delivery accounting).
      const metadata = { event_type: ALERT_EVENT, event_payload: { alert_id: alert.id, development_id: alert.developmentId, merged_ids: alert.mergedIds ?? [alert.id] } };
      const res = await post(target, { text, blocks, metadata, unfurl_links: false, ...(thread ? { thread_ts: thread } : {}) });
      if (!thread && typeof res.ts === 'string') {
        threads.set(`${target}|${alert.developmentId}`, res.ts);
        await opts.threads?.putThread(target, alert.developmentId, res.ts);
      }
      return { messageId: typeof res.ts === 'string' ? res.ts : undefined };
    },
    findPosted: lookup,
    async postText(target, text) {
      await post(target, { text: escapeMrkdwn(stripControl(text, true)), unfurl_links: false });
    },
    async threadLink(target, developmentId) {
      const ts = await threadOf(target, developmentId);
      if (!ts) return undefined;
      const res = await app.client.chat.getPermalink({ channel: target.slice('slack:'.length), message_ts: ts });
      return typeof res.permalink === 'string' ? res.permalink : undefined;
    },
    async postNotice(target, text) {
      await post(target, { text: `:warning: ${escapeMrkdwn(stripControl(text))}` });
    },
    async ready() {
      return !authRefused;
    },
    async close() {
      await app.stop().catch(() => undefined);
    },
  };
}
