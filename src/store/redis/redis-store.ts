/**
 * Redis store for the scale-out runner; the same port and contract as the file store.
 * Keys (all under one prefix, so several stories or test runs share a server):
 *   feeds    hash  feedId -> FeedState JSON
 *   seen     set   article ids
 *   log      list  ProcessedArticle JSON, in processing order (the knowledge log)
 *   alerts   hash  alertId -> AlertRecord JSON;  alert-order list of alert ids
 *   pending  set   "alertId\ntarget" pairs not yet delivered
 *   dev-alert hash developmentId -> id of the alert that announced it
 *   primed   set   configured URLs of feeds whose first poll is done
 * Recording an article is one Lua script, so seen/log/alert/pending change together.
 */
import type { Redis } from 'ioredis';
import type { AlertRecord, FeedState, ProcessedArticle, StateStore } from '../ports.js';

const RECORD = `
if redis.call('SADD', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('RPUSH', KEYS[2], ARGV[2])
if ARGV[3] ~= '' then
  redis.call('HSET', KEYS[3], ARGV[3], ARGV[4])
  redis.call('RPUSH', KEYS[4], ARGV[3])
  if ARGV[5] ~= '' then redis.call('HSETNX', KEYS[6], ARGV[5], ARGV[3]) end
  for i = 6, #ARGV do redis.call('SADD', KEYS[5], ARGV[3] .. '\\n' .. ARGV[i]) end
end
return 1`;

const UNLOCK = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

export interface RedisStoreDeps {
  redis: Redis;
  /** Key prefix, e.g. "storywatch:minerals-deal:". */
  prefix: string;
}

type WithRecord = Redis & {
  swRecord(...args: Array<string | number>): Promise<number>;
};

export function createRedisStore({ redis, prefix }: RedisStoreDeps): StateStore {
  const k = {
    feeds: `${prefix}feeds`, seen: `${prefix}seen`, log: `${prefix}log`, alerts: `${prefix}alerts`,
    order: `${prefix}alert-order`, pending: `${prefix}pending`, devAlert: `${prefix}dev-alert`, primed: `${prefix}primed`,
  };
  if (!('swRecord' in redis)) redis.defineCommand('swRecord', { numberOfKeys: 6, lua: RECORD });
  const r = redis as WithRecord;
  const pair = (alertId: string, target: string) => `${alertId}\n${target}`;
  const alertOf = async (id: string) => {
    const raw = await redis.hget(k.alerts, id);
    return raw ? (JSON.parse(raw) as AlertRecord) : undefined;
  };

  return {
    async getFeedState(feedId) {
      const raw = await redis.hget(k.feeds, feedId);
      return raw ? (JSON.parse(raw) as FeedState) : undefined;
    },
    async putFeedState(state) {
      await redis.hset(k.feeds, state.feedId, JSON.stringify(state));
    },
    async isPrimed(feedUrl) {
      return (await redis.sismember(k.primed, feedUrl)) === 1;
    },
    async markPrimed(feedUrl) {
      await redis.sadd(k.primed, feedUrl);
    },
    async hasSeen(articleId) {
      return (await redis.sismember(k.seen, articleId)) === 1;
    },
    async recordArticle(entry, alert) {
      const announces = alert && alert.alert.kind !== 'follow-up' ? alert.alert.developmentId : '';
      const alertArgs = alert ? [alert.alert.id, JSON.stringify(alert), announces, ...alert.targets] : ['', ''];
      const done = await r.swRecord(k.seen, k.log, k.alerts, k.order, k.pending, k.devAlert, entry.article.id, JSON.stringify(entry), ...alertArgs);
      return done === 1;
    },
    async knowledgeSince(cursor) {
      const raw = await redis.lrange(k.log, cursor, -1);
      return { entries: raw.map((x) => JSON.parse(x) as ProcessedArticle), cursor: cursor + raw.length };
    },
    getAlert: alertOf,
    async findDevelopmentAlert(developmentId) {
      const id = await redis.hget(k.devAlert, developmentId);
      return id ? alertOf(id) : undefined;
    },
    async isPending(alertId, target) {
      return (await redis.sismember(k.pending, pair(alertId, target))) === 1;
    },
    async pendingDeliveries() {
      const out: Array<{ record: AlertRecord; target: string }> = [];
      for (const member of (await redis.smembers(k.pending)).sort()) {
        const [alertId, target] = member.split('\n') as [string, string];
        const record = await alertOf(alertId);
        if (record) out.push({ record, target });
      }
      return out;
    },
    async markDelivered(alertId, target) {
      await redis.srem(k.pending, pair(alertId, target));
    },
    async tryLock(key, ttlMs) {
      const lockKey = `${prefix}lock:${key}`;
      const token = `${process.pid}-${Math.random().toString(36).slice(2)}`;
      if ((await redis.set(lockKey, token, 'PX', ttlMs, 'NX')) !== 'OK') return undefined;
      return async () => {
        await redis.eval(UNLOCK, 1, lockKey, token);
      };
    },
    async recentAlerts(limit) {
      const ids = await redis.lrange(k.order, -limit, -1);
      if (!ids.length) return [];
      const raw = await redis.hmget(k.alerts, ...ids);
      return raw.filter((x): x is string => !!x).map((x) => JSON.parse(x) as AlertRecord).reverse();
    },
    // The connection belongs to the caller, who may share it.
    async close() {},
  };
}
