/**
 * Application configuration: config/default.yaml (or STORYWATCH_CONFIG) overlaid with
 * environment variables. The only module that reads process.env; validated once at
 * start-up, and one error lists every bad setting.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { AppError } from '../domain/errors.js';
import { redactUrl } from '../domain/redact.js';
import { CONFIG_DIR } from './paths.js';
import { VERSION } from './version.js';
import { listStories } from './story.js';
import { unknownKeys } from './unknown-keys.js';

/** Names the software and its version; STORYWATCH_USER_AGENT adds the operator's contact. */
export const DEFAULT_USER_AGENT = `storywatch/${VERSION} (self-hosted news monitor; set STORYWATCH_USER_AGENT to add a contact)`;

const FeedSchema = z.object({
  id: z.string().regex(/^[A-Za-z0-9._-]{1,80}$/, 'letters, digits, dot, dash, underscore (max 80)'),
  url: z.string().url(),
  /** Fetch the publisher's page for the article text: when the item is short, always, or never. */
  fullText: z.enum(['auto', 'always', 'never']).default('auto'),
  /** Stories this feed's articles are judged for (default: the default story). */
  stories: z.array(z.string().min(1)).min(1).optional(),
});

/** A host's own politeness (e.g. Google News serves every search feed from one host). */
const HostRuleSchema = z.object({
  intervalMs: z.number().int().min(0).max(600_000).optional(),
  concurrency: z.number().int().min(1).max(64).optional(),
});

const FileSchema = z.object({
  story: z.string().default('minerals-deal'),
  /** Stories tracked: "all" (every folder under config/stories) or a list of ids. */
  stories: z.union([z.literal('all'), z.array(z.string().min(1)).min(1)]).default('all'),
  dataDir: z.string().default('./data'),
  pollIntervalSeconds: z.number().int().min(1).max(86_400).default(300),
  targets: z.array(z.string().min(1)).default(['console']),
  feeds: z.array(FeedSchema).default([]),
  fetch: z
    .object({
      connectTimeoutMs: z.number().int().min(100).default(5000),
      totalTimeoutMs: z.number().int().min(100).default(20_000),
      maxBytes: z.number().int().min(1024).default(5 * 1024 * 1024),
      maxRedirects: z.number().int().min(0).max(10).default(5),
      /** Sent with every request; publishers ask for a way to reach the operator. */
      userAgent: z.string().regex(/^[\x20-\x7e]{1,200}$/, 'printable ASCII on one line').optional(),
      perHostIntervalMs: z.number().int().min(0).max(600_000).default(1000),
      perHostConcurrency: z.number().int().min(1).max(64).default(2),
      /** Per-host overrides of the two settings above, by host name. */
      perHost: z.record(z.string().min(1), HostRuleSchema).default({}),
    })
    .default({}),
  /** Full text from publisher pages (feeds/enrich). */
  enrich: z
    .object({
      pageBudgetMs: z.number().int().min(100).max(120_000).default(10_000),
      shortTextChars: z.number().int().min(0).max(100_000).default(500),
      maxPageBytes: z.number().int().min(1024).default(2 * 1024 * 1024),
      concurrency: z.number().int().min(1).max(32).default(4),
      pollBudgetMs: z.number().int().min(100).max(3_600_000).default(60_000),
      googleNewsBaseUrl: z.string().url().default('https://news.google.com'),
    })
    .default({}),
  /** How long the store and the engine keep what they learned (src/store/retention.ts). */
  retention: z
    .object({
      days: z.number().int().min(1).max(36_500).default(180),
      seenDays: z.number().int().min(1).max(36_500).default(400),
    })
    .default({}),
});

