/**
 * Channel settings in the channels table: one JSON document per channel, so a new setting
 * needs no migration. Per-channel records that grow (thread references, digest markers,
 * mutes) belong in tables of their own, keyed by channel, added as a new migration.
 */
import { emptyChannel, type ChannelSettings, type ChannelStore } from '../ports.js';
import type { Db } from './database.js';
import { openStoreDatabase } from './open.js';

export function createSqliteChannelStore(deps: { dir: string; warn: (m: string) => void; db?: Db }): ChannelStore {
  const db = deps.db ?? openStoreDatabase(deps).db;
  const get = db.prepare('SELECT settings FROM channels WHERE channel = ?').pluck();
  const put = db.prepare('INSERT INTO channels (channel, settings) VALUES (?, ?) ON CONFLICT (channel) DO UPDATE SET settings = excluded.settings');
  const all = db.prepare('SELECT settings FROM channels ORDER BY channel').pluck();
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
  };
}
