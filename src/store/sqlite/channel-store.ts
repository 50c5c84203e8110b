/**
 * Channel settings in the channels table: one JSON document per channel, so a new setting
 * needs no migration. Records that grow per channel (thread references, claimed digest
 * periods) have tables of their own (migration 2).
 */
import { emptyChannel, type ChannelSettings, type ChannelStore } from '../ports.js';
import { DEFAULT_RETENTION, sentTrim, type RetentionPolicy } from '../retention.js';
import type { Db } from './database.js';
import { openStoreDatabase } from './open.js';

export function createSqliteChannelStore(deps: { dir: string; warn: (m: string) => void; db?: Db; retention?: RetentionPolicy | undefined }): ChannelStore {
  const db = deps.db ?? openStoreDatabase(deps).db;
  const get = db.prepare('SELECT settings FROM channels WHERE channel = ?').pluck();
  const put = db.prepare('INSERT INTO channels (channel, settings) VALUES (?, ?) ON CONFLICT (channel) DO UPDATE SET settings = excluded.settings');
  const all = db.prepare('SELECT settings FROM channels ORDER BY channel').pluck();
  const thread = db.prepare('SELECT ref FROM threads WHERE channel = ? AND development_id = ?').pluck();
  const putThread = db.prepare('INSERT INTO threads (channel, development_id, ref) VALUES (?, ?, ?) ON CONFLICT (channel, development_id) DO UPDATE SET ref = excluded.ref');
  const sent = db.prepare('SELECT 1 FROM audience WHERE channel = ? AND development_id = ?').pluck();
  const markSent = db.prepare('INSERT INTO audience (channel, development_id, sent_at) VALUES (?, ?, ?) ON CONFLICT DO UPDATE SET sent_at = max(coalesce(sent_at, 0), excluded.sent_at)');
  const forgetThreads = db.prepare('DELETE FROM threads WHERE (channel, development_id) IN (SELECT channel, development_id FROM audience WHERE sent_at < ?)');
  const forgetSent = db.prepare('DELETE FROM audience WHERE sent_at < ?');
  const forget = db.transaction((before: number) => {
    forgetThreads.run(before);
    return forgetSent.run(before).changes;
  });
  const trim = sentTrim(deps.retention ?? DEFAULT_RETENTION, forget, deps.warn);
  // The primary key makes the claim atomic across processes sharing the file: one insert wins.
  const claim = db.prepare('INSERT INTO digest_claims (channel, period, claimed_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING');
  return {
    async getChannel(channel) {
      const raw = get.get(channel) as string | undefined;
      return raw ? { ...emptyChannel(channel), ...(JSON.parse(raw) as ChannelSettings) } : emptyChannel(channel);
    },
    async putChannel(settings) {
      put.run(settings.channel, JSON.stringify(settings));
    },
    async listChannels() {
      return (all.all() as string[]).map((raw) => JSON.parse(raw) as ChannelSettings);
    },
    async getThread(channel, developmentId) {
      return (thread.get(channel, developmentId) as string | undefined) ?? undefined;
    },
    async putThread(channel, developmentId, ref) {
      putThread.run(channel, developmentId, ref);
    },
    async wasSent(channel, developmentId) {
      return sent.get(channel, developmentId) !== undefined;
    },
    async markSent(channel, developmentId, at = Date.now()) {
      markSent.run(channel, developmentId, at);
      await trim(at);
    },
    async forgetSentBefore(before) {
      return forget(before);
    },
    async claimDigest(channel, periodKey) {
      return claim.run(channel, periodKey, new Date().toISOString()).changes === 1;
    },
  };
}
