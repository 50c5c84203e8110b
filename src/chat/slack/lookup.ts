/**
 * After a post was started and never confirmed (the process died between Slack accepting
 * it and the delivery mark), the alert may be in the channel already. Every alert carries
 * its ids in message metadata (event_type storywatch_alert), so the channel's history since
 * the post started (and the development's thread, for follow-ups) says which ids are there.
 */
import type { App } from '@slack/bolt';
import type { Alert } from '../../domain/alert.js';
import type { Logger } from '../../log.js';
import { PermanentDeliveryError } from '../ports.js';

export const ALERT_EVENT = 'storywatch_alert';

interface Message { ts?: string; metadata?: { event_type?: string; event_payload?: { alert_id?: unknown; merged_ids?: unknown } } }
interface Page { messages?: Message[]; response_metadata?: { next_cursor?: string } }

export interface LookupDeps {
  app: App;
  api: <T>(target: string, fn: () => Promise<T>) => Promise<T>;
  log: Logger;
  threadOf: (target: string, developmentId: string) => Promise<string | undefined>;
  /** A development found posted becomes its channel's thread (its ts was never stored). */
  adoptThread: (target: string, developmentId: string, ts: string) => Promise<void>;
}

/** Pages read per conversation at most: the window is the minutes since the post started. */
const MAX_PAGES = 10;
/** Slack's ts comes from Slack's clock: look a little before our own start time. */
const CLOCK_SLACK_S = 120;

function idsIn(m: Message): string[] {
  if (m.metadata?.event_type !== ALERT_EVENT) return [];
  const p = m.metadata.event_payload ?? {};
  const merged = Array.isArray(p.merged_ids) ? p.merged_ids.filter((x): x is string => typeof x === 'string') : [];
  return [...(typeof p.alert_id === 'string' ? [p.alert_id] : []), ...merged];
}

export function createSlackLookup(deps: LookupDeps) {
  let warned = false;
  return async (target: string, alert: Alert, since: string): Promise<string[]> => {
    const channel = target.slice('slack:'.length);
    const wanted = new Set(alert.mergedIds ?? [alert.id]);
    const oldest = String(Math.max(0, Math.floor(Date.parse(since) / 1000) - CLOCK_SLACK_S));
    const found = new Set<string>();
    const thread = await deps.threadOf(target, alert.developmentId);
    const scan = async (read: (cursor?: string) => Promise<Page>) => {
      let cursor: string | undefined;
      for (let page = 0; page < MAX_PAGES; page++) {
        const res = await deps.api(target, () => read(cursor));
        for (const m of res.messages ?? []) {
          const ids = idsIn(m);
          for (const id of ids) if (wanted.has(id)) found.add(id);
          if (!thread && alert.kind !== 'follow-up' && m.ts && ids[0] === alert.id) await deps.adoptThread(target, alert.developmentId, m.ts);
        }
        cursor = res.response_metadata?.next_cursor || undefined;
        if (!cursor) return;
      }
    };
    const c = deps.app.client.conversations;
    try {
      await scan((cursor) => c.history({ channel, oldest, limit: 200, include_all_metadata: true, ...(cursor ? { cursor } : {}) }) as Promise<Page>);
      if (thread && found.size < wanted.size) {
        await scan((cursor) => c.replies({ channel, ts: thread, oldest, limit: 200, include_all_metadata: true, ...(cursor ? { cursor } : {}) } as never) as Promise<Page>);
      }
    } catch (err) {
      // Slack said no (no channels:history scope, an API without history): post again rather
      // than lose it. Rate limits, timeouts and network errors are retried instead.
      const refused = err instanceof PermanentDeliveryError || typeof (err as { data?: { error?: unknown } }).data?.error === 'string';
      if (!refused) throw err;
      if (!warned) deps.log.warn(`slack: cannot read ${target}'s history to check for an interrupted post (${(err as Error).message}); posting it again`, { todo: 'add the channels:history and groups:history scopes (see slack-manifest.yaml)' });
      warned = true;
      return [];
    }
    return [...found];
  };
}
