/**
 * Composition root: config -> story and engine -> stores -> chat adapters -> runner.
 * Nothing else wires concrete implementations together. Without REDIS_URL: the SQLite
 * stores in the data directory and the in-process runner; with it: Redis stores and BullMQ workers, same pipeline.
 */
import { hostname } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { Writable } from 'node:stream';
import type { Redis } from 'ioredis';
import { createEngine, type Engine } from './analysis/engine.js';
import { createConsoleAdapter } from './chat/console/console-adapter.js';
import { createJsonlAdapter } from './chat/jsonl/jsonl-adapter.js';
import type { CommandDeps } from './chat/commands/handlers.js';
import type { ChatAdapter } from './chat/ports.js';
import type { AppConfig, FeedConfig } from './config/app-config.js';
import { loadStory } from './config/story.js';
import { DEFAULT_FETCH_OPTIONS, FetchError, fetchFeed, fetchPage, type FetchOptions, type PageRequest } from './feeds/fetcher.js';
import { createEnricher, DEFAULT_ENRICH_SETTINGS } from './feeds/enrich/enricher.js';
import { createRobotsCache } from './feeds/enrich/robots.js';
import { enrichArticles } from './pipeline/enrich-articles.js';
import { closeSharedPools } from './feeds/offthread/pool.js';
import { DEFAULT_PARSE_LIMITS, parseFeed } from './feeds/parser.js';
import { createDeliveryBackoff } from './pipeline/backoff.js';
import { createHostLimiter, type HostLimiter } from './feeds/politeness.js';
import { shareFetches } from './feeds/shared-fetch.js';
import { assertFetchableUrl } from './feeds/ssrf.js';
import type { Logger } from './log.js';
import { startEngine } from './pipeline/engine-state.js';
import { channelGate } from './pipeline/channel-policy.js';
import { runDigests } from './pipeline/digest.js';
import { alertAudience, allFeeds, channelTargets, disabledWatchTerms, feedAudience } from './pipeline/channels.js';
import type { PollDeps } from './pipeline/poll-feed.js';
import { createLanes, seenByAll, type Lanes, type StoryLane } from './pipeline/stories.js';
import { connectRedis, redisOptions } from './runners/bullmq/connection.js';
import { createBullmqRunner, type BullmqRunner } from './runners/bullmq/runner.js';
import { createInProcessRunner, type Runner } from './runners/inprocess.js';
import { createChatAdapters, type ListeningAdapter } from './chat/platforms.js';
import { createSqliteChannelStore } from './store/sqlite/channel-store.js';
import { createSqliteStore } from './store/sqlite/sqlite-store.js';
import { lockDataDir } from './store/file/dir-lock.js';
import { openStoreDatabase } from './store/sqlite/open.js';
import type { Db as Database } from './store/sqlite/database.js';
import type { ChannelStore, StateStore } from './store/ports.js';
import { createRedisChannelStore } from './store/redis/channel-store.js';
import { createRedisStore } from './store/redis/redis-store.js';
import { createMetrics } from './observability/metrics.js';
import { startOpsServer, type OpsServer, type ReadinessCheck } from './observability/http.js';
import { storyPages } from './web/routes.js';
import { existsSync, statSync } from 'node:fs';
import { STORIES_DIR } from './config/paths.js';
import { STORY_ID } from './story/write.js';
import { trackNewStory } from './story/track.js';
import { pageLinker } from './domain/page-link.js';

export interface App {
  mode: 'embedded' | 'bullmq';
  /** The default story's engine and store (the other stories: `lanes`). */
  engine: Engine;
  store: StateStore;
  lanes: Lanes;
  channels: ChannelStore;
  adapters: ChatAdapter[];
  /** The in-process runner (embedded mode only): `tick()` polls once. */
  runner?: Runner;
  bullmq?: BullmqRunner;
  /** Port of /healthz, /readyz, /metrics once started (when configured). */
  readonly httpPort: number | undefined;
  start(): Promise<void>;
  close(): Promise<void>;
}

