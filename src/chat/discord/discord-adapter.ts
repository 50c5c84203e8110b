/**
 * Discord adapter (discord.js). Commands arrive as gateway interactions; alerts go out
 * through discord.js's REST client, whose base URL is configurable (DISCORD_API_URL) and
 * which waits out 429s by itself. Follow-ups of a development go into a thread on its
 * first alert. Delivery targets look like "discord:<channel id>".
 */
import { createHash } from 'node:crypto';
import { Client, GatewayIntentBits, MessageFlags, PermissionFlagsBits, Routes, type Interaction } from 'discord.js';
import type { Alert } from '../../domain/alert.js';
import type { Logger } from '../../log.js';
import { handleCommand, type CommandDeps, type CommandReply } from '../commands/handlers.js';
import { AuthDeliveryError, PermanentDeliveryError, RateLimitedDeliveryError, type ChatAdapter, type PostExtras, type ThreadRefs } from '../ports.js';
import { splitAtLines, stripControl, truncate } from '../text.js';
import { interactionText, sharedReply } from './commands.js';
import { discordUsage } from './usage.js';
import { classifyDiscordError, THREAD_ALREADY_EXISTS } from './errors.js';
import { renderDiscordEmbed, renderDiscordFollowUp } from './render.js';

export interface DiscordAdapterOptions {
  token: string;
  /** REST base, e.g. "https://discord.com/api" (tests point it at a local fake). */
  apiUrl?: string | undefined;
  commands: CommandDeps;
  log: Logger;
  /** Longest a command may run before the reply is deferred (Discord allows 3 s). */
  deferAfterMs?: number;
  /** Called on every 429 (handed back to the delivery step as a RateLimitedDeliveryError). */
  onRateLimited?: () => void;
  /** Longest one REST request may take (default 10 s). */
  requestTimeoutMs?: number;
  /** Where each development's message and thread are kept, so a restart threads into them. */
  threads?: ThreadRefs | undefined;
}

/** `name`: the development's headline, known to the process that posted it (not stored). */
type ThreadState = { messageId: string; threadId?: string | null; name?: string };

/** Discord nonces are at most 25 characters: a digest of where and what is posted. */
export function alertNonce(target: string, alert: Alert): string {
  const ids = (alert.mergedIds ?? [alert.id]).join(',');
  return createHash('sha256').update(`${target}\n${ids}`).digest('base64url').slice(0, 25);
}

/** Stored as "message", "message/thread" or "message/-" (no thread allowed there). */
function encodeRef(t: ThreadState): string {
  return t.threadId === undefined ? t.messageId : `${t.messageId}/${t.threadId ?? '-'}`;
}
function decodeRef(ref: string): ThreadState {
  const [messageId = '', thread] = ref.split('/');
  return thread === undefined ? { messageId } : { messageId, threadId: thread === '-' ? null : thread };
}

/** Nothing a feed, page or user wrote may ping anyone: every message says so explicitly. */
const NO_MENTIONS = { parse: [] as never[] };

export interface DiscordAdapter extends ChatAdapter {
  client: Client;
  start(): Promise<void>;
}

/** Discord markdown: **bold** where Slack-style text has *bold*. */
export function toDiscordMarkdown(text: string): string {
  return stripControl(text, true).replace(/(^|[\s(])\*([^*\n]+)\*(?=[\s).,:;!?]|$)/g, '$1**$2**');
}

/** Discord's limit per message. */
const MESSAGE_MAX = 2000;

/**
 * A reply or digest as Discord messages of at most 2,000 characters each, cut between
 * lines (items), never inside one; a very long one ends with how many lines were left.
 */
export function discordMessages(text: string): string[] {
  return splitAtLines(toDiscordMarkdown(discordUsage(text)), MESSAGE_MAX, 5, 'ask for fewer (`n:`) or a shorter period');
}

