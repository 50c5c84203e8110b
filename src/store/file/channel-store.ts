/** Channel settings in <dataDir>/channels.json, rewritten atomically on each change (changes are rare). */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { emptyChannel, type ChannelSettings, type ChannelStore } from '../ports.js';
import { writeAtomic } from './file-store.js';

export function createFileChannelStore(deps: { dir: string; warn: (m: string) => void }): ChannelStore {
  const file = path.join(deps.dir, 'channels.json');
  const channels = new Map<string, ChannelSettings>();
  if (existsSync(file)) {
    try {
      for (const c of JSON.parse(readFileSync(file, 'utf8')) as ChannelSettings[]) channels.set(c.channel, c);
    } catch (err) {
      deps.warn(`${file}: unreadable (${(err as Error).message}); channel settings start empty — restore the file from a backup to keep them`);
    }
  }
  return {
    async getChannel(channel) {
      const c = channels.get(channel);
      return c ? structuredClone(c) : emptyChannel(channel);
    },
    async putChannel(settings) {
      channels.set(settings.channel, structuredClone(settings));
      writeAtomic(file, JSON.stringify([...channels.values()], null, 2));
    },
    async listChannels() {
      return [...channels.values()].map((c) => structuredClone(c));
    },
  };
}