export interface AppDeps {
  config: AppConfig;
  log: Logger;
  alertsOut?: Writable;
  now?: () => Date;
}

export async function createApp(deps: AppDeps): Promise<App> {
  if (!deps.config.redisUrl) {
    // Before anything is read: a second runner on this directory would post every alert again.
    const lock = await lockDataDir(deps.config.dataDir);
    let db: Database | undefined;
    try {
      const sqlite = { dir: deps.config.dataDir, warn: (m: string) => deps.log.warn(m), info: (m: string) => deps.log.info(m) };
      ({ db } = openStoreDatabase(sqlite));
      const shared = db;
      // The default story keeps the data directory's database (with the channels); each other
      // story has its own database under stories/<id>/, so stories never wait on each other.
      const storeFor = (id: string) => id === deps.config.story
        ? createSqliteStore({ ...sqlite, db: shared, retention: deps.config.retention })
        : createSqliteStore({ ...sqlite, dir: path.join(deps.config.dataDir, 'stories', id), retention: deps.config.retention });
      const app = await assemble(deps, storeFor, createSqliteChannelStore({ ...sqlite, db, retention: deps.config.retention }));
      const close = app.close.bind(app);
      app.close = async () => {
        try {
          await close();
        } finally {
          db!.close();
          await lock.release();
        }
      };
      return app;
    } catch (err) {
      db?.close();
      await lock.release();
      throw err;
    }
  }
  const redis = await connectRedis(deps.config.redisUrl, 'the scale-out runner');
  // Each story under its own prefix: the default story's is the one a single-story deployment used.
  const prefixOf = (id: string) => `${deps.config.queuePrefix ?? 'storywatch'}:${id}:`;
  const storeFor = (id: string) => createRedisStore({ redis, prefix: prefixOf(id), retention: deps.config.retention, warn: (m: string) => deps.log.warn(m) });
  const channels = createRedisChannelStore({ redis, prefix: prefixOf(deps.config.story), retention: deps.config.retention, warn: (m: string) => deps.log.warn(m) });
  return assemble(deps, storeFor, channels, redis);
}

/**
 * Fetches through the host limiter; a Retry-After holds back every feed on that host,
 * but only that host's feeds: they are deferred (HostBusyError), nobody sleeps on it.
 */
async function politeFetch<T>(limiter: HostLimiter, url: string, fetch: () => Promise<T>): Promise<T> {
  let host = url;
  try {
    host = new URL(url).host;
  } catch {
    // an unparsable URL fails inside fetch with a clear message
  }
  try {
    return await limiter.run(host, fetch);
  } catch (err) {
    if (err instanceof FetchError && err.retryAfterMs) limiter.backOff(host, err.retryAfterMs);
    throw err;
  }
}

/**
 * The enrichment step both runners get through pollFeed: publisher pages and robots.txt
 * through the same SSRF guard, host limiter and shutdown signal as the feeds.
 */
function enrichStep(config: AppConfig, fetchOptions: FetchOptions, limiter: HostLimiter, log: Logger): PollDeps['enrich'] {
  const e = { ...DEFAULT_ENRICH_SETTINGS, concurrency: 4, pollBudgetMs: 60_000, ...config.enrich };
  const fetch = (url: string, req: PageRequest, lim: { timeoutMs: number; maxBytes: number }) => politeFetch(limiter, url, () => fetchPage(url, {
    ...fetchOptions, totalTimeoutMs: lim.timeoutMs, connectTimeoutMs: Math.min(fetchOptions.connectTimeoutMs, lim.timeoutMs), maxBytes: lim.maxBytes,
  }, req));
  const robots = createRobotsCache({
    userAgent: fetchOptions.userAgent,
    // RFC 9309 asks parsers to read at least 500 KiB of a robots.txt.
    fetchText: async (url) => (await fetch(url, { accept: 'text/plain, */*;q=0.5' }, { timeoutMs: Math.min(5000, e.pageBudgetMs), maxBytes: 512 * 1024 })).body,
  });
  const enricher = createEnricher({ fetch, robots, settings: e });
  return (feed, articles) => enrichArticles({ enricher, log, concurrency: e.concurrency, pollBudgetMs: e.pollBudgetMs }, feed, articles);
}

