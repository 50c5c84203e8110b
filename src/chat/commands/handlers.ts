/**
 * /storywatch command handlers, the same for every platform. Adapters turn a slash
 * command into (context, text) and render the reply; they decide nothing themselves.
 * Config commands (watch add/remove, feeds add/remove) are admin-only here, whatever
 * the platform already checked.
 */
import type { Engine } from '../../analysis/engine.js';
import type { FeedConfig } from '../../config/app-config.js';
import type { CorpusDocument, StoryDefinition } from '../../domain/story.js';
import { redactUrl, redactUrlsIn } from '../../domain/redact.js';
import { channelFeedId, feedsOf } from '../../pipeline/channels.js';
import { othersPrivateFeeds, unnameHidden } from './visibility.js';
import { channelDevelopments } from '../../pipeline/channel-view.js';
import { followedStories } from '../../pipeline/stories.js';
import type { AlertRecord, ChannelStore, ProcessedArticle, StateStore } from '../../store/ports.js';
import { answerQuestion, NOTHING } from './ask.js';
import { askIndex } from './ask-index.js';
import { timeline } from './happened.js';
import { parseCommand, USAGE, type Command } from './parse.js';
import { digestScheduleCommand } from './digest.js';
import { muteCommand, settingsLines } from './mute.js';
import { notifyCommand } from './notify.js';
import { previewFeed, type FeedPreview } from './preview.js';
import { SETTINGS_COMMANDS } from './settings-parse.js';
import { storiesCommand, STORIES_USAGE } from './stories.js';
import { inert } from '../text.js';
import { trackCommand } from './track.js';

export interface CommandContext {
  /** The channel's delivery target, e.g. "slack:C0123". */
  channel: string;
  user: string;
  isAdmin: boolean;
}

export interface CommandReply {
  /** Only the caller sees it (errors, help, config confirmations). */
  ephemeral: boolean;
  /** Markdown-ish text: *bold*, bullets, bare URLs. */
  text: string;
}

export interface CommandDeps {
  store: StateStore;
  channels: ChannelStore;
  engine: Engine;
  corpus: CorpusDocument[];
  /** Feeds from the configuration file (every channel's feeds come from the channel store). */
  configuredFeeds: FeedConfig[];
  /** SSRF guard for a user-supplied feed URL: throws with the reason it is refused. */
  checkFeedUrl: (url: string) => Promise<void>;
  queueDepth?: () => Promise<Record<string, number>>;
  now: () => Date;
  /**
   * The configured alert targets. An alert that went to none of them came from some
   * channel's own feed, and is shown only in the channels it went to.
   */
  configuredTargets?: string[];
  /** Fetches and parses a feed once (SSRF-guarded), for the preview of `feeds add`. */
  fetchFeedPreview?: (url: string) => Promise<FeedPreview>;
  /** Every story tracked here, the default one first (the other commands answer for it). */
  stories?: Array<{ id: string; name: string }>;
  /**
   * Another tracked story's store, engine and seed corpus: `latest`, `ask`, `timeline`,
   * `digest`, `explain` and `status` answer for the stories a channel follows (the default
   * story's are the fields above).
   */
  laneOf?: (storyId: string) => StoryAnswers | undefined;
  /**
   * `track`: drafts a story from seed pages, writes it and starts tracking it in this
   * process (and adds it to `stories`); throws with what went wrong. Absent: not offered.
   */
  trackStory?: (id: string, urls: string[]) => Promise<{ id: string; name: string; summary: string }>;
}

export interface StoryAnswers {
  store: StateStore;
  corpus: CorpusDocument[];
  story: StoryDefinition;
  /** Articles its engine knows (for `status`). */
  knownArticles?: () => number;
  /** Whether its engine knows this development (for `mute`). */
  hasDevelopment?: (id: string) => boolean;
}

const reply = (text: string, ephemeral = false): CommandReply => ({ ephemeral, text });

