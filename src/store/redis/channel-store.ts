/**
 * Channel settings in one Redis hash (channel -> settings JSON), development threads in
 * another (channel + development -> ref), the developments sent to each channel in a set
 * with their last post times in a sorted set (what retired developments leave is trimmed),
 * and digest claims as SET NX keys.
 */
import type { Redis } from 'ioredis';
import { emptyChannel, type ChannelSettings, type ChannelStore } from '../ports.js';
import { DEFAULT_RETENTION, sentTrim, type RetentionPolicy } from '../retention.js';

/**
 * Forgets up to ARGV[2] pairs last posted before ARGV[1]: from the audience set (KEYS[2]),
 * the threads hash (KEYS[3]) and the post times (KEYS[1]), together.
 */
const FORGET = `
local m = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[1], 'LIMIT', 0, ARGV[2])
if #m == 0 then return 0 end
redis.call('SREM', KEYS[2], unpack(m))
redis.call('HDEL', KEYS[3], unpack(m))
redis.call('ZREM', KEYS[1], unpack(m))
return #m`;
/** Pairs from before post times were kept age from the first trim (ZADD NX: later posts win). */
const BACKFILL = `
if redis.call('SET', KEYS[3], ARGV[1], 'NX') == false then return 0 end
local n = 0
for _, m in ipairs(redis.call('SMEMBERS', KEYS[1])) do n = n + redis.call('ZADD', KEYS[4], 'NX', ARGV[1], m) end
for _, m in ipairs(redis.call('HKEYS', KEYS[2])) do n = n + redis.call('ZADD', KEYS[4], 'NX', ARGV[1], m) end
return n`;
const FORGET_BATCH = 500;

/** A claim outlives any period it could be asked about again (weekly digests: a year). */
const CLAIM_TTL_S = 400 * 86_400;

export function createRedisChannelStore({ redis, prefix, retention, warn }: { redis: Redis; prefix: string; retention?: RetentionPolicy | undefined; warn?: (m: string) => void }): ChannelStore {
  const key = `${prefix}channels`;
  const threads = `${prefix}threads`;
  const audience = `${prefix}audience`;
  const sentAt = `${prefix}audience-at`;
  // Dated once per deployment (the script's own SET NX), asked once per process.
  let backfilled = false;
  const forget = async (before: number) => {
    if (!backfilled) await redis.eval(BACKFILL, 4, audience, threads, `${sentAt}:since`, sentAt, String(Date.now()));
    backfilled = true;
    let total = 0;
    for (let n = FORGET_BATCH; n === FORGET_BATCH; total += n) n = Number(await redis.eval(FORGET, 3, sentAt, audience, threads, String(before), String(FORGET_BATCH)));
    return total;
  };
  const trim = sentTrim(retention ?? DEFAULT_RETENTION, forget, warn);
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
    async markSent(channel, developmentId, at = Date.now()) {
      const member = `${channel}\n${developmentId}`;
      await redis.multi().sadd(audience, member).zadd(sentAt, 'GT', at, member).exec();
      await trim(at);
    },
    async forgetSentBefore(before) {
      return forget(before);
    },
    async claimDigest(channel, periodKey) {
      // One SET NX: whichever worker gets there first posts; every other one, ever, does not.
      return (await redis.set(`${prefix}digest:${channel}:${periodKey}`, String(Date.now()), 'EX', CLAIM_TTL_S, 'NX')) === 'OK';
    },
  };
}
