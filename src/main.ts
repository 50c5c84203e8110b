/**
 * Composition root: config -> story and engine -> store -> adapters -> runner.
 * Nothing else wires concrete implementations together.
 */
import type { Writable } from 'node:stream';
import { createEngine, type Engine } from './analysis/engine.js';
import { createConsoleAdapter } from './chat/console/console-adapter.js';
import type { ChatAdapter } from './chat/ports.js';
import type { AppConfig } from './config/app-config.js';
import { loadStory } from './config/story.js';
import { DEFAULT_FETCH_OPTIONS, fetchFeed } from './feeds/fetcher.js';
import { parseFeed } from './feeds/parser.js';
import type { Logger } from './log.js';
import { createInProcessRunner, type Runner } from './runners/inprocess.js';
import { createFileStore } from './store/file/file-store.js';
import { catchUp } from './pipeline/catch-up.js';
import type { StateStore } from './store/ports.js';

export interface App {
  engine: Engine;
  store: StateStore;
  runner: Runner;
  adapters: ChatAdapter[];
  close(): Promise<void>;
}

export interface AppDeps {
  config: AppConfig;
  log: Logger;
  alertsOut?: Writable;
  now?: () => Date;
}

export async function createApp({ config, log, alertsOut, now = () => new Date() }: AppDeps): Promise<App> {
  const { story, corpus } = loadStory(config.story);
  const store = createFileStore({ dir: config.dataDir, warn: (m) => log.warn(m) });
  const engine = createEngine(story, corpus);
  const known = await catchUp(engine, store, 0);
  log.info(`story "${story.name}": ${corpus.length} seed articles + ${known.learned} remembered`, { dataDir: config.dataDir });
  const adapters = [createConsoleAdapter(alertsOut)];
  const fetchOptions = { ...DEFAULT_FETCH_OPTIONS, ...config.fetch, policy: { allow: config.fetch.allowPrivate } };
  const runner = createInProcessRunner({
    feeds: config.feeds,
    log,
    tickMs: Math.min(config.pollIntervalSeconds, 30) * 1000,
    poll: {
      store, log, now, intervalMs: config.pollIntervalSeconds * 1000,
      fetch: (url, prev) => fetchFeed(url, prev, fetchOptions),
      parse: parseFeed,
    },
    analyze: { engine, store, targets: config.targets, now },
    deliver: { store, adapters, log },
  });
  return {
    engine, store, runner, adapters,
    async close() {
      await runner.stop();
      for (const a of adapters) await a.close();
      await store.close();
    },
  };
}
