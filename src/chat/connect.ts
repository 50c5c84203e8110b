/**
 * A chat platform connects in the background: the process polls, analyses and serves
 * /healthz and /readyz whether or not Slack or Discord can be reached, and one platform
 * that is down never holds back the other. Failed connections are retried with backoff;
 * a refused token is not (retrying cannot fix it). Every line names the platform and where
 * it was trying to connect; /readyz reports the platform failing until it is connected.
 */
import type { Logger } from '../log.js';
import { redactUrl } from '../domain/redact.js';
import type { ListeningAdapter } from './platforms.js';

export interface ConnectOptions {
  /** The API base URL tried (shown in logs, secrets redacted). */
  where: string;
  /** First wait after a failed attempt; doubled each time up to maxRetryMs. */
  firstRetryMs?: number;
  maxRetryMs?: number;
}

/** Errors that say the credentials are wrong: retrying the same token cannot succeed. */
const REFUSED = /invalid_auth|not_authed|token_revoked|account_inactive|TokenInvalid|invalid token|401|Unauthorized|An invalid token/i;

type State = 'idle' | 'connecting' | 'connected' | 'refused' | 'closed';

export function connectInBackground(adapter: ListeningAdapter, log: Logger, opts: ConnectOptions): ListeningAdapter {
  const first = opts.firstRetryMs ?? 1000;
  const max = opts.maxRetryMs ?? 60_000;
  const where = redactUrl(opts.where);
  let state: State = 'idle';
  let timer: NodeJS.Timeout | undefined;
  let attempt = 0;
  const closed = () => state === 'closed';

  const tryOnce = async (): Promise<void> => {
    if (closed()) return;
    attempt++;
    try {
      await adapter.start();
      if (closed()) return;
      state = 'connected';
      if (attempt > 1) log.info(`${adapter.name}: connected to ${where} after ${attempt} attempts; its targets get their pending alerts now`);
    } catch (err) {
      if (closed()) return;
      const message = (err as Error).message.replace(new RegExp(`^${adapter.name}: `), '');
      if (REFUSED.test(message)) {
        state = 'refused';
        log.error(`${adapter.name}: ${where} refused the credentials (${message}); not retrying. Polling and the other platforms go on; ${adapter.name} alerts stay pending`,
          { todo: adapter.name === 'slack' ? 'check SLACK_BOT_TOKEN and SLACK_APP_TOKEN, then restart' : 'check DISCORD_TOKEN (Developer Portal -> Bot -> Reset Token), then restart' });
        return;
      }
      const wait = Math.min(max, first * 2 ** Math.min(attempt - 1, 16));
      log.warn(`${adapter.name}: cannot connect to ${where} (attempt ${attempt}: ${message}); retrying in ${Math.round(wait / 1000)} s. Polling and the other platforms go on; ${adapter.name} alerts stay pending`,
        { todo: `check that this machine reaches ${new URL(where, 'https://x').host} (proxy, firewall, DNS)` });
      timer = setTimeout(() => void tryOnce(), wait);
      timer.unref();
    }
  };

  return {
    ...adapter,
    async start() {
      if (state !== 'idle') return;
      state = 'connecting';
      void tryOnce();
    },
    // Never asked to listen (a worker with commands off posts over REST only): the adapter's own answer.
    async ready() {
      const own = () => adapter.ready?.() ?? Promise.resolve(true);
      return state === 'idle' || state === 'connected' ? own() : false;
    },
    async close() {
      state = 'closed';
      if (timer) clearTimeout(timer);
      await adapter.close();
    },
  };
}
