/**
 * Bursts: when several new developments wait for one channel at once (a first run after
 * an outage, a busy day), they go out newest first under one short header, "3 new
 * developments since 09:14", paced like every other post. Follow-ups keep their order
 * after them (their thread must exist first).
 */
import { PermanentDeliveryError, RateLimitedDeliveryError, type ChatAdapter } from '../chat/ports.js';
import { HostBusyError } from '../feeds/politeness.js';
import { clock } from '../domain/schedule.js';
import type { AlertRecord, StateStore } from '../store/ports.js';
import type { DeliverDeps } from './deliver-alert.js';

/** Fewer than this many developments at once are posted as they are. */
export const BURST_MIN = 2;

/** A burst cut short (a 429 mid-way) continues under the header already posted. */
const HEADER_HOLD_MS = 10 * 60_000;
/** Without a store (unit use): headers this process posted. */
const headers = new Map<string, number>();

/**
 * Claims the target's header for HEADER_HOLD_MS: in the store, so a burst retried by another
 * worker process continues under the header posted, not under a second one. Undefined: a
 * header is already out. The release gives the claim back (the header was not posted).
 */
async function claimHeader(store: StateStore | undefined, target: string): Promise<(() => Promise<void>) | undefined> {
  if (!store) {
    if (Date.now() - (headers.get(target) ?? -Infinity) < HEADER_HOLD_MS) return undefined;
    headers.set(target, Date.now());
    return async () => void headers.delete(target);
  }
  return store.tryLock(`burst-header:${target}`, HEADER_HOLD_MS);
}

const isDevelopment = (batch: AlertRecord[]) => batch.length === 1 && batch[0]!.alert.kind !== 'follow-up';
const time = (r: AlertRecord) => Date.parse(r.alert.publishedAt) || Date.parse(r.createdAt) || 0;

export async function burstHeader(
  deps: Pick<DeliverDeps, 'gate' | 'pace' | 'log' | 'zoneOf'> & { store?: StateStore },
  adapter: ChatAdapter,
  target: string,
  queue: AlertRecord[][],
): Promise<{ queue: AlertRecord[][] } | 'failed'> {
  const developments: AlertRecord[][] = [];
  for (const batch of queue.filter(isDevelopment)) {
    // Muted or paused ones are not part of what the channel will read.
    if (!(deps.gate && (await deps.gate(target, batch[0]!.alert)).skip)) developments.push(batch);
  }
  if (developments.length < BURST_MIN || !adapter.postText) return { queue };
  const newestFirst = [...developments].sort((a, b) => time(b[0]!) - time(a[0]!));
  const rest = queue.filter((b) => !developments.includes(b));
  const oldest = new Date(time(newestFirst[newestFirst.length - 1]![0]!));
  const zone = deps.zoneOf ? await deps.zoneOf(target) : 'UTC';
  const text = `${developments.length} new developments since ${clock(oldest, zone)}${zone === 'UTC' ? ' UTC' : ` (${zone})`}, newest first:`;
  const claim = await claimHeader(deps.store, target);
  if (!claim) return { queue: [...newestFirst, ...rest] };
  const post = () => adapter.postText!(target, text);
  try {
    await (deps.pace ? deps.pace.run(target, post) : post());
  } catch (err) {
    if (err instanceof PermanentDeliveryError) {
      // A header refused for good must not hold the developments back: they go without it.
      deps.log.error(`burst header to ${target} refused: ${err.message}; the developments are posted without it`);
      return { queue: [...newestFirst, ...rest] };
    }
    await claim().catch(() => undefined);
    if (err instanceof RateLimitedDeliveryError) deps.pace?.backOff(target, err.retryAfterMs);
    // Nothing of the burst goes out before its header: all of it stays pending for the next round.
    const paced = err instanceof RateLimitedDeliveryError || err instanceof HostBusyError;
    deps.log[paced ? 'info' : 'warn'](`burst header to ${target} ${paced ? 'paced' : 'failed'}: ${(err as Error).message}; will retry`);
    return 'failed';
  }
  return { queue: [...newestFirst, ...rest] };
}
