/**
 * Composition root: config -> story and engine -> store -> adapters -> runner.
 * Nothing else wires concrete implementations together. Without REDIS_URL: file store
 * and in-process runner; with it: Redis store and BullMQ workers, same pipeline.
 */
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { Writable } from 'node:stream';
import { createEngine, type Engine } from './analysis/engine.js';
import { createConsoleAdapter } from './chat/console/console-adapter.js';
import { createJsonlAdapter } from './chat/jsonl/jsonl-adapter.js';
import type { ChatAdapter } from './chat/ports.js';
import type { AppConfig } from './config/app-config.js';
import { loadStory } from './config/story.js';
import { DEFAULT_FETCH_OPTIONS, FetchError, fetchFeed } from './feeds/fetcher.js';
import { createHostLimiter, type HostLimiter } from './feeds/politeness.js';
import { parseFeed } from './feeds/parser.js';
import type { Logger } from './log.js';
import { catchUp } from './pipeline/catch-up.js';
import type { PollDeps } from './pipeline/poll-feed.js';
import { connectRedis, redisOptions } from './runners/bullmq/connection.js';
import { createBullmqRunner, type BullmqRunner } from './runners/bullmq/runner.js';
import { createInProcessRunner, type Runner } from './runners/inprocess.js';
import { createFileStore } from './store/file/file-store.js';
import type { StateStore } from './store/ports.js';
import { createRedisStore } from './store/redis/redis-store.js';

export interface App {
  mode: 'embedded' | 'bullmq';
  engine: Engine;
  store: StateStore;
  adapters: ChatAdapter[];
  /** The in-process runner (embedded mode only): `tick()` polls once. */
  runner?: Runner;
  bullmq?: BullmqRunner;
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
  return deps.config.redisUrl ? createBullmqApp(deps, deps.config.redisUrl) : createEmbeddedApp(deps);
}

function common({ config, log, alertsOut, now = () => new Date() }: AppDeps, store: StateStore) {
  const { story, corpus } = loadStory(config.story);
  const engine = createEngine(story, corpus);
  const adapters = [createConsoleAdapter(alertsOut), createJsonlAdapter()];
  const fetchOptions = { ...DEFAULT_FETCH_OPTIONS, ...config.fetch, policy: { allow: config.fetch.allowPrivate } };
  const limiter = createHostLimiter({ minIntervalMs: config.fetch.perHostIntervalMs, maxConcurrent: config.fetch.perHostConcurrency });
  const poll: PollDeps = {
    store, log, now, intervalMs: config.pollIntervalSeconds * 1000,
    fetch: (url, prev) => politeFetch(limiter, url, () => fetchFeed(url, prev, fetchOptions)),
    parse: parseFeed,
  };
  const analyze = { engine, store, targets: config.targets, now };
  return { story, corpus, engine, adapters, poll, analyze };
}

/** Fetches through the host limiter; a Retry-After holds back every feed on that host. */
async function politeFetch<T>(limiter: HostLimiter, url: string, fetch: () => Promise<T>): Promise<T> {
  const host = hostOf(url);
  try {
    return await limiter.run(host, fetch);
  } catch (err) {
    if (err instanceof FetchError && err.retryAfterMs) limiter.backOff(host, err.retryAfterMs);
    throw err;
  }
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

async function createEmbeddedApp(deps: AppDeps): Promise<App> {
  const { config, log } = deps;
  const store = createFileStore({ dir: config.dataDir, warn: (m) => log.warn(m) });
  const { story, corpus, engine, adapters, poll, analyze } = common(deps, store);
  const known = await catchUp(engine, store, 0);
  log.info(`story "${story.name}": ${corpus.length} seed articles + ${known.learned} remembered`, { dataDir: config.dataDir });
  const runner = createInProcessRunner({
    feeds: config.feeds, log, poll, analyze,
    tickMs: Math.min(config.pollIntervalSeconds, 30) * 1000,
    deliver: { store, adapters, log },
  });
  return {
    mode: 'embedded', engine, store, adapters, runner,
    async start() {
      runner.start();
    },
    async close() {
      await runner.stop();
      for (const a of adapters) await a.close();
      await store.close();
    },
  };
}

async function createBullmqApp(deps: AppDeps, redisUrl: string): Promise<App> {
  const { config, log } = deps;
  const redis = await connectRedis(redisUrl, 'the scale-out runner');
  const prefix = config.queuePrefix ?? 'storywatch';
  const store = createRedisStore({ redis, prefix: `${prefix}:${config.story}:` });
  const { story, engine, adapters, poll, analyze } = common(deps, store);
  const workerId = `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
  log.info(`story "${story.name}": BullMQ runner ${workerId} on Redis, prefix "${prefix}"`);
  const bullmq = createBullmqRunner({
    feeds: new Map(config.feeds.map((f) => [f.id, f])),
    connection: { ...redisOptions(redisUrl), maxRetriesPerRequest: null },
    redis, prefix, workerId, intervalMs: config.pollIntervalSeconds * 1000,
    poll, analyze, store, engine, adapters, log,
  });
  return {
    mode: 'bullmq', engine, store, adapters, bullmq,
    start: () => bullmq.start(),
    async close() {
      await bullmq.stop();
      for (const a of adapters) await a.close();
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
