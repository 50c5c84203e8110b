/**
 * Channel settings in one Redis hash (channel -> settings JSON), development threads in
 * another (channel + development -> ref), the developments sent to each channel in a set,
 * and digest claims as SET NX keys.
 */
import type { Redis } from 'ioredis';
import { emptyChannel, type ChannelSettings, type ChannelStore } from '../ports.js';

/** A claim outlives any period it could be asked about again (weekly digests: a year). */
const CLAIM_TTL_S = 400 * 86_400;

export function createRedisChannelStore({ redis, prefix }: { redis: Redis; prefix: string }): ChannelStore {
  const key = `${prefix}channels`;
  const threads = `${prefix}threads`;
  const audience = `${prefix}audience`;
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
    async getThread(channel, developmentId) {
      return (await redis.hget(threads, `${channel}\n${developmentId}`)) ?? undefined;
    },
    async putThread(channel, developmentId, ref) {
      await redis.hset(threads, `${channel}\n${developmentId}`, ref);
    },
    async wasSent(channel, developmentId) {
      // A thread exists only where the development was posted (also before this set existed).
      const member = `${channel}\n${developmentId}`;
      const [known, thread] = await Promise.all([redis.sismember(audience, member), redis.hexists(threads, member)]);
      return known === 1 || thread === 1;
    },
    async markSent(channel, developmentId) {
      await redis.sadd(audience, `${channel}\n${developmentId}`);
    },
    async claimDigest(channel, periodKey) {
      // One SET NX: whichever worker gets there first posts; every other one, ever, does not.
      return (await redis.set(`${prefix}digest:${channel}:${periodKey}`, String(Date.now()), 'EX', CLAIM_TTL_S, 'NX')) === 'OK';
    },
  };
}
