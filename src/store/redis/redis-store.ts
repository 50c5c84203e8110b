/**
 * Redis store for the scale-out runner; the same port and contract as the SQLite store.
 * Keys (all under one prefix, so several stories or test runs share a server):
 *   feeds      hash  feedId -> FeedState JSON
 *   seen       zset  article id, scored by when it was processed
 *   log        zset  ProcessedArticle JSON, scored by its sequence number (the cursor);
 *   log-time   zset  sequence number, scored by when it was processed; log-seq the counter
 *   alerts     hash  alertId -> AlertRecord JSON; alert-order zset of ids by alert-seq
 *   pending    set   "alertId\ntarget" pairs not yet delivered
 *   dev-alert  hash  developmentId -> id of the alert that announced it
 *   dev-last   zset  developmentId, scored by its latest report
 *   follow-ups zset  follow-up alert ids by when they were raised
 *   primed     set   configured URLs of feeds whose first poll is done
 *   posting    hash  "alertId\ntarget" -> when its post started (until it is marked delivered)
 *   snapshot:<key> hash  an engine snapshot (version, cursor, takenAt, data)
 * Recording an article is one Lua script, so seen/log/alert/pending change together.
 * Every per-article key is trimmed by retention, so memory is flat once the window is full.
 */
import type { Redis } from 'ioredis';
import type { AlertRecord, FeedState, LockRelease, ProcessedArticle, StateStore } from '../ports.js';
import { cutoffs, DEFAULT_RETENTION, sweepClock, type RetentionPolicy, type RetentionReport } from '../retention.js';
import { MIGRATE, RECORD, SWEEP } from './scripts.js';

