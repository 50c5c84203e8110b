/**
 * A delivery claim that lives only as long as its holder: short (a killed worker's claim
 * is gone within DELIVERY_CLAIM_MS, so the channel's alerts wait seconds, not a minute),
 * and renewed every third of that by the holder while it is at work, however long a post
 * (or a burst, paced at a post a second) takes.
 */
import type { Logger } from '../../log.js';
import type { StateStore } from '../../store/ports.js';

export const DELIVERY_CLAIM_MS = 5_000;

export async function holdClaim(store: Pick<StateStore, 'tryLock'>, key: string, log: Logger, ttlMs = DELIVERY_CLAIM_MS): Promise<(() => Promise<void>) | undefined> {
  const release = await store.tryLock(key, ttlMs);
  if (!release) return undefined;
  let lost = false;
  const timer = setInterval(() => {
    void release.renew?.().then((held) => {
      if (held || lost) return;
      lost = true;
      log.warn(`delivery claim ${key} expired before it was renewed (Redis slow or unreachable); another worker may take it`);
    }, (err: Error) => log.warn(`cannot renew delivery claim ${key}: ${err.message}`));
  }, Math.max(50, Math.floor(ttlMs / 3)));
  timer.unref();
  return async () => {
    clearInterval(timer);
    await release();
  };
}
