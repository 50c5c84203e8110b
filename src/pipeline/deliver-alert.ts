/**
 * deliverPending: hand every undelivered alert/target pair to the adapter serving the
 * target, and mark it delivered only after the post succeeded (at-least-once).
 */
import { PermanentDeliveryError, type ChatAdapter } from '../chat/ports.js';
import type { Logger } from '../log.js';
import type { HostLimiter } from '../feeds/politeness.js';
import { platformOf, type Metrics } from '../observability/metrics.js';
import { mergeFollowUps } from '../domain/alert.js';
import type { AlertRecord, StateStore } from '../store/ports.js';

export interface DeliverDeps {
  store: StateStore;
  adapters: ChatAdapter[];
  log: Logger;
  /** Per-channel pacing (keyed by target): chat platforms allow about one message a second. */
  pace?: HostLimiter;
  /** How long follow-ups wait to be merged (default FOLLOW_UP_MERGE_MS). */
  mergeWindowMs?: number;
  metrics?: Metrics;
}

/** A burst of follow-ups waits this long for company before it is posted as one message. */
export const FOLLOW_UP_MERGE_MS = 60_000;

export async function deliverPending(deps: DeliverDeps, now = new Date()): Promise<{ delivered: number; failed: number }> {
  let delivered = 0;
  let failed = 0;
  for (const batch of batches(await deps.store.pendingDeliveries(), now.getTime() - (deps.mergeWindowMs ?? FOLLOW_UP_MERGE_MS))) {
    const { target, records } = batch;
    const adapter = deps.adapters.find((a) => a.handles(target));
    if (!adapter) {
      failed++;
      deps.log.warn(`no chat adapter serves target "${target}"; alert kept for later`, { alertId: records[0]!.alert.id, todo: 'configure that platform or remove the target' });
      continue;
    }
    const outcome = await postBatch(deps, adapter, target, records);
    if (outcome.ok) {
      delivered += records.length;
      continue;
    }
    failed++;
    if (!outcome.permanent) deps.log.warn(`delivery to ${target} failed: ${outcome.error.message}; will retry`, { alertId: records[0]!.alert.id });
  }
  return { delivered, failed };
}

export type PostOutcome = { ok: true } | { ok: false; permanent: boolean; error: Error };

/**
 * Posts one alert, or a merged burst of follow-ups, to one target, paced per channel.
 * The records are marked delivered after the post succeeded, or when the platform
 * refused for good (reported here); anything else is left pending for a retry.
 * Both runners deliver through this.
 */
export async function postBatch(
  deps: Pick<DeliverDeps, 'store' | 'log' | 'pace' | 'metrics'>,
  adapter: ChatAdapter,
  target: string,
  records: AlertRecord[],
): Promise<PostOutcome> {
  const alert = records.length === 1 ? records[0]!.alert : mergeFollowUps(records.map((r) => r.alert));
  try {
    await (deps.pace ? deps.pace.run(target, () => adapter.postAlert(target, alert)) : adapter.postAlert(target, alert));
  } catch (err) {
    const permanent = err instanceof PermanentDeliveryError;
    deps.metrics?.delivered(permanent ? 'permanent' : 'retry', platformOf(target));
    if (permanent) {
      // Retrying cannot help: stop, and say so loudly. The alert stays in the store for `latest`.
      for (const r of records) await deps.store.markDelivered(r.alert.id, target);
      deps.log.error(`delivery to ${target} stopped: ${err.message}`, { alertId: alert.id, todo: 'invite the bot to the channel, fix its token or permissions, or remove the target' });
    }
    return { ok: false, permanent, error: err as Error };
  }
  for (const r of records) await deps.store.markDelivered(r.alert.id, target);
  deps.metrics?.delivered('ok', platformOf(target));
  return { ok: true };
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

/** Best effort: a notice that cannot be posted is logged, never retried forever. */
export async function postNotice(deps: Omit<DeliverDeps, 'store'>, targets: string[], text: string): Promise<number> {
  deps.log.warn(`notice: ${text}`);
  let posted = 0;
  for (const target of targets) {
    const adapter = deps.adapters.find((a) => a.handles(target));
    try {
      if (adapter) {
        await adapter.postNotice(target, text);
        posted++;
      }
    } catch (err) {
      deps.log.warn(`notice to ${target} failed: ${(err as Error).message}`);
    }
  }
  return posted;
}