/** How often the embedded engine's snapshot is saved (when it learned something since). */
const SNAPSHOT_EVERY_MS = 10 * 60_000;

/** Longest a fetch or a post waits for its host's turn; beyond it, it is deferred. */
const HOST_MAX_WAIT_MS = 5_000;

async function assemble(deps: AppDeps, storeFor: (story: string) => StateStore, channels: ChannelStore, redis?: Redis): Promise<App> {
  const { config, log, now = () => new Date() } = deps;
  const loaded = (config.stories ?? [config.story]).map((id) => {
    const l = loadStory(id, config.storiesDir);
    for (const w of l.warnings) log.warn(w);
    return { ...l, engine: createEngine(l.story, l.corpus), store: storeFor(id) };
  });
  const { corpus, engine, store } = loaded[0]!;
  const policy = { allow: config.fetch.allowPrivate };
  // Aborted on close: fetches in flight end at once instead of running to their deadline.
  const shutdown = new AbortController();
  const fetchOptions = { ...DEFAULT_FETCH_OPTIONS, ...config.fetch, userAgent: config.fetch.userAgent ?? DEFAULT_FETCH_OPTIONS.userAgent, policy, signal: shutdown.signal };
  const limiter = createHostLimiter({ minIntervalMs: config.fetch.perHostIntervalMs, maxConcurrent: config.fetch.perHostConcurrency, maxWaitMs: HOST_MAX_WAIT_MS, perHost: config.fetch.perHost });
  const feedsOf = (feed: FeedConfig) => lanes.of(feed);
  const poll: PollDeps = {
    store, log, now, intervalMs: config.pollIntervalSeconds * 1000,
    seen: (feed, ids) => seenByAll(feedsOf(feed), ids),
    // Feeds sharing a URL share its fetch within half a poll interval: one round's polls of
    // that URL, never a feed's own next poll (due an interval later, at most 10% early).
    fetch: shareFetches((url, prev) => politeFetch(limiter, url, () => fetchFeed(url, prev, fetchOptions)), config.pollIntervalSeconds * 500, { now: () => now().getTime() }),
    parse: (xml, url, identity) => parseFeed(xml, url, DEFAULT_PARSE_LIMITS, identity),
    enrich: enrichStep(config, fetchOptions, limiter, log),
  };
  const metrics = createMetrics();
  const audienceOf = alertAudience(config.feeds, config.targets, channels, config.story);
  const laneOf = (l: (typeof loaded)[number], addedWhileRunning?: boolean, trackedAt?: number): StoryLane => ({
    id: l.story.id, engine: l.engine, corpus: l.corpus, store: l.store, addedWhileRunning, trackedAt,
    analyze: { engine: l.engine, store: l.store, targets: config.targets, channelTargets: channelTargets(channels), now, metrics, audience: audienceOf, retentionDays: config.retention?.days },
  });
  // A story another process tracked while running: read from the stories folder when first asked for.
  const loadLane = (id: string): StoryLane | undefined => {
    const file = path.join(config.storiesDir ?? STORIES_DIR, id, 'story.yaml');
    if (!STORY_ID.test(id) || !existsSync(file)) return undefined;
    try {
      const l = loadStory(id, config.storiesDir);
      log.info(`story "${l.story.name}" (${id}) was tracked while running: loaded from the stories folder`);
      // `stories`, `follow` and the other commands answer for it here too.
      if (!commands.stories!.some((s) => s.id === id)) commands.stories!.push({ id, name: l.story.name });
      // Written when it was tracked: what feeds publish after that is news to it.
      return laneOf({ ...l, engine: createEngine(l.story, l.corpus), store: storeFor(id) }, true, statSync(file).mtimeMs);
    } catch (err) {
      log.warn(`story "${id}" is followed but cannot be loaded: ${(err as Error).message}`, { todo: `fix config/stories/${id}/story.yaml (storywatch story check ${id})` });
      return undefined;
    }
  };
  const lanes = createLanes(loaded.map((l) => laneOf(l)), loadLane);
  const analyze = lanes.primary.analyze;
  for (const d of await disabledWatchTerms(channels)) {
    log.warn(`channel ${d.channel}: watch term ${d.term} is disabled: ${d.why}`, { todo: `remove it with /storywatch watch remove ${d.term}, or add a simpler one` });
  }
  const feeds = allFeeds(config.feeds, channels, config.story);
  const audience = feedAudience(config.targets, channels, config.feeds);
  // Chat platforms allow about a message a second per channel; console and files need no pacing.
  const channelLimiter = createHostLimiter({ minIntervalMs: 1000, maxConcurrent: 1, maxWaitMs: HOST_MAX_WAIT_MS });
  const pace: HostLimiter = {
    run: (target, fn) => (/^(slack|discord):/.test(target) ? channelLimiter.run(target, fn) : fn()),
    backOff: (target, ms) => channelLimiter.backOff(target, ms),
  };
  const mergeWindowMs = (config.followUpMergeSeconds ?? 60) * 1000;
  let queueDepth: CommandDeps['queueDepth'];
  const commands: CommandDeps = {
    store, channels, engine, corpus, configuredFeeds: config.feeds, configuredTargets: config.targets, now,
    stories: loaded.map((l) => ({ id: l.story.id, name: l.story.name })),
    trackStory: (id, urls) => trackNewStory({
      root: config.storiesDir ?? STORIES_DIR, configFile: config.configFile, log,
      fetchPage: (url, req) => politeFetch(limiter, url, () => fetchPage(url, fetchOptions, req)),
      start: async (lane) => {
        if (!redis) await startEngine({ engine: lane.engine, store: lane.store, log, retentionDays: config.retention?.days, now });
        lanes.add(lane);
      },
      lane: loadLane,
    }, id, urls),
    laneOf: (id) => {
      const l = lanes.get(id);
      return l && { store: l.store, corpus: l.corpus, story: l.engine.story, knownArticles: () => l.engine.knownArticles, hasDevelopment: (dev) => l.engine.developments().some((d) => d.id === dev) };
    },
    checkFeedUrl: (url) => assertFetchableUrl(url, policy),
    fetchFeedPreview: async (url) => {
      const r = await politeFetch(limiter, url, () => fetchFeed(url, {}, fetchOptions));
      if (r.kind !== 'ok') throw new Error(`the server answered ${r.status} with no feed`);
      return parseFeed(r.body, url, DEFAULT_PARSE_LIMITS);
    },
    queueDepth: () => (queueDepth ? queueDepth() : Promise.resolve({})),
  };
  const platforms: ListeningAdapter[] = await createChatAdapters(config, commands, log, (p) => metrics.rateLimited(p));
  const adapters: ChatAdapter[] = [createConsoleAdapter(deps.alertsOut), createJsonlAdapter(), ...platforms];
  const gate = channelGate(channels, loaded[0]!.story.id, now);
  const pageLink = pageLinker(config.publicUrl);
  const zoneOf = async (target: string) => (await channels.getChannel(target)).digest?.zone ?? 'UTC';
  const digests = () => runDigests({ channels, store, stores: lanes.all.map((l) => l.store), adapters, log, now, configuredTargets: config.targets, configuredFeeds: config.feeds, defaultStory: config.story });
  let ops: OpsServer | undefined;
  const listen = async (recording?: ReadinessCheck) => {
    if (config.commands) for (const p of platforms) await p.start();
    if (!config.http) return;
    const checks: ReadinessCheck[] = platforms.map((p) => ({ name: p.name, check: () => p.ready?.() ?? Promise.resolve(true) }));
    if (recording) checks.push(recording);
    // A write, not a PING: a Redis that answers but refuses writes (OOM, a read-only replica)
    // records nothing, and that is not ready.
    const probe = `${config.queuePrefix ?? 'storywatch'}:${config.story}:ready-probe`;
    if (redis) checks.unshift({ name: 'redis', check: async () => (await redis.set(probe, String(Date.now()), 'PX', 60_000)) === 'OK' });
    // The story pages read each story's log; the kinds of its developments come from the
    // engine where it runs in this process (on BullMQ the workers hold it).
    const routes = storyPages(() => lanes.all.map((l) => ({ id: l.id, name: l.engine.story.name, store: l.store, developments: redis ? undefined : () => l.engine.developments() })));
    ops = await startOpsServer({ ...config.http, metrics, checks, routes });
    log.info(`health and metrics on http://${config.http.host}:${ops.port} (/healthz, /readyz, /metrics, /stories)`);
  };
  const closeAdapters = async () => {
    await ops?.close();
    for (const a of adapters) await a.close().catch((err: Error) => log.warn(`closing ${a.name}: ${err.message}`));
  };

  const closeStores = async () => {
    for (const l of lanes.all) await l.store.close();
  };
  if (!redis) {
    const started: Array<{ save(): Promise<unknown> }> = [];
    for (const l of loaded) {
      const known = await startEngine({ engine: l.engine, store: l.store, log, retentionDays: config.retention?.days, now });
      const how = known.from === 'snapshot' ? `from its snapshot + ${known.read} article(s) read after it` : `${known.read} article(s) read from the log`;
      log.info(`story "${l.story.name}": ${l.corpus.length} seed articles + ${l.engine.knownArticles - l.corpus.length} remembered (${how})`,
        { dataDir: config.dataDir, developments: l.engine.knownDevelopments });
      started.push(known);
    }
    const saveEngine = async () => {
      for (const known of started) await known.save().catch((err: Error) => log.warn(`cannot save the engine snapshot: ${err.message}; the next start re-reads the articles since the last one`));
    };
    // Off the hot path and rarely: a crash costs only a replay of what came after it.
    const snapshots = setInterval(() => void saveEngine(), SNAPSHOT_EVERY_MS);
    snapshots.unref();
    const runner = createInProcessRunner({
      feeds, feedAudience: audience, log, poll, analyze, lanes, metrics, tickMs: Math.min(config.pollIntervalSeconds, 30) * 1000,
      deliver: { store, adapters, log, pace, mergeWindowMs, metrics, gate, zoneOf, backoff: createDeliveryBackoff(), pageLink }, digests,
    });
    return {
      mode: 'embedded', engine, store, lanes, channels, adapters, runner,
      get httpPort() {
        return ops?.port;
      },
      async start() {
        await listen({ name: 'poll-cycle', check: async () => runner.recording().ok });
        runner.start();
      },
      async close() {
        shutdown.abort();
        clearInterval(snapshots);
        await runner.stop();
        await closeSharedPools();
        await saveEngine();
        await closeAdapters();
        await closeStores();
      },
    };
  }

  const prefix = config.queuePrefix ?? 'storywatch';
  const workerId = `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
  log.info(`stories ${loaded.map((l) => `"${l.story.name}"`).join(', ')}: BullMQ runner ${workerId} on Redis, prefix "${prefix}"`);
  const bullmq = createBullmqRunner({
    feeds, feedAudience: audience, redis, prefix, workerId, intervalMs: config.pollIntervalSeconds * 1000,
    connection: { ...redisOptions(config.redisUrl!), maxRetriesPerRequest: null },
    poll, analyze, store, engine, lanes, adapters, log, pace, mergeWindowMs, metrics, gate, digests, pageLink,
    sweepMs: (config.sweepSeconds ?? 30) * 1000,
  });
  queueDepth = async () => {
    const out: Record<string, number> = {};
    for (const [name, q] of Object.entries(bullmq.queues)) out[name] = await q.count();
    return out;
  };
  metrics.setQueueDepth(queueDepth);
  return {
    mode: 'bullmq', engine, store, lanes, channels, adapters, bullmq,
    get httpPort() {
      return ops?.port;
    },
    async start() {
      await bullmq.start();
      await listen({ name: 'poll-cycle', check: async () => bullmq.recording().ok });
    },
    async close() {
      shutdown.abort();
      await bullmq.stop();
      await closeSharedPools();
      await closeAdapters();
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