const UNLOCK = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;
const RENEW = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0`;
/** A MULTI's commands answer one by one: the first error is the caller's. */
function failed(results: Array<[Error | null, unknown]> | null): void {
  const err = results?.find(([e]) => e)?.[0];
  if (err) throw err;
}

/** Entries removed per sweep script call: Redis serves others between calls. */
const SWEEP_BATCH = 1000;

export interface RedisStoreDeps {
  redis: Redis;
  /** Key prefix, e.g. "storywatch:minerals-deal:". */
  prefix: string;
  retention?: RetentionPolicy | undefined;
  /** Told when a retention sweep fails (the next one tries again). */
  warn?: (message: string) => void;
}

type Scripted = Redis & {
  swRecord2(...args: Array<string | number>): Promise<number>;
  swSweep(...args: Array<string | number>): Promise<number[]>;
  swMigrate(...args: Array<string | number>): Promise<number>;
};

const time = (iso: string | undefined): number => {
  const t = iso ? Date.parse(iso) : Number.NaN;
  return Number.isNaN(t) ? Date.now() : t;
};

export function createRedisStore({ redis, prefix, retention, warn }: RedisStoreDeps): StateStore {
  const names = ['seen', 'log', 'log-time', 'log-seq', 'alerts', 'alert-order', 'alert-seq', 'pending', 'dev-alert', 'dev-last', 'follow-ups', 'schema'] as const;
  const keys = names.map((n) => `${prefix}${n}`);
  const k = Object.fromEntries(names.map((n, i) => [n, keys[i]!])) as Record<(typeof names)[number], string>;
  const feedsKey = `${prefix}feeds`;
  const primedKey = `${prefix}primed`;
  /** Posts started and not yet marked delivered ("alert\ntarget" -> ISO start time). */
  const postingKey = `${prefix}posting`;
  if (!('swRecord2' in redis)) {
    redis.defineCommand('swRecord2', { numberOfKeys: 11, lua: RECORD });
    redis.defineCommand('swSweep', { numberOfKeys: 11, lua: SWEEP });
    redis.defineCommand('swMigrate', { numberOfKeys: 12, lua: MIGRATE });
  }
  const r = redis as Scripted;
  const policy = retention ?? DEFAULT_RETENTION;
  const clock = sweepClock();
  // Schema 1 data (a list as the log) moves to sorted sets once, before anything reads it.
  let migrated: Promise<unknown> | undefined;
  const ready = () => (migrated ??= r.swMigrate(...keys, Date.now()).catch((err) => {
    migrated = undefined;
    throw err;
  }));
  const pair = (alertId: string, target: string) => `${alertId}\n${target}`;
  const alertOf = async (id: string) => {
    const raw = await redis.hget(k.alerts, id);
    return raw ? (JSON.parse(raw) as AlertRecord) : undefined;
  };

  const sweep = async (now: number): Promise<RetentionReport> => {
    await ready();
    const c = cutoffs(policy, now);
    const total: RetentionReport = { articles: 0, alerts: 0, developments: 0, seen: 0 };
    for (;;) {
      const [articles = 0, alerts = 0, developments = 0, seen = 0] = await r.swSweep(...keys.slice(0, 11), c.before, c.seenBefore, SWEEP_BATCH);
      Object.assign(total, { articles: total.articles + articles, alerts: total.alerts + alerts, developments: total.developments + developments, seen: total.seen + seen });
      if (articles < SWEEP_BATCH && developments < SWEEP_BATCH) return total;
    }
  };

  return {
    async getFeedState(feedId) {
      const raw = await redis.hget(feedsKey, feedId);
      return raw ? (JSON.parse(raw) as FeedState) : undefined;
    },
    async putFeedState(state) {
      await redis.hset(feedsKey, state.feedId, JSON.stringify(state));
    },
    async isPrimed(feedUrl) {
      return (await redis.sismember(primedKey, feedUrl)) === 1;
    },
    async markPrimed(feedUrl) {
      await redis.sadd(primedKey, feedUrl);
    },
    async hasSeen(articleId) {
      await ready();
      return (await redis.zscore(k.seen, articleId)) !== null;
    },
    async seenEach(articleIds) {
      if (!articleIds.length) return [];
      await ready();
      return (await redis.zmscore(k.seen, ...articleIds)).map((s) => s !== null);
    },
    async recordArticle(entry, alert) {
      await ready();
      const at = time(entry.processedAt);
      const d = entry.decision;
      const devId = d.relevant && d.developmentId ? d.developmentId : '';
      const announces = alert && alert.alert.kind !== 'follow-up' ? alert.alert.developmentId ?? devId : '';
      const alertArgs = alert ? [alert.alert.id, JSON.stringify(alert), announces, time(alert.createdAt), ...alert.targets] : ['', '', '', ''];
      const done = (await r.swRecord2(...keys.slice(0, 11), entry.article.id, JSON.stringify(entry), at, devId, ...alertArgs)) === 1;
      if (done && clock.due(at)) {
        // Recorded already: a failed sweep is only tried again later.
        await sweep(at).catch((err: Error) => warn?.(`retention sweep failed: ${err.message}; tried again later`));
      }
      return done;
    },
    async knowledgeSince(cursor, limit) {
      await ready();
      const raw = limit === undefined
        ? await redis.zrangebyscore(k.log, `(${cursor}`, '+inf', 'WITHSCORES')
        : await redis.zrangebyscore(k.log, `(${cursor}`, '+inf', 'WITHSCORES', 'LIMIT', 0, limit);
      const entries: ProcessedArticle[] = [];
      let next = cursor;
      for (let i = 0; i < raw.length; i += 2) {
        entries.push(JSON.parse(raw[i]!) as ProcessedArticle);
        next = Number(raw[i + 1]);
      }
      return { entries, cursor: next };
    },
    async knowledgeCount(cursor) {
      await ready();
      return redis.zcount(k.log, `(${cursor}`, '+inf');
    },
    async knowledgeEnd() {
      await ready();
      return Number((await redis.get(k['log-seq'])) ?? 0);
    },
    getAlert: alertOf,
    async findDevelopmentAlert(developmentId) {
      const id = await redis.hget(k['dev-alert'], developmentId);
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
      failed(await redis.multi().srem(k.pending, pair(alertId, target)).hdel(postingKey, pair(alertId, target)).exec());
    },
    async notePosting(pairs, at) {
      // HSETNX: the first start counts (the platform is searched from then on).
      const m = redis.multi();
      for (const p of pairs) m.hsetnx(postingKey, pair(p.alertId, p.target), at);
      failed(await m.exec());
    },
    async forgetPosting(pairs) {
      if (pairs.length) await redis.hdel(postingKey, ...pairs.map((p) => pair(p.alertId, p.target)));
    },
    async postingSince(alertId, target) {
      return (await redis.hget(postingKey, pair(alertId, target))) ?? undefined;
    },
    async tryLock(key, ttlMs) {
      const lockKey = `${prefix}lock:${key}`;
      const token = `${process.pid}-${Math.random().toString(36).slice(2)}`;
      if ((await redis.set(lockKey, token, 'PX', ttlMs, 'NX')) !== 'OK') return undefined;
      const release: LockRelease = async () => {
        await redis.eval(UNLOCK, 1, lockKey, token);
      };
      release.renew = async () => (await redis.eval(RENEW, 1, lockKey, token, String(ttlMs))) === 1;
      return release;
    },
    async recentAlerts(limit) {
      await ready();
      const ids = await redis.zrevrange(k['alert-order'], 0, limit - 1);
      if (!ids.length) return [];
      const raw = await redis.hmget(k.alerts, ...ids);
      return raw.filter((x): x is string => !!x).map((x) => JSON.parse(x) as AlertRecord);
    },
    async loadSnapshot(key) {
      const h = await redis.hgetallBuffer(`${prefix}snapshot:${key}`);
      if (!h.data || !h.version) return undefined;
      return { version: h.version.toString(), cursor: Number(h.cursor?.toString() ?? 0), takenAt: h.takenAt?.toString() ?? '', data: h.data };
    },
    async saveSnapshot(key, s) {
      await redis.hset(`${prefix}snapshot:${key}`, { version: s.version, cursor: String(s.cursor), takenAt: s.takenAt, data: Buffer.from(s.data) });
    },
    async applyRetention(now) {
      return sweep(now.getTime());
    },
    // The connection belongs to the caller, who may share it.
    async close() {},
  };
}
