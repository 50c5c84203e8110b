/**
 * `storywatch run`: the main job. Embedded default: in-process scheduling, state in a
 * local data directory, alerts on the console. SIGINT/SIGTERM finish the current tick,
 * then close everything.
 */
import { loadConfig } from '../config/app-config.js';
import { createLogger } from '../log.js';
import { createApp } from '../main.js';
import { AppError } from '../domain/errors.js';
import { describeEnvFile, type EnvFileReport } from '../config/env-file.js';

/** SIGTERM to exit: at most this long, whatever the process was waiting for. */
const SHUTDOWN_LIMIT_MS = 4_000;

export async function runRun(opts: { once: boolean; envFile?: EnvFileReport | undefined }): Promise<number> {
  const config = loadConfig();
  const log = createLogger({ level: config.logLevel, format: config.logFormat });
  const fromFile = describeEnvFile(opts.envFile);
  if (fromFile) log.info(fromFile);
  for (const w of config.warnings ?? []) log.warn(w);
  if (opts.once && config.redisUrl) {
    throw new AppError('--once polls in-process; with REDIS_URL set the job schedulers poll', 'USAGE', 'unset REDIS_URL for a one-off poll');
  }
  if (!config.feeds.length) log.warn(`no feeds configured in ${config.configFile}; nothing to poll`, { todo: 'add feeds to the config or set STORYWATCH_FEEDS' });
  const app = await createApp({ config, log });
  log.info(`polling ${config.feeds.length} feed(s) every ${config.pollIntervalSeconds}s (${app.mode} runner); alerts go to ${config.targets.join(', ')}`);
  if (opts.once && app.runner) {
    const report = await app.runner.tick();
    log.info('single poll finished', { ...report });
    // For cron: a poll that reached no feed, or could not keep what it learned, is a failure.
    const recording = app.runner.recording();
    const allFailed = report.polled > 0 && app.runner.failures().length >= report.polled;
    if (!recording.ok) log.error(`state could not be kept: ${recording.error ?? 'the store refused writes'}`, { todo: `check that ${config.dataDir} is writable and its disk is not full; nothing learned in this poll is saved` });
    await app.close();
    return !recording.ok || allFailed ? 1 : 0;
  }
  return new Promise<number>((resolve) => {
    const shutdown = (signal: string) => {
      log.info(`${signal} received: finishing the current poll, then closing`);
      // Whatever hangs (a chat API, a socket), the process is gone within a few seconds:
      // anything not delivered is still pending in the store and goes out next run.
      setTimeout(() => {
        log.warn(`still closing after ${SHUTDOWN_LIMIT_MS / 1000} s; exiting now (undelivered alerts stay pending)`);
        process.exit(1);
      }, SHUTDOWN_LIMIT_MS).unref();
      void app.close().then(() => {
        log.info('stopped cleanly');
        // A request abandoned by a client library may hold a socket open: do not wait for it.
        setTimeout(() => process.exit(0), 500).unref();
        resolve(0);
      });
    };
    process.once('SIGINT', () => shutdown('SIGINT'));
    process.once('SIGTERM', () => shutdown('SIGTERM'));
    app.start().catch((err: Error) => {
      log.error(`could not start: ${err.message}`);
      void app.close().then(() => resolve(1));
    });
  });
}