const EnvSchema = z.object({
  STORYWATCH_CONFIG: z.string().optional(),
  /** Read by env-file.ts before this schema sees anything; listed so it is documented. */
  STORYWATCH_ENV_FILE: z.string().optional(),
  // Printable ASCII on one line: it goes into a request header as it is.
  STORYWATCH_USER_AGENT: z.string().regex(/^[\x20-\x7e]{1,200}$/, 'printable ASCII on one line, at most 200 characters').optional(),
  STORYWATCH_STORY: z.string().optional(),
  STORYWATCH_STORIES: z.string().optional(),
  STORYWATCH_STORIES_DIR: z.string().optional(),
  STORYWATCH_DATA_DIR: z.string().optional(),
  STORYWATCH_POLL_INTERVAL: z.coerce.number().int().min(1).max(86_400).optional(),
  STORYWATCH_FEEDS: z.string().optional(),
  STORYWATCH_ALLOW_PRIVATE_HOSTS: z.string().optional(),
  STORYWATCH_LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).optional(),
  STORYWATCH_LOG_FORMAT: z.enum(['text', 'json']).optional(),
  STORYWATCH_TARGETS: z.string().optional(),
  STORYWATCH_PER_HOST_INTERVAL_MS: z.coerce.number().int().min(0).max(600_000).optional(),
  STORYWATCH_QUEUE_PREFIX: z.string().regex(/^[A-Za-z0-9_.-]{1,60}$/, 'letters, digits, dot, dash, underscore').optional(),
  REDIS_URL: z.string().url().optional(),
  STORYWATCH_COMMANDS: z.enum(['on', 'off']).optional(),
  STORYWATCH_FOLLOWUP_MERGE_SECONDS: z.coerce.number().int().min(0).max(3600).optional(),
  STORYWATCH_HTTP_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  STORYWATCH_SWEEP_SECONDS: z.coerce.number().int().min(1).max(3600).optional(),
  STORYWATCH_HTTP_HOST: z.string().min(1).optional(),
  STORYWATCH_PUBLIC_URL: z.string().url().refine((u) => /^https?:\/\//i.test(u), 'an http(s) URL').optional(),
  STORYWATCH_RETENTION_DAYS: z.coerce.number().int().min(1).max(36_500).optional(),
  STORYWATCH_SEEN_DAYS: z.coerce.number().int().min(1).max(36_500).optional(),
  SLACK_BOT_TOKEN: z.string().regex(/^xox[a-z]-/, 'a Slack bot token starts with xoxb-').optional(),
  SLACK_SIGNING_SECRET: z.string().min(8).optional(),
  SLACK_APP_TOKEN: z.string().regex(/^xapp-/, 'a Slack app-level token starts with xapp- (Socket Mode)').optional(),
  SLACK_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  SLACK_ADMIN_USER_IDS: z.string().optional(),
  SLACK_API_URL: z.string().url().optional(),
  DISCORD_TOKEN: z.string().min(20).optional(),
  DISCORD_APPLICATION_ID: z.string().regex(/^\d+$/, 'a numeric application id').optional(),
  DISCORD_GUILD_ID: z.string().regex(/^\d+$/, 'a numeric guild id').optional(),
  DISCORD_API_URL: z.string().url().optional(),
}).superRefine((e, ctx) => {
  // HTTP mode needs the signing secret; Socket Mode (an app-level token) needs none.
  if (e.SLACK_BOT_TOKEN && !e.SLACK_SIGNING_SECRET && !e.SLACK_APP_TOKEN) {
    ctx.addIssue({ code: 'custom', path: ['SLACK_SIGNING_SECRET'], message: 'Slack needs SLACK_SIGNING_SECRET (HTTP mode) or SLACK_APP_TOKEN (Socket Mode) besides SLACK_BOT_TOKEN' });
  }
  if (!e.SLACK_BOT_TOKEN && (e.SLACK_SIGNING_SECRET || e.SLACK_APP_TOKEN)) {
    ctx.addIssue({ code: 'custom', path: ['SLACK_BOT_TOKEN'], message: 'Slack needs SLACK_BOT_TOKEN besides SLACK_SIGNING_SECRET or SLACK_APP_TOKEN' });
  }
});

/** Every variable the configuration reads (what .env.example must list). */
export const ENV_NAMES: readonly string[] = Object.keys(EnvSchema.innerType().shape);

