/** Redis connection settings from REDIS_URL, and a start-up check that says what to do. */
import { Redis } from 'ioredis';
import { AppError } from '../../domain/errors.js';
import { redact } from '../../log.js';

/** Plain settings both ioredis and BullMQ accept. */
export interface RedisSettings {
  host: string;
  port: number;
  username?: string | undefined;
  password?: string | undefined;
  db: number;
  tls?: Record<string, never> | undefined;
}

export function redisOptions(url: string): RedisSettings {
  const u = new URL(url);
  const db = Number(u.pathname.replace(/^\//, '') || 0);
  return {
    host: u.hostname.replace(/^\[|\]$/g, ''),
    port: Number(u.port || 6379),
    username: u.username ? decodeURIComponent(u.username) : undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    db: Number.isInteger(db) ? db : 0,
    tls: u.protocol === 'rediss:' ? {} : undefined,
  };
}

/** Connects and pings, failing fast with where and what to do rather than retrying forever. */
export async function connectRedis(url: string, purpose: string): Promise<Redis> {
  const redis = new Redis({ ...redisOptions(url), lazyConnect: true, connectTimeout: 3000, maxRetriesPerRequest: 3, retryStrategy: () => null });
  // ioredis reports the socket's own error (ECONNREFUSED, ENOTFOUND) here, not in connect().
  let cause: Error | undefined;
  redis.on('error', (e: Error) => (cause ??= e));
  try {
    await redis.connect();
    await redis.ping();
  } catch (err) {
    redis.disconnect();
    const why = (cause ?? (err as Error)).message;
    throw new AppError(`Redis at ${redact(url)} is unreachable for ${purpose}: ${why}`, 'CONFIG_INVALID',
      'start Redis (or fix REDIS_URL), or unset REDIS_URL to run the embedded default without Redis', { cause: err });
  }
  // Past start-up, ride out restarts: reconnect with backoff instead of failing.
  redis.options.retryStrategy = (times: number) => Math.min(times * 200, 5000);
  return redis;
}