export function createDiscordAdapter(opts: DiscordAdapterOptions): DiscordAdapter {
  // A bounded time per request, and no retries inside the client: a retried post that had
  // landed, or one waiting out a 429 past our deadline, would be posted twice. A 429 comes
  // back to the delivery step, which backs the channel off and keeps the alert pending.
  const rest = {
    timeout: opts.requestTimeoutMs ?? 10_000, retries: 0, rejectOnRateLimit: () => true,
    ...(opts.apiUrl ? { api: opts.apiUrl } : {}),
  };
  const client = new Client({ intents: [GatewayIntentBits.Guilds], rest });
  client.rest.setToken(opts.token);
  /** threadId null: the bot may not post in a thread there; follow-ups go to the channel. */
  const threads = new Map<string, ThreadState>();
  const remembered = async (target: string, developmentId: string): Promise<ThreadState | undefined> => {
    const key = `${target.slice('discord:'.length)}|${developmentId}`;
    const known = threads.get(key);
    if (known || !opts.threads) return known;
    const ref = await opts.threads.getThread(target, developmentId);
    if (ref) threads.set(key, decodeRef(ref));
    return threads.get(key);
  };
  const keep = async (target: string, developmentId: string, t: ThreadState) => {
    threads.set(`${target.slice('discord:'.length)}|${developmentId}`, t);
    await opts.threads?.putThread(target, developmentId, encodeRef(t));
  };
  let gateway = false;
  client.rest.on('rateLimited', () => opts.onRateLimited?.());

  // The gateway session comes and goes (Discord restarts, network drops): say so, so an
  // operator can tell a quiet bot from a disconnected one. discord.js reconnects by itself.
  // discord.js says "disconnect" only for sessions it cannot resume; a resumable drop shows as "reconnecting".
  client.on('shardDisconnect', (event, shard) => opts.log.warn(`discord: gateway session closed (shard ${shard}, close code ${event.code}), not resumable; discord.js starts a new one`));
  client.on('shardReconnecting', (shard) => opts.log.warn(`discord: gateway connection lost (shard ${shard}); reconnecting`));
  client.on('shardResume', (shard, replayed) => opts.log.info(`discord: gateway session resumed (shard ${shard}, ${replayed} event(s) replayed)`));
  client.on('shardError', (err, shard) => opts.log.warn(`discord: gateway error (shard ${shard}): ${err.message}`));

  client.on('interactionCreate', (interaction: Interaction) => {
    void onInteraction(interaction).catch((err: Error) => opts.log.warn(`discord: command failed: ${err.message}`));
  });

  async function onInteraction(interaction: Interaction): Promise<void> {
    if (!interaction.isChatInputCommand() || !interaction.commandName.startsWith('storywatch')) return;
    const ctx = {
      channel: `discord:${interaction.channelId}`,
      user: interaction.user.id,
      isAdmin: interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild) ?? false,
    };
    const work = handleCommand(opts.commands, ctx, interactionText(interaction));
    const quick = await Promise.race([work, new Promise<undefined>((r) => setTimeout(() => r(undefined), opts.deferAfterMs ?? 2000))]);
    const flags = (r: CommandReply) => (r.ephemeral ? MessageFlags.Ephemeral : undefined);
    /** The rest of a long reply, in order, seen by whoever saw its first message. */
    const rest = async (r: CommandReply, parts: string[]) => {
      for (const content of parts) await interaction.followUp({ content, flags: flags(r), allowedMentions: NO_MENTIONS });
    };
    if (quick) {
      const [first = '', ...more] = discordMessages(quick.text);
      await interaction.reply({ content: first, flags: flags(quick), allowedMentions: NO_MENTIONS });
      await rest(quick, more);
      return;
    }
    // Slow: acknowledge now, answer when done. The deferral decides who sees the answer, so
    // it is private unless the command asked to share (ask share:true).
    const shared = sharedReply(interaction);
    await interaction.deferReply(shared ? {} : { flags: MessageFlags.Ephemeral });
    const reply = await work;
    const [first = '', ...more] = discordMessages(reply.text);
    await interaction.editReply({ content: first, allowedMentions: NO_MENTIONS });
    await rest({ ...reply, ephemeral: !shared }, more);
  }

  let authRefused: string | undefined;
  /** Every REST call: a 401 means the token is refused, for every channel at once. */
  const call = async <T>(channelId: string, what: string, fn: () => Promise<unknown>): Promise<T> => {
    if (authRefused) throw new AuthDeliveryError(`Discord refuses the bot token (${authRefused}); not posting until it is fixed`);
    try {
      return (await fn()) as T;
    } catch (err) {
      const failure = classifyDiscordError(err);
      if (failure.kind === 'rate-limited') throw new RateLimitedDeliveryError(`discord:${channelId}`, failure.retryAfterMs);
      if (failure.kind === 'auth') {
        authRefused = failure.detail;
        opts.log.error(`discord: the bot token was refused (${authRefused}); nothing is posted to Discord until it is fixed, alerts stay pending`, { todo: 'set a valid DISCORD_TOKEN (reset it in the developer portal if it was revoked) and restart' });
        throw new AuthDeliveryError(`Discord refused the bot token: ${authRefused}`);
      }
      if (failure.kind === 'permanent') throw new PermanentDeliveryError(`Discord refused ${what}: ${failure.detail}`, failure.code);
      throw err;
    }
  };
  const post = (channelId: string, body: Record<string, unknown>) =>
    call<{ id: string }>(channelId, `channel ${channelId}`, () => client.rest.post(Routes.channelMessages(channelId), { body }));

  /** The development's headline: remembered from its post, else read back from that message. */
  const threadName = async (channelId: string, known: ThreadState, alert: Alert): Promise<string> => {
    if (known.name) return known.name;
    try {
      const msg = await client.rest.get(Routes.channelMessage(channelId, known.messageId)) as { embeds?: Array<{ title?: string }> };
      const title = msg.embeds?.[0]?.title?.trim();
      if (title) return title;
    } catch {
      // The name is cosmetic: the follow-up's own headline will do.
    }
    return alert.headline;
  };

  /** The thread for a development's follow-ups: its id, or null where the bot may not open one. */
  const openThread = async (channelId: string, known: ThreadState, alert: Alert): Promise<string | null> => {
    const name = truncate(stripControl(await threadName(channelId, known, alert)).trim() || 'Follow-ups', 100);
    try {
      const thread = await call<{ id: string }>(channelId, `a thread in channel ${channelId}`, () => client.rest.post(Routes.threads(channelId, known.messageId), {
        body: { name, auto_archive_duration: 10080 },
      }));
      return thread.id;
    } catch (err) {
      if (!(err instanceof PermanentDeliveryError)) throw err;
      // Someone opened a thread on the alert already (Create Thread): a message's thread has
      // the message's id, so that is where the follow-ups go.
      if (err.code === THREAD_ALREADY_EXISTS) return known.messageId;
      // May post but not open threads: the follow-ups go to the channel itself.
      opts.log.warn(`discord: cannot open a thread in channel ${channelId} (${err.message}); follow-ups of development ${alert.developmentId} are posted in the channel`, { todo: 'grant the bot Create Public Threads and Send Messages in Threads' });
      return null;
    }
  };

  return {
    name: 'discord',
    client,
    handles: (target) => /^discord:\d+$/.test(target),
    async start() {
      await client.login(opts.token);
      gateway = true;
      opts.log.info('discord: connected to the gateway');
    },
    async postAlert(target, alert: Alert, extras?: PostExtras) {
      const channelId = target.slice('discord:'.length);
      const known = await remembered(target, alert.developmentId);
      // The channel's notify role, on new developments only, and allowed to ping exactly it.
      const role = alert.kind !== 'follow-up' && extras?.mention?.kind === 'role' ? extras.mention.id : undefined;
      // A post retried after a crash or a lost answer carries the same nonce: Discord answers
      // with the message it already made (enforce_nonce) instead of posting it twice.
      const once = { nonce: alertNonce(target, alert), enforce_nonce: true };
      const body = alert.kind === 'follow-up'
        ? { content: renderDiscordFollowUp(alert), allowed_mentions: NO_MENTIONS, ...once }
        : role ? { content: `<@&${role}>`, embeds: [renderDiscordEmbed(alert)], allowed_mentions: { parse: [], roles: [role] }, ...once }
          : { embeds: [renderDiscordEmbed(alert)], allowed_mentions: NO_MENTIONS, ...once };
      if (!known) {
        const msg = await post(channelId, body);
        await keep(target, alert.developmentId, { messageId: msg.id, name: alert.headline });
        return { messageId: msg.id };
      }
      if (known.threadId === undefined) {
        known.threadId = await openThread(channelId, known, alert);
        await keep(target, alert.developmentId, known);
      }
      if (known.threadId === null) return { messageId: (await post(channelId, body)).id };
      try {
        return { messageId: (await post(known.threadId!, body)).id };
      } catch (err) {
        if (!(err instanceof PermanentDeliveryError)) throw err;
        // The thread is closed to the bot (403) or gone: one post in the channel instead;
        // if that is refused too, the delivery stops as permanent.
        known.threadId = null;
        await keep(target, alert.developmentId, known);
        opts.log.warn(`discord: cannot post in the thread of development ${alert.developmentId} (${err.message}); posting in channel ${channelId} instead`);
        return { messageId: (await post(channelId, body)).id };
      }
    },
    async postText(target, text) {
      // A digest lists many links: no preview cards for them. Several messages, whole lines each.
      for (const content of discordMessages(text)) {
        await post(target.slice('discord:'.length), { content, allowed_mentions: NO_MENTIONS, flags: MessageFlags.SuppressEmbeds });
      }
    },
    async threadLink(target, developmentId) {
      const known = await remembered(target, developmentId);
      if (!known) return undefined;
      const channelId = target.slice('discord:'.length);
      const channel = await call<{ guild_id?: string }>(channelId, `channel ${channelId}`, () => client.rest.get(Routes.channel(channelId)));
      return channel.guild_id ? `https://discord.com/channels/${channel.guild_id}/${channelId}/${known.messageId}` : undefined;
    },
    async postNotice(target, text) {
      await post(target.slice('discord:'.length), { content: truncate(`⚠️ ${stripControl(text)}`, 2000), allowed_mentions: NO_MENTIONS });
    },
    // A process that listens for commands needs its gateway session; one that only posts does not.
    async ready() {
      return !authRefused && (!gateway || client.isReady());
    },
    async close() {
      await client.destroy();
    },
  };
}
