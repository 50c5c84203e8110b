/**
 * deliverPending: hand every undelivered alert/target pair to the adapter serving the
 * target, and mark it delivered only after the post succeeded (at-least-once).
 */
import { PermanentDeliveryError, type ChatAdapter } from '../chat/ports.js';
import type { Logger } from '../log.js';
import type { HostLimiter } from '../feeds/politeness.js';
import type { StateStore } from '../store/ports.js';

export interface DeliverDeps {
  store: StateStore;
  adapters: ChatAdapter[];
  log: Logger;
  /** Per-channel pacing (keyed by target): chat platforms allow about one message a second. */
  pace?: HostLimiter;
}

export async function deliverPending(deps: DeliverDeps): Promise<{ delivered: number; failed: number }> {
  let delivered = 0;
  let failed = 0;
  for (const { record, target } of await deps.store.pendingDeliveries()) {
    const adapter = deps.adapters.find((a) => a.handles(target));
    if (!adapter) {
      failed++;
      deps.log.warn(`no chat adapter serves target "${target}"; alert kept for later`, { alertId: record.alert.id, todo: 'configure that platform or remove the target' });
      continue;
    }
    try {
      await (deps.pace ? deps.pace.run(target, () => adapter.postAlert(target, record.alert)) : adapter.postAlert(target, record.alert));
      await deps.store.markDelivered(record.alert.id, target);
      delivered++;
    } catch (err) {
      failed++;
      if (err instanceof PermanentDeliveryError) {
        // Retrying cannot help: stop, and say so loudly. The alert stays in the store for `latest`.
        await deps.store.markDelivered(record.alert.id, target);
        deps.log.error(`delivery to ${target} stopped: ${err.message}`, { alertId: record.alert.id, todo: 'invite the bot to the channel, fix its token or permissions, or remove the target' });
      } else {
        deps.log.warn(`delivery to ${target} failed: ${(err as Error).message}; will retry`, { alertId: record.alert.id });
      }
    }
  }
  return { delivered, failed };
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
