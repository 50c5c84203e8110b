/**
 * deliverPending: hand every undelivered alert/target pair to the adapter serving the
 * target, and mark it delivered only after the post succeeded (at-least-once).
 * Targets are served side by side and every request has a time limit, so a chat API
 * that hangs or fails holds back only its own targets, and only for that long.
 */
import { AuthDeliveryError, PermanentDeliveryError, RateLimitedDeliveryError, type ChatAdapter } from '../chat/ports.js';
import type { Logger } from '../log.js';
import type { HostLimiter } from '../feeds/politeness.js';
import { platformOf, type Metrics } from '../observability/metrics.js';
import { asNewDevelopment, mergeFollowUps, type Alert } from '../domain/alert.js';
import type { AlertRecord, StateStore } from '../store/ports.js';
import type { Gate } from './channel-policy.js';
import { burstHeader } from './burst.js';
import type { DeliveryBackoff } from './backoff.js';
import { HostBusyError } from '../feeds/politeness.js';

export interface DeliverDeps {
  store: StateStore;
  adapters: ChatAdapter[];
  log: Logger;
  /** Per-channel pacing (keyed by target): chat platforms allow about one message a second. */
  pace?: HostLimiter;
  /** How long follow-ups wait to be merged (default FOLLOW_UP_MERGE_MS). */
  mergeWindowMs?: number;
  metrics?: Metrics;
  /** Longest one post may take before it counts as failed (it stays pending). */
  requestTimeoutMs?: number;
  /** Targets with a delivery in flight (skipped, so nothing is posted twice at once). */
  busy?: Set<string>;
  /** The channel's own settings (paused, muted, notify), asked before each post. */
  gate?: Gate;
  /** Zone of burst headers' "since HH:MM" (default UTC). */
  zoneOf?: (target: string) => Promise<string>;
  /** Transient failures back a target off exponentially (absent: retried next round). */
  backoff?: DeliveryBackoff;
  /** The development's place on the story page (absent: alerts carry no page link). */
  pageLink?: (alert: Alert) => string;
}

export const DELIVERY_TIMEOUT_MS = 15_000;

export class DeliveryTimeoutError extends Error {
  constructor(target: string, ms: number) {
    super(`no answer from ${target} within ${ms} ms`);
    this.name = 'DeliveryTimeoutError';
  }
}