/** Channels' feeds carry no setting: `fullText` defaults to auto. */
export type FeedConfig = Omit<z.infer<typeof FeedSchema>, 'fullText' | 'stories'> & { fullText?: z.infer<typeof FeedSchema>['fullText']; stories?: string[] | undefined };
export type HostRule = z.infer<typeof HostRuleSchema>;
export type EnrichConfig = z.infer<typeof FileSchema>['enrich'];

export interface AppConfig {
  configFile: string;
  /** The default story: owns feeds that name none, and channels follow it until told otherwise. */
  story: string;
  /** Every story this deployment tracks (the default story among them); unset: just `story`. */
  stories?: string[] | undefined;
  /** Where story folders live (default config/stories). */
  storiesDir?: string | undefined;
  dataDir: string;
  pollIntervalSeconds: number;
  targets: string[];
  feeds: FeedConfig[];
  fetch: Omit<z.infer<typeof FileSchema>['fetch'], 'perHost' | 'userAgent'> & { userAgent?: string | undefined; perHost?: Record<string, HostRule> | undefined; allowPrivate: string[] };
  /** Defaults apply when unset (configs built in code). */
  enrich?: EnrichConfig | undefined;
  /** Days analysed articles and quiet developments are kept; seen ids (never below `days`). Default 180 / 400. */
  retention?: { days: number; seenDays: number } | undefined;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  /** Told at start-up: the config loads, but something in it does nothing (unknown keys). */
  warnings?: string[] | undefined;
  logFormat?: 'text' | 'json' | undefined;
  redisUrl?: string | undefined;
  /** BullMQ and store key prefix: one per deployment. */
  queuePrefix?: string | undefined;
  /** Seconds follow-ups of one development wait to be merged into one post. */
  followUpMergeSeconds?: number | undefined;
  /** How often the BullMQ leader re-queues pending deliveries (seconds). */
  sweepSeconds?: number | undefined;
  /** /healthz, /readyz and /metrics on this port (unset: no HTTP server). */
  http?: { port: number; host: string } | undefined;
  /** The address people reach the story pages at (alerts link to their development there). */
  publicUrl?: string | undefined;
  /** Whether this process listens for slash commands (one process per deployment should). */
  commands: boolean;
  /** Socket Mode when appToken is set (no public URL); else the HTTP endpoint on `port`. */
  slack?: { botToken: string; signingSecret?: string | undefined; appToken?: string | undefined; port: number; adminUserIds: string[]; apiUrl?: string | undefined } | undefined;
  discord?: { token: string; applicationId?: string | undefined; guildId?: string | undefined; apiUrl?: string | undefined } | undefined;
}

function issues(err: z.ZodError, where: string): string[] {
  return err.issues.map((i) => `${where}${i.path.length ? ` ${i.path.join('.')}` : ''}: ${i.message}`);
}

/** Delivery targets, as the adapters accept them. */
const TARGET_FORMS = 'console, jsonl:/path/alerts.jsonl, slack:<channel id, e.g. C0123ABC>, discord:<numeric channel id>';

/** Every target's form, and that its platform is configured: a typo must fail now, not at the first alert. */
function targetProblems(targets: string[], e: z.infer<typeof EnvSchema>, cwd: string): string[] {
  const out: string[] = [];
  for (const t of targets) {
    if (t === 'console') continue;
    if (t.startsWith('jsonl:')) {
      const file = t.slice('jsonl:'.length);
      if (!file) out.push(`target "${t}": a jsonl target needs a file path (jsonl:/path/alerts.jsonl)`);
      else if (!existsSync(path.dirname(path.resolve(cwd, file)))) out.push(`target "${t}": directory ${path.dirname(path.resolve(cwd, file))} does not exist`);
    } else if (t.startsWith('slack:')) {
      if (!/^slack:[A-Z0-9]+$/.test(t)) out.push(`target "${t}": a Slack channel id is upper-case letters and digits, e.g. slack:C0123ABC`);
      else if (!e.SLACK_BOT_TOKEN) out.push(`target "${t}": Slack is not configured (set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET, or SLACK_APP_TOKEN for Socket Mode)`);
    } else if (t.startsWith('discord:')) {
      if (!/^discord:\d+$/.test(t)) out.push(`target "${t}": a Discord channel id is a number, e.g. discord:123456789012345678`);
      else if (!e.DISCORD_TOKEN) out.push(`target "${t}": Discord is not configured (set DISCORD_TOKEN)`);
    } else {
      out.push(`target "${t}" is not a known form; use ${TARGET_FORMS}`);
    }
  }
  return out;
}

