/**
 * Leader election with one Redis key (SET NX PX, renewed by its holder). The leader
 * upserts the feeds' Job Schedulers and sweeps pending deliveries; if it dies, the key
 * expires and another process takes over within one TTL.
 */
import type { Redis } from 'ioredis';
import type { Logger } from '../../log.js';

const ACQUIRE_OR_RENEW = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 1 end
return 0`;

const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

export interface LeaderDeps {
  redis: Redis;
  key: string;
  id: string;
  ttlMs: number;
  log: Logger;
  /** Called when this process becomes leader, and then every `everyMs` while it stays leader. */
  duty: (firstTime: boolean) => Promise<void>;
  everyMs: number;
}

export interface Leader {
  start(): void;
  stop(): Promise<void>;
  readonly isLeader: boolean;
}

export function createLeader(deps: LeaderDeps): Leader {
  let leader = false;
  let timer: NodeJS.Timeout | undefined;
  let lastDuty = 0;
  let stopped = false;
  let running: Promise<void> = Promise.resolve();

  const round = async () => {
    try {
      const got = (await deps.redis.eval(ACQUIRE_OR_RENEW, 1, deps.key, deps.id, String(deps.ttlMs))) === 1;
      const first = got && !leader;
      if (got !== leader) deps.log.info(got ? 'this process is now the scheduling leader' : 'lost scheduling leadership');
      leader = got;
      if (leader && (first || Date.now() - lastDuty >= deps.everyMs)) {
        lastDuty = Date.now();
        await deps.duty(first);
      }
    } catch (err) {
      deps.log.warn(`leader round failed: ${(err as Error).message}; retrying`, { todo: 'check that Redis is reachable' });
    }
  };

  const loop = () => {
    if (stopped) return;
    running = round().then(() => {
      if (!stopped) timer = setTimeout(loop, Math.max(50, Math.floor(deps.ttlMs / 3)));
    });
  };

  return {
    start: loop,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
      if (leader) await deps.redis.eval(RELEASE, 1, deps.key, deps.id).catch(() => undefined);
      leader = false;
    },
    get isLeader() {
      return leader;
    },
  };
}
