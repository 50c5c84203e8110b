/** Channel settings in one Redis hash: channel -> settings JSON. */
import type { Redis } from 'ioredis';
import { emptyChannel, type ChannelSettings, type ChannelStore } from '../ports.js';

export function createRedisChannelStore({ redis, prefix }: { redis: Redis; prefix: string }): ChannelStore {
  const key = `${prefix}channels`;
  return {
    async getChannel(channel) {
      const raw = await redis.hget(key, channel);
      return raw ? (JSON.parse(raw) as ChannelSettings) : emptyChannel(channel);
    },
    async putChannel(settings) {
      await redis.hset(key, settings.channel, JSON.stringify(settings));
    },
    async listChannels() {
      return Object.values(await redis.hgetall(key)).map((v) => JSON.parse(v) as ChannelSettings);
    },
  };
}