export function loadConfig(rawEnv: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): AppConfig {
  // Empty means unset: compose passes every line of .env, most of them `NAME=`.
  const env = Object.fromEntries(Object.entries(rawEnv).filter(([, v]) => v !== undefined && v.trim() !== ''));
  const envParsed = EnvSchema.safeParse(env);
  const problems: string[] = envParsed.success ? [] : issues(envParsed.error, 'environment');
  const e = envParsed.success ? envParsed.data : {};
  const configFile = path.resolve(cwd, e.STORYWATCH_CONFIG ?? path.join(CONFIG_DIR, 'default.yaml'));
  let raw: unknown = {};
  if (!existsSync(configFile)) problems.push(`${configFile}: file not found`);
  else {
    try {
      raw = parseYaml(readFileSync(configFile, 'utf8')) ?? {};
    } catch (err) {
      problems.push(`${configFile}: not valid YAML: ${(err as Error).message.split('\n')[0]}`);
    }
  }
  const file = FileSchema.safeParse(raw);
  if (!file.success) problems.push(...issues(file.error, configFile));
  const targets = e.STORYWATCH_TARGETS ? splitList(e.STORYWATCH_TARGETS) : file.success ? file.data.targets : [];
  problems.push(...targetProblems(targets, e, cwd));
  if (problems.length || !file.success) {
    throw new AppError(`invalid configuration:\n  - ${problems.join('\n  - ')}`, 'CONFIG_INVALID',
      'fix the settings above (see .env.example and config/default.yaml)');
  }
  const cfg = file.data;
  const feeds = e.STORYWATCH_FEEDS ? feedsFromList(e.STORYWATCH_FEEDS) : cfg.feeds;
  // Two feeds sharing an id share one state: one of them would be re-primed on every poll.
  const dupes = duplicates(feeds.map((f) => f.id));
  if (dupes.length) {
    throw new AppError(`invalid configuration:\n  - ${dupes.map((id) => `feed id "${id}" is used by ${feeds.filter((f) => f.id === id).map((f) => redactUrl(f.url)).join(' and ')}`).join('\n  - ')}`,
      'CONFIG_INVALID', e.STORYWATCH_FEEDS ? 'list each URL in STORYWATCH_FEEDS once' : `give every feed in ${configFile} its own id`);
  }
  const story = e.STORYWATCH_STORY ?? cfg.story;
  const storiesDir = e.STORYWATCH_STORIES_DIR ? path.resolve(cwd, e.STORYWATCH_STORIES_DIR) : undefined;
  const stories = trackedStories(e.STORYWATCH_STORIES ? (e.STORYWATCH_STORIES.trim() === 'all' ? 'all' : splitList(e.STORYWATCH_STORIES)) : cfg.stories, story, feeds, configFile, storiesDir);
  return {
    configFile,
    story,
    stories,
    storiesDir,
    dataDir: path.resolve(cwd, e.STORYWATCH_DATA_DIR ?? cfg.dataDir),
    pollIntervalSeconds: e.STORYWATCH_POLL_INTERVAL ?? cfg.pollIntervalSeconds,
    targets,
    warnings: unknownKeys(FileSchema, raw).map((w) => `${configFile}: ${w}`),
    feeds,
    fetch: {
      ...cfg.fetch,
      perHostIntervalMs: e.STORYWATCH_PER_HOST_INTERVAL_MS ?? cfg.fetch.perHostIntervalMs,
      userAgent: e.STORYWATCH_USER_AGENT ?? cfg.fetch.userAgent ?? DEFAULT_USER_AGENT,
      allowPrivate: splitList(e.STORYWATCH_ALLOW_PRIVATE_HOSTS),
    },
    enrich: cfg.enrich,
    logLevel: e.STORYWATCH_LOG_LEVEL ?? 'info',
    logFormat: e.STORYWATCH_LOG_FORMAT ?? 'text',
    redisUrl: e.REDIS_URL,
    queuePrefix: e.STORYWATCH_QUEUE_PREFIX ?? 'storywatch',
    commands: (e.STORYWATCH_COMMANDS ?? 'on') === 'on',
    followUpMergeSeconds: e.STORYWATCH_FOLLOWUP_MERGE_SECONDS ?? 60,
    sweepSeconds: e.STORYWATCH_SWEEP_SECONDS ?? 30,
    retention: { days: e.STORYWATCH_RETENTION_DAYS ?? cfg.retention.days, seenDays: e.STORYWATCH_SEEN_DAYS ?? cfg.retention.seenDays },
    // Loopback unless the operator says otherwise (in a container: STORYWATCH_HTTP_HOST=0.0.0.0).
    http: e.STORYWATCH_HTTP_PORT !== undefined ? { port: e.STORYWATCH_HTTP_PORT, host: e.STORYWATCH_HTTP_HOST ?? '127.0.0.1' } : undefined,
    publicUrl: e.STORYWATCH_PUBLIC_URL,
    slack: e.SLACK_BOT_TOKEN && (e.SLACK_SIGNING_SECRET || e.SLACK_APP_TOKEN)
      ? { botToken: e.SLACK_BOT_TOKEN, signingSecret: e.SLACK_SIGNING_SECRET, appToken: e.SLACK_APP_TOKEN, port: e.SLACK_PORT ?? 3000, adminUserIds: splitList(e.SLACK_ADMIN_USER_IDS), apiUrl: e.SLACK_API_URL }
      : undefined,
    discord: e.DISCORD_TOKEN
      ? { token: e.DISCORD_TOKEN, applicationId: e.DISCORD_APPLICATION_ID, guildId: e.DISCORD_GUILD_ID, apiUrl: e.DISCORD_API_URL }
      : undefined,
  };
}