/** Settles with `p`, or rejects after `ms`; the request itself may go on, unobserved. */
export function withTimeout<T>(p: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/** A burst of follow-ups waits this long for company before it is posted as one message. */
export const FOLLOW_UP_MERGE_MS = 60_000;

export async function deliverPending(deps: DeliverDeps, now = new Date()): Promise<{ delivered: number; failed: number }> {
  let delivered = 0;
  let failed = 0;
  const byTarget = new Map<string, AlertRecord[][]>();
  for (const { target, records } of batches(await deps.store.pendingDeliveries(), now.getTime() - (deps.mergeWindowMs ?? FOLLOW_UP_MERGE_MS))) {
    if (deps.busy?.has(target) || (deps.backoff && !deps.backoff.ready(target, now.getTime()))) continue;
    byTarget.set(target, [...(byTarget.get(target) ?? []), records]);
  }
  const serve = async (target: string, queue: AlertRecord[][]) => {
    const adapter = deps.adapters.find((a) => a.handles(target));
    if (!adapter) {
      failed++;
      deps.log.warn(`no chat adapter serves target "${target}"; alert kept for later`, { alertId: queue[0]![0]!.alert.id, todo: 'configure that platform or remove the target' });
      return;
    }
    deps.busy?.add(target);
    try {
      const header = await burstHeader(deps, adapter, target, queue);
      if (header === 'failed') return;
      for (const records of header.queue) {
        const outcome = await postBatch(deps, adapter, target, records);
        if (outcome.ok) {
          delivered += records.length;
          deps.backoff?.succeeded(target);
          continue;
        }
        failed++;
        // Refused for good (logged by postBatch): done with that item, the next ones go on.
        if (outcome.permanent) continue;
        // The platform refuses the bot's token: the adapter said so once, loudly; stay quiet.
        if (outcome.error instanceof AuthDeliveryError) return;
        // The rest for this target waits for the next round: in order, and no pile of timeouts.
        logRetry(deps, target, records[0]!.alert.id, outcome.error, now.getTime());
        return;
      }
    } finally {
      deps.busy?.delete(target);
    }
  };
  await Promise.all([...byTarget].map(([target, queue]) => serve(target, queue)));
  return { delivered, failed };
}

/**
 * Pacing (the platform's Retry-After, our own one post a second) is the normal course of
 * a burst: info. Anything else is a failure: a warning, with when it is tried again.
 */
function logRetry(deps: DeliverDeps, target: string, alertId: string, error: Error, now: number): void {
  if (error instanceof RateLimitedDeliveryError || error instanceof HostBusyError) {
    deps.log.info(`delivery to ${target} paced: ${error.message}`, { alertId });
    return;
  }
  const wait = deps.backoff?.failed(target, now);
  const when = wait === undefined ? 'will retry' : `retrying in ${Math.max(1, Math.round(wait / 1000))} s`;
  deps.log.warn(`delivery to ${target} failed: ${error.message}; ${when}`, { alertId });
}

export type PostOutcome = { ok: true } | { ok: false; permanent: boolean; error: Error };

/**
 * Posts one alert, or a merged burst of follow-ups, to one target, paced per channel.
 * The records are marked delivered after the post succeeded, or when the platform
 * refused for good (reported here); anything else is left pending for a retry.
 * Both runners deliver through this.
 */
export async function postBatch(
  deps: Pick<DeliverDeps, 'store' | 'log' | 'pace' | 'metrics' | 'requestTimeoutMs' | 'gate' | 'pageLink'>,
  adapter: ChatAdapter,
  target: string,
  records: AlertRecord[],
): Promise<PostOutcome> {
  const ms = deps.requestTimeoutMs ?? DELIVERY_TIMEOUT_MS;
  const first = merged(records);
  const gate = deps.gate ? await deps.gate(target, first) : {};
  if (gate.asDevelopment && (await openerPending(deps.store, first.developmentId, target))) {
    // Its development's own alert is still on its way there (another worker, a retry): after it, this goes into its thread.
    return { ok: false, permanent: false, error: new Error(`the development ${first.developmentId} is not posted to ${target} yet; its follow-up waits for it`) };
  }
  // The first report a channel gets of a development is that development there.
  const shape = (rs: AlertRecord[]): Alert => {
    const a = gate.asDevelopment ? asNewDevelopment(rs.map((r) => r.alert)) : merged(rs);
    return deps.pageLink ? { ...a, page: deps.pageLink(a) } : a;
  };
  if (gate.skip) {
    // Done for this channel: not posted, not threaded, never retried.
    for (const r of records) await deps.store.markDelivered(r.alert.id, target);
    deps.log.info(`not posted: ${gate.skip}`, { alertId: first.id });
    return { ok: true };
  }
  let alert = shape(records);
  try {
    // A post started before (a crash or a lost answer since): the platform may hold it already.
    const left = await notYetPosted(deps, adapter, target, records);
    // Found there: the channel was sent the development, whatever is left to post.
    if (left.length < records.length) await gate.posted?.();
    if (!left.length) return { ok: true };
    records = left;
    alert = shape(records);
    // Recorded (durably) before the platform can accept it: after a crash from here on, the
    // next attempt asks the platform first.
    const pairs = records.map((r) => ({ alertId: r.alert.id, target }));
    await deps.store.notePosting?.(pairs, new Date().toISOString());
    const post = () => withTimeout(adapter.postAlert(target, alert, gate.extras), ms, () => new DeliveryTimeoutError(target, ms));
    try {
      await (deps.pace ? deps.pace.run(target, post) : post());
    } catch (err) {
      // A refusal (rate limit, token, permissions, bad request) or our own pacing proves nothing
      // was posted: the next try needs no lookup. Timeouts and network errors prove nothing.
      if (refusedOutright(err)) await deps.store.forgetPosting?.(pairs);
      throw err;
    }
  } catch (err) {
    if (err instanceof RateLimitedDeliveryError) {
      // Nothing was posted: the channel waits out the platform's Retry-After; the alert stays pending.
      deps.pace?.backOff(target, err.retryAfterMs);
      deps.metrics?.delivered('retry', platformOf(target));
      return { ok: false, permanent: false, error: err };
    }
    // A refused token is not permanent for the alert: it stays pending until the token is fixed.
    const permanent = err instanceof PermanentDeliveryError;
    deps.metrics?.delivered(permanent ? 'permanent' : err instanceof AuthDeliveryError ? 'auth' : 'retry', platformOf(target));
    if (permanent) {
      // Retrying cannot help: that item is done, said loudly. The alert stays in the store for `latest`.
      for (const r of records) await deps.store.markDelivered(r.alert.id, target);
      deps.log.error(`alert ${alert.id} skipped for ${target}: ${(err as Error).message}; retrying cannot help, the channel's later alerts go on`, { alertId: alert.id, todo: 'if the channel is unknown or closed to the bot: invite the bot, fix its permissions, or remove the target' });
    }
    return { ok: false, permanent, error: err as Error };
  }
  // Known there before the delivery mark: a crash in between re-posts as a follow-up, in its thread.
  await gate.posted?.();
  for (const r of records) await deps.store.markDelivered(r.alert.id, target);
  deps.metrics?.delivered('ok', platformOf(target));
  return { ok: true };
}

async function openerPending(store: StateStore, developmentId: string, target: string): Promise<boolean> {
  const opener = await store.findDevelopmentAlert(developmentId);
  return !!opener && opener.alert.kind !== 'follow-up' && (await store.isPending(opener.alert.id, target));
}

function refusedOutright(err: unknown): boolean {
  return err instanceof RateLimitedDeliveryError || err instanceof AuthDeliveryError || err instanceof PermanentDeliveryError || err instanceof HostBusyError;
}

function merged(records: AlertRecord[]): Alert {
  return records.length === 1 ? records[0]!.alert : mergeFollowUps(records.map((r) => r.alert));
}

/**
 * The records to post: all of them, unless a post of some was started and never confirmed
 * and the platform, asked, holds them already (those are marked delivered here, not posted).
 */
async function notYetPosted(
  deps: Pick<DeliverDeps, 'store' | 'log' | 'requestTimeoutMs'>, adapter: ChatAdapter, target: string, records: AlertRecord[],
): Promise<AlertRecord[]> {
  if (!deps.store.postingSince) return records;
  const startOf = new Map<AlertRecord, string>();
  for (const r of records) {
    const at = await deps.store.postingSince(r.alert.id, target);
    if (at) startOf.set(r, at);
  }
  if (!startOf.size) return records;
  const since = [...startOf.values()].sort()[0]!;
  // A platform that cannot be asked (Discord) dedups a repeated post by itself (its nonce is
  // made from the ids): the interrupted post is sent again exactly as it was, the rest later.
  if (!adapter.findPosted) return records.filter((r) => startOf.get(r) === since);
  const ms = deps.requestTimeoutMs ?? DELIVERY_TIMEOUT_MS;
  const found = new Set(await withTimeout(adapter.findPosted(target, merged(records), since), ms, () => new DeliveryTimeoutError(target, ms)));
  const already = records.filter((r) => found.has(r.alert.id));
  for (const r of already) await deps.store.markDelivered(r.alert.id, target);
  if (already.length) {
    deps.log.info(`${target} already holds ${already.map((r) => r.alert.id).join(', ')} (a post interrupted before it was marked); not posted again`, { alertId: already[0]!.alert.id });
  }
  return records.filter((r) => !found.has(r.alert.id));
}

/**
 * Developments go one by one; follow-ups of one development to one target go together,
 * once the newest of them is older than `readyBefore` (a burst of copies becomes one post).
 */
export function batches(pending: Array<{ record: AlertRecord; target: string }>, readyBefore: number): Array<{ target: string; records: AlertRecord[] }> {
  const out: Array<{ target: string; records: AlertRecord[] }> = [];
  const groups = new Map<string, { target: string; records: AlertRecord[] }>();
  for (const { record, target } of pending) {
    if (record.alert.kind !== 'follow-up') {
      out.push({ target, records: [record] });
      continue;
    }
    const key = `${target}\u0000${record.alert.developmentId}`;
    const g = groups.get(key) ?? { target, records: [] };
    g.records.push(record);
    groups.set(key, g);
  }
  for (const g of groups.values()) {
    if (g.records.every((r) => Date.parse(r.createdAt) <= readyBefore)) out.push(g);
  }
  return out;
}

/** Best effort: a notice that cannot be posted (in time) is logged, never retried forever. */
export async function postNotice(deps: Omit<DeliverDeps, 'store'>, targets: string[], text: string): Promise<number> {
  deps.log.warn(`notice: ${text}`);
  const ms = deps.requestTimeoutMs ?? DELIVERY_TIMEOUT_MS;
  const results = await Promise.all(targets.map(async (target) => {
    const adapter = deps.adapters.find((a) => a.handles(target));
    try {
      if (!adapter) return 0;
      await withTimeout(adapter.postNotice(target, text), ms, () => new DeliveryTimeoutError(target, ms));
      return 1;
    } catch (err) {
      deps.log.warn(`notice to ${target} failed: ${(err as Error).message}`);
      return 0;
    }
  }));
  return results.reduce<number>((a, b) => a + b, 0);
}