export async function handleCommand(deps: CommandDeps, ctx: CommandContext, text: string): Promise<CommandReply> {
  const story = await storiesCommand({ channels: deps.channels, stories: deps.stories ?? [deps.engine.story] }, ctx, text);
  if (story) return story;
  const parsed = parseCommand(text, deps.now());
  if (!parsed.ok) return reply(`${parsed.error}.\n\nUsage:\n${USAGE.join('\n')}`, true);
  const cmd = parsed.command;
  if (isConfigChange(cmd) && !ctx.isAdmin) {
    return reply(`Only admins can ${cmd.name === 'track' ? 'add a story' : `change this channel's ${cmd.name === 'watch' ? 'watch terms' : cmd.name === 'feeds' ? 'feeds' : 'alert settings'}`} (Discord: Manage Server; Slack: a configured admin or a workspace admin).`, true);
  }
  switch (cmd.name) {
    case 'help':
      return reply(`storywatch tracks *${deps.engine.story.name}*.\n${[...USAGE, ...STORIES_USAGE].join('\n')}`, true);
    case 'latest':
      return latest(deps, ctx, cmd.count);
    case 'ask': {
      // Private to the asker unless shared: a question is often exploratory.
      const hidden = await othersPrivateFeeds(deps, ctx);
      const answers = await perStory(deps, ctx, (s) => answerQuestion({ ...deps, ...s }, cmd.question, hidden));
      const found = answers.filter((a) => a.text !== NOTHING);
      return reply(answers.length === 1 ? answers[0]!.text : found.length ? found.map((a) => `*${a.name}*: ${a.text}`).join('\n\n') : NOTHING, !cmd.share);
    }
    case 'timeline': {
      const hidden = await othersPrivateFeeds(deps, ctx);
      const parts = await perStory(deps, ctx, async (s) => timeline(await askIndex(s.store, s.corpus), hidden, cmd.since));
      return reply(parts.length === 1 ? parts[0]!.text : parts.map((p) => `*${p.name}*\n${p.text}`).join('\n\n'));
    }
    case 'status':
      return status(deps, ctx);
    case 'watch':
      return watch(deps, ctx, cmd);
    case 'feeds':
      return feeds(deps, ctx, cmd);
    case 'explain':
      return explain(deps, ctx, cmd.url);
    case 'digest':
      return digest(deps, ctx, cmd.since);
    case 'mute':
    case 'unmute':
    case 'pause':
    case 'resume':
    {
      // A development known only from another channel's private feed is answered as unknown.
      const shown = cmd.name === 'mute' && knownDevelopment(deps, cmd.target) && (await visibleDevelopment(deps, ctx, cmd.target));
      return muteCommand({ ...deps, storyId: deps.engine.story.id, storyIds: deps.stories?.map((st) => st.id), knownDevelopment: (id) => shown && id === cmd.target }, ctx.channel, cmd);
    }
    case 'notify':
      return notifyCommand(deps.channels, ctx.channel, cmd);
    case 'digest-schedule':
      return digestScheduleCommand(deps.channels, ctx.channel, deps.now(), cmd);
    case 'track':
      return track(deps, ctx, cmd);
  }
}

function isConfigChange(cmd: Command): boolean {
  if (SETTINGS_COMMANDS.has(cmd.name) || cmd.name === 'track') return true;
  return (cmd.name === 'watch' || cmd.name === 'feeds') && cmd.action !== 'list';
}

/** A development id of any tracked story. */
function knownDevelopment(deps: CommandDeps, id: string): boolean {
  if (deps.engine.developments().some((d) => d.id === id)) return true;
  return (deps.stories ?? []).some((st) => deps.laneOf?.(st.id)?.hasDevelopment?.(id) === true);
}

/** Whether some report of this development, in a followed story, may be shown to this channel. */
async function visibleDevelopment(deps: CommandDeps, ctx: CommandContext, id: string): Promise<boolean> {
  const hidden = await othersPrivateFeeds(deps, ctx);
  for (const lane of await followedLanes(deps, ctx)) if ((await askIndex(lane.store, lane.corpus)).shows(id, hidden)) return true;
  return false;
}

/** The stories this channel follows (default: the default story), with what answers for each. */
async function followedLanes(deps: CommandDeps, ctx: CommandContext): Promise<StoryAnswers[]> {
  const defaultStory = deps.stories?.[0]?.id ?? deps.engine.story.id;
  const followed = followedStories(await deps.channels.getChannel(ctx.channel), defaultStory);
  const own: StoryAnswers = { store: deps.store, corpus: deps.corpus, story: deps.engine.story, knownArticles: () => deps.engine.knownArticles };
  return followed.map((id) => (id === defaultStory ? own : deps.laneOf?.(id))).filter((l): l is StoryAnswers => l !== undefined);
}

/** One answer per followed story, named. */
async function perStory(deps: CommandDeps, ctx: CommandContext, answer: (s: StoryAnswers) => Promise<string>): Promise<Array<{ name: string; text: string }>> {
  const lanes = await followedLanes(deps, ctx);
  return Promise.all(lanes.map(async (s) => ({ name: s.story.name, text: await answer(s) })));
}

/**
 * The developments this channel may see among each followed story's last `limit` alerts,
 * newest first, each as the first report of it shown here; `named` when it follows several
 * stories (lines then name theirs).
 */
async function followedAlerts(deps: CommandDeps, ctx: CommandContext, limit: number): Promise<{ alerts: AlertRecord[]; named: boolean }> {
  const stores = (await followedLanes(deps, ctx)).map((l) => l.store);
  const records = (await Promise.all(stores.map((s) => s.recentAlerts(limit)))).flat().sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  const settings = await deps.channels.getChannel(ctx.channel);
  const hidden = await othersPrivateFeeds(deps, ctx);
  const alerts = channelDevelopments({ settings, hidden, configuredTargets: deps.configuredTargets, defaultStory: deps.stories?.[0]?.id ?? deps.engine.story.id }, records);
  return { alerts, named: stores.length > 1 };
}

/** The last alerts of the stories this channel follows, newest first, each named by story when it follows several. */
async function latest(deps: CommandDeps, ctx: CommandContext, n: number): Promise<CommandReply> {
  const { alerts: recent, named } = await followedAlerts(deps, ctx, n * 10);
  const alerts = recent.slice(0, n);
  if (!alerts.length) return reply('No new developments have been alerted yet.');
  const lines = alerts.map(({ alert }, i) => `${i + 1}. ${named ? `[${alert.storyName}] ` : ''}*${inert(alert.headline)}* — ${inert(clip(alert.whatIsNew, 240))} ${alert.link}`);
  return reply(`Latest ${alerts.length} new development(s):\n${lines.join('\n')}`);
}

/**
 * Posted in the channel for everyone to read: only the configured feeds and this
 * channel's own, never another channel's; URLs and errors with their secrets redacted.
 */
async function status(deps: CommandDeps, ctx: CommandContext): Promise<CommandReply> {
  const channel = await deps.channels.getChannel(ctx.channel);
  const own = feedsOf(channel);
  const all = [...deps.configuredFeeds.map((f) => ({ ...f, label: f.id })), ...own.map((f) => ({ ...f, label: `this channel's ${redactUrl(f.url)}` }))];
  const lines: string[] = [];
  let failing = 0;
  for (const f of all.slice(0, 25)) {
    const s = await deps.store.getFeedState(f.id);
    if (s?.consecutiveFailures) failing++;
    const error = clip(redactUrlsIn(s?.lastError ?? ''), 120);
    const state = !s ? 'not polled yet' : s.paused ? `PAUSED after ${s.consecutiveFailures} failures: ${error}`
      : s.consecutiveFailures ? `${s.consecutiveFailures} failure(s), last: ${error}` : 'ok';
    lines.push(`• ${f.label} — ${state}${s?.lastPollAt ? ` (last poll ${s.lastPollAt})` : ''}`);
  }
  if (all.length > 25) lines.push(`… and ${all.length - 25} more feeds`);
  const depth = deps.queueDepth ? await deps.queueDepth() : undefined;
  const queue = depth ? `\nQueue depth: ${Object.entries(depth).map(([k, v]) => `${k} ${v}`).join(', ')}` : '';
  const watching = channel.watch.length ? channel.watch.join(', ') : 'everything (no watch terms)';
  const mine = settingsLines(channel, deps.now()).map((l) => `\n${l}`).join('');
  const lanes = await followedLanes(deps, ctx);
  const feedsLine = `${all.length} feed(s), ${failing} failing`;
  const head = lanes.length === 1
    ? `*${lanes[0]!.story.name}*: ${feedsLine}; ${lanes[0]!.knownArticles?.() ?? 0} articles known.`
    : `${lanes.map((l) => `*${l.story.name}*: ${l.knownArticles?.() ?? 0} articles known`).join('; ')}. ${feedsLine}.`;
  return reply(`${head}\nThis channel watches: ${watching}${mine}\n${lines.join('\n')}${queue}`);
}

async function track(deps: CommandDeps, ctx: CommandContext, cmd: Extract<Command, { name: 'track' }>): Promise<CommandReply> {
  return trackCommand(deps, ctx.channel, cmd);
}

async function watch(deps: CommandDeps, ctx: CommandContext, cmd: Extract<Command, { name: 'watch' }>): Promise<CommandReply> {
  const channel = await deps.channels.getChannel(ctx.channel);
  if (cmd.action === 'list') {
    return reply(channel.watch.length ? `This channel watches: ${channel.watch.join(', ')}` : 'This channel has no watch terms: it gets every alert it is subscribed to.', true);
  }
  const term = cmd.term.source;
  if (cmd.action === 'add') {
    if (channel.watch.includes(term)) return reply(`Already watching ${term}.`, true);
    if (channel.watch.length >= 50) return reply('A channel can have at most 50 watch terms; remove one first.', true);
    channel.watch.push(term);
  } else {
    if (!channel.watch.includes(term)) return reply(`Not watching ${term}; see \`/storywatch watch list\`.`, true);
    channel.watch = channel.watch.filter((t) => t !== term);
  }
  await deps.channels.putChannel(channel);
  return reply(`${cmd.action === 'add' ? 'Now watching' : 'No longer watching'} ${term}. This channel watches: ${channel.watch.join(', ') || 'everything'}.`, true);
}

async function feeds(deps: CommandDeps, ctx: CommandContext, cmd: Extract<Command, { name: 'feeds' }>): Promise<CommandReply> {
  const channel = await deps.channels.getChannel(ctx.channel);
  if (cmd.action === 'list') {
    const own = channel.feeds.map((f) => `• ${f.url}`);
    const global = deps.configuredFeeds.map((f) => `• ${redactUrl(f.url)} (configured)`);
    return reply([...own, ...global].join('\n') || 'No feeds.', true);
  }
  if (cmd.action === 'remove') {
    if (!channel.feeds.some((f) => f.url === cmd.url)) return reply(`This channel has no feed ${cmd.url}.`, true);
    channel.feeds = channel.feeds.filter((f) => f.url !== cmd.url);
    await deps.channels.putChannel(channel);
    return reply(`Removed ${cmd.url}.`, true);
  }
  if (channel.feeds.some((f) => f.url === cmd.url)) return reply(`${cmd.url} is already a feed of this channel.`, true);
  if (channel.feeds.length >= 100) return reply('A channel can have at most 100 feeds; remove one first.', true);
  try {
    await deps.checkFeedUrl(cmd.url);
  } catch (err) {
    return reply(`Refused ${cmd.url}: ${(err as Error).message}.`, true);
  }
  const preview = deps.fetchFeedPreview ? await previewFeed({ engine: deps.engine, fetchFeed: deps.fetchFeedPreview }, cmd.url) : undefined;
  if (preview && !preview.ok) return reply(preview.text, true);
  // Read again: the preview took a while, and another admin may have changed the channel.
  const fresh = await deps.channels.getChannel(ctx.channel);
  if (!fresh.feeds.some((f) => f.url === cmd.url)) fresh.feeds.push({ id: channelFeedId(ctx.channel, cmd.url), url: cmd.url });
  await deps.channels.putChannel(fresh);
  return reply(`${preview ? `${preview.text}\n` : ''}Added ${cmd.url}. Its first poll learns the existing items without alerting; new developments follow.`, true);
}

async function explain(deps: CommandDeps, ctx: CommandContext, url: string): Promise<CommandReply> {
  const hidden = await othersPrivateFeeds(deps, ctx);
  const lanes = await followedLanes(deps, ctx);
  const found: Array<{ lane: StoryAnswers; hit: ProcessedArticle }> = [];
  for (const lane of lanes) {
    const { entries } = await lane.store.knowledgeSince(0);
    const hit = [...entries].reverse().find((e) => e.article.url === url && !hidden.has(e.feedId));
    if (hit) found.push({ lane, hit });
  }
  if (!found.length) return reply(`storywatch has not seen ${url}: it is not in any polled feed yet, or it was published before the feed was added.`, true);
  const texts = await Promise.all(found.map(async ({ lane, hit }) => {
    const index = await askIndex(lane.store, lane.corpus);
    const secret = new Set(index.fromFeeds(hidden).map((r) => r.articleId));
    return unnameHidden(index, hidden, [judged(hit, lanes.length > 1 ? lane.story.name : undefined, secret)])[0]!;
  }));
  return reply(texts.join('\n\n'));
}

/** How one story's engine judged an article, with its reasons; named by story when the channel follows several. */
function judged(hit: ProcessedArticle, storyName: string | undefined, secret: Set<string>): string {
  const d = hit.decision;
  const copied = d.duplicateOf && secret.has(d.duplicateOf) ? 'an earlier report' : d.duplicateOf;
  const verdict = !d.relevant ? 'not about the story' : d.novel ? 'a new development (alerted)' : copied ? `a copy of ${copied}` : 'about the story, but not new';
  return [
    `${storyName ? `[${storyName}] ` : ''}*${hit.article.title}* was judged ${verdict}.`,
    `relevance ${d.relevance}, novelty ${d.novelty}${d.developmentId ? `, development ${d.developmentId}` : ''}`,
    ...d.reasons.map((r) => `• ${clip(r, 400)}`),
  ].join('\n');
}

async function digest(deps: CommandDeps, ctx: CommandContext, since: Date): Promise<CommandReply> {
  const { alerts: recent, named } = await followedAlerts(deps, ctx, 500);
  const alerts = recent.filter((a) => Date.parse(a.createdAt) >= since.getTime());
  const day = since.toISOString().slice(0, 10);
  if (!alerts.length) return reply(`No new developments since ${day}.`);
  const lines = alerts.slice(0, 15).reverse().map(({ alert, createdAt }) => `• ${createdAt.slice(0, 10)} ${named ? `[${alert.storyName}] ` : ''}*${inert(alert.headline)}* — ${inert(clip(alert.whatIsNew, 200))}`);
  const more = alerts.length > 15 ? `\n… and ${alerts.length - 15} earlier` : '';
  return reply(`${alerts.length} new development(s) since ${day}:\n${lines.join('\n')}${more}`);
}

function clip(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}