/**
 * The default story first, then the others; a feed naming a story that is not tracked
 * is a configuration error (its articles would be dropped without a word).
 */
function trackedStories(wanted: 'all' | string[], story: string, feeds: FeedConfig[], configFile: string, root?: string): string[] {
  const listed = wanted === 'all' ? listStories(root) : wanted;
  const out = [...new Set([story, ...listed])];
  const missing = feeds.flatMap((f) => (f.stories ?? []).filter((s) => !out.includes(s)).map((s) => `feed "${f.id}" names story "${s}", which is not tracked`));
  if (missing.length) {
    throw new AppError(`invalid configuration:\n  - ${missing.join('\n  - ')}`, 'CONFIG_INVALID', `add the story to "stories" in ${configFile} (or STORYWATCH_STORIES), or fix the feed's stories`);
  }
  return out;
}

function splitList(v: string | undefined): string[] {
  return (v ?? '').split(',').map((s) => s.trim()).filter(Boolean);
}

/**
 * Feeds given as a URL list get an id derived from the URL (host + hash), never from their
 * position: removing one URL must not shift the others onto each other's state.
 */
export function feedIdFromUrl(url: string): string {
  let host = 'feed';
  try {
    host = new URL(url).hostname.replace(/[^A-Za-z0-9.-]/g, '-').slice(0, 60) || 'feed';
  } catch {
    // reported by the URL check
  }
  return `${host}-${createHash('sha256').update(url).digest('hex').slice(0, 12)}`;
}

function feedsFromList(v: string): FeedConfig[] {
  return splitList(v).map((url, i) => {
    const parsed = FeedSchema.safeParse({ id: feedIdFromUrl(url), url });
    if (!parsed.success) {
      throw new AppError(`STORYWATCH_FEEDS entry ${i + 1} is not a URL: ${url.slice(0, 100)}`, 'CONFIG_INVALID', 'give comma-separated http(s) URLs');
    }
    return parsed.data;
  });
}

function duplicates(ids: string[]): string[] {
  const seen = new Set<string>();
  return [...new Set(ids.filter((id) => (seen.has(id) ? true : (seen.add(id), false))))];
}
