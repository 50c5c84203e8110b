/**
 * Channel settings in <dataDir>/channels.json, development threads in threads.json and
 * claimed digest periods in digests.json, each rewritten atomically on change (changes
 * are rare). One process owns the data directory (dir-lock), so check-and-write is atomic.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { emptyChannel, type ChannelSettings, type ChannelStore } from '../ports.js';
import { writeAtomic } from './file-store.js';

/** Claimed digest periods kept per channel: enough to refuse any period again. */
const CLAIMS_KEPT = 100;

function load<T>(file: string, warn: (m: string) => void, what: string): T | undefined {
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch (err) {
    warn(`${file}: unreadable (${(err as Error).message}); ${what} start empty — restore the file from a backup to keep them`);
    return undefined;
  }
}

export function createFileChannelStore(deps: { dir: string; warn: (m: string) => void }): ChannelStore {
  const file = path.join(deps.dir, 'channels.json');
  const threadsFile = path.join(deps.dir, 'threads.json');
  const digestsFile = path.join(deps.dir, 'digests.json');
  const channels = new Map<string, ChannelSettings>();
  for (const c of load<ChannelSettings[]>(file, deps.warn, 'channel settings') ?? []) channels.set(c.channel, c);
  const threads: Record<string, string> = load(threadsFile, deps.warn, 'development threads') ?? {};
  const digests: Record<string, string[]> = load(digestsFile, deps.warn, 'digest claims') ?? {};
  const threadKey = (channel: string, developmentId: string) => `${channel}\n${developmentId}`;
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
    async getThread(channel, developmentId) {
      return threads[threadKey(channel, developmentId)];
    },
    async putThread(channel, developmentId, ref) {
      threads[threadKey(channel, developmentId)] = ref;
      writeAtomic(threadsFile, JSON.stringify(threads));
    },
    async claimDigest(channel, periodKey) {
      const claimed = digests[channel] ?? [];
      if (claimed.includes(periodKey)) return false;
      digests[channel] = [...claimed, periodKey].slice(-CLAIMS_KEPT);
      // Written before the caller posts: a crash after this loses one digest, never doubles it.
      writeAtomic(digestsFile, JSON.stringify(digests));
      return true;
    },
  };
}
