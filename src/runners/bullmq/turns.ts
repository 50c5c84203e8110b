/**
 * Per-story turns: the one ordered step of analysis. Each story has a Redis list of
 * analyze job ids in the order they were queued; only the job at its head may decide,
 * and it pops itself when its decision is recorded. Everything before that (reading,
 * framing) runs on any worker in parallel, and stories never wait for each other.
 *
 * Nothing can stall the order: a head whose job is gone (completed, failed for good,
 * removed, never queued) is popped by whoever waits behind it; a head nobody works on
 * (its worker died, it waits for a retry, or every worker slot is held by jobs behind
 * it) is decided by a waiter on its behalf ("help"), so waiters never need to give their
 * slots back and the queue's order stays the turn order; a job missing from the list is
 * added at its end. Waiters wake on a pub/sub message (or a local call) when a turn ends.
 */
import type { Redis } from 'ioredis';

/** Pops the head only if it is still `jobId` (two workers may both see a dead head). */
const POP_IF_HEAD = `if redis.call('LINDEX', KEYS[1], 0) == ARGV[1] then redis.call('LPOP', KEYS[1]) redis.call('SREM', KEYS[2], ARGV[1]) return 1 end return 0`;
/**
 * Appends the ids not already in the order (KEYS[2] holds its ids). Two polls of one feed
 * before its articles are decided queue the same jobs twice; BullMQ keeps one job, and a
 * second listing would become a head whose job is gone, holding the story for a stale check.
 */
const LIST = `for _, id in ipairs(ARGV) do if redis.call('SADD', KEYS[2], id) == 1 then redis.call('RPUSH', KEYS[1], id) end end return 0`;
/**
 * LIST for several stories under their enqueue claims, taken in the same round trip: KEYS are
 * (order, listed, claim) per story; ARGV the token, then per story its count of ids and the
 * ids. All claims or none: 0 while another holds one of them.
 */
const CLAIM_AND_LIST = `
local n = #KEYS / 3
for s = 0, n - 1 do
  if not redis.call('SET', KEYS[s * 3 + 3], ARGV[1], 'PX', 5000, 'NX') then
    for t = 0, s - 1 do redis.call('DEL', KEYS[t * 3 + 3]) end
    return 0
  end
end
local i = 2
for s = 0, n - 1 do
  local count = tonumber(ARGV[i])
  for j = i + 1, i + count do if redis.call('SADD', KEYS[s * 3 + 2], ARGV[j]) == 1 then redis.call('RPUSH', KEYS[s * 3 + 1], ARGV[j]) end end
  i = i + count + 1
end
return 1`;
/** The fallback look at a head that does not move: every 25 ms at first, at most every 250 ms. */
const PAUSE_STEP_MS = 25;
const PAUSE_MAX_MS = 250;
const RELEASE = `for _, k in ipairs(KEYS) do if redis.call('GET', k) == ARGV[1] then redis.call('DEL', k) end end return 0`;
/**
 * A finished job leaves the order wherever it is (an already-recorded duplicate leaves early).
 * One that already left (its article decided for it by another process) costs no scan of the
 * order and wakes nobody: the head did not change. Its decider's claim (KEYS[4]) ends with it.
 */
const DONE = `
redis.call('DEL', KEYS[4])
local left = 0
if redis.call('LINDEX', KEYS[1], 0) == ARGV[1] then redis.call('LPOP', KEYS[1]) left = 1
elseif redis.call('SISMEMBER', KEYS[3], ARGV[1]) == 1 then redis.call('LREM', KEYS[1], 1, ARGV[1]) left = 1 end
redis.call('SREM', KEYS[3], ARGV[1])
local head = redis.call('LINDEX', KEYS[1], 0)
if head and left == 1 then redis.call('PUBLISH', KEYS[2], head) end
return {left, head}`;

export interface TurnsDeps {
  redis: Redis;
  /** Key prefix of the deployment (the BullMQ prefix). */
  prefix: string;
  /**
   * What became of a job: being worked on ('active'), still to be taken by a worker
   * ('pending': waiting, delayed for a retry), or no longer work ('gone').
   */
  jobState: (jobId: string) => Promise<'active' | 'pending' | 'gone'>;
  /** How long the head may stay the same before its job is checked (ms). */
  staleMs?: number;
}

/** Its turn, or the head that nobody works on and this waiter should decide for it. */
export type TurnOutcome = 'turn' | { help: string };

export interface Turns {
  /**
   * Appends job ids to the story's order and queues their jobs (`add`), under a short
   * per-story claim: two polls of one story may not interleave, or the order would
   * disagree with the queue's and waiters would sit on slots the head needs.
   */
  enqueue(story: string, jobIds: string[], add: () => Promise<unknown>): Promise<void>;
  /**
   * As `enqueue`, for several stories' jobs queued by one `add` (a poll round's): the claims
   * of all of them are taken together, so two rounds never interleave in any story's order.
   */
  enqueueAll(orders: Array<{ story: string; jobIds: string[] }>, add: () => Promise<unknown>): Promise<void>;
  /**
   * Resolves when `jobId` heads its story's order, or when the head needs help.
   * `decided`: whether the job's work was done for it (a process running ahead decided its
   * article and popped it): then it is not listed again at the end, it has its "turn" to finish.
   */
  wait(story: string, jobId: string, decided?: () => Promise<boolean>): Promise<TurnOutcome>;
  /** `jobId` is recorded (or needs no turn): it leaves the order, the next waiter wakes; the new head. */
  done(story: string, jobId: string): Promise<string | null>;
  /**
   * The job is in hand here (taken by this process's worker): from now until `leave`, a wake
   * that comes while it is not waiting (preparing, or trying its turn) is kept for its next
   * wait, not lost. A lost wake cost the job's worker slot the stale check's wait.
   */
  enter(jobId: string): void;
  leave(jobId: string): void;
  /** Wakes a waiting job (its article was decided for it). */
  nudge(jobId: string): Promise<void>;
  close(): Promise<void>;
}

/** The key a process holds while it decides a job (one decider per job), released by `done`. */
export const deciderClaim = (prefix: string, jobId: string) => `${prefix}:turns:claim:${jobId}`;

export function createTurns(deps: TurnsDeps): Turns {
  const key = (story: string) => `${deps.prefix}:turns:${story}`;
  const listed = (story: string) => `${key(story)}:listed`;
  const list = (story: string, ids: string[]) => deps.redis.eval(LIST, 2, key(story), listed(story), ...ids);
  const channel = `${deps.prefix}:turns`;
  const staleMs = deps.staleMs ?? 500;
  /** Waiters by job id: a turn's end wakes only the job that now heads the order. */
  const wakers = new Map<string, (head: boolean) => void>();
  /** Jobs in hand here (entered or waiting, not left), and those of them woken while not pausing (a wake is not lost). */
  const waiting = new Set<string>();
  const woken = new Set<string>();
  let closed = false;
  const wake = (jobId: unknown) => {
    if (typeof jobId !== 'string') return;
    const w = wakers.get(jobId);
    if (w) w(true);
    else if (waiting.has(jobId)) woken.add(jobId);
  };
  // Its own connection: a subscribed connection can do nothing else.
  const sub = deps.redis.duplicate();
  sub.on('message', (_c: string, head: string) => wake(head));
  sub.on('error', () => {});
  const subscribed = sub.subscribe(channel).catch(() => undefined);

  /** Resolves true when told this job now heads the order, false on the timeout. */
  const pause = (jobId: string, ms: number) => new Promise<boolean>((resolve) => {
    // Woken between two pauses (a nudge or a turn's end while it asked Redis): at once.
    if (woken.delete(jobId)) return resolve(true);
    const done = (head: boolean) => {
      clearTimeout(timer);
      if (wakers.get(jobId) === done) wakers.delete(jobId);
      resolve(head);
    };
    const timer = setTimeout(() => done(false), ms);
    wakers.set(jobId, done);
  });

  const enqueueAll: Turns['enqueueAll'] = async (all, add) => {
    // One entry per story: a second would wait on the claim its first holds.
    const byStory = new Map<string, string[]>();
    for (const o of all) byStory.set(o.story, [...(byStory.get(o.story) ?? []), ...o.jobIds]);
    const orders = [...byStory].map(([story, jobIds]) => ({ story, jobIds })).filter((o) => o.jobIds.length);
    if (!orders.length) return;
    const claims = orders.map((o) => `${key(o.story)}:enqueue`);
    const keys = orders.flatMap((o, i) => [key(o.story), listed(o.story), claims[i]!]);
    const token = `${process.pid}-${Math.random().toString(36).slice(2)}`;
    const args = [token, ...orders.flatMap((o) => [String(o.jobIds.length), ...o.jobIds])];
    // Listed first, as the claims are taken: a head whose job is not queued yet looks alive for
    // `staleMs`, long enough for `add`; one whose poll died before `add` is popped as gone.
    // The claims are held until `add` is done; they expire by themselves if their holder dies meanwhile.
    for (let i = 0; (await deps.redis.eval(CLAIM_AND_LIST, keys.length, ...keys, ...args)) !== 1; i++) await new Promise((r) => setTimeout(r, Math.min(20, 1 + i)));
    try {
      await add();
    } finally {
      await deps.redis.eval(RELEASE, claims.length, ...claims, token);
    }
  };

  return {
    async enqueue(story, jobIds, add) {
      await enqueueAll([{ story, jobIds }], add);
    },
    enqueueAll,
    async wait(story, jobId, decided) {
      waiting.add(jobId);
      return waitTurn(story, jobId, decided);
    },
    enter(jobId) {
      waiting.add(jobId);
    },
    leave(jobId) {
      waiting.delete(jobId);
      woken.delete(jobId);
    },
    async done(story, jobId) {
      // [left, head]: no head when the order is empty (Lua's nil ends the reply there).
      const [left, head] = (await deps.redis.eval(DONE, 4, key(story), channel, listed(story), deciderClaim(deps.prefix, jobId), jobId)) as [number, string?];
      // Waking the head here too, as every other process is, only when it changed.
      if (left === 1) wake(head);
      return head ?? null;
    },
    async nudge(jobId) {
      // Waiting here: woken here, no message through Redis (most run-ahead decisions).
      if (waiting.has(jobId)) return wake(jobId);
      await deps.redis.publish(channel, jobId);
    },
    async close() {
      closed = true;
      for (const w of [...wakers.values()]) w(false);
      wakers.clear();
      await sub.quit().catch(() => sub.disconnect());
    },
  };

  async function waitTurn(story: string, jobId: string, decided?: () => Promise<boolean>): Promise<TurnOutcome> {
    await subscribed;
    if (closed) throw new Error('shutting down: the job waits for its turn on another worker');
    let head: string | null = null;
    // A head that stays put is looked at every `staleMs`: its worker may die at any time.
    let checkedAt = 0;
    for (let round = 0; ; round++) {
      const now: string | null = await deps.redis.lindex(key(story), 0);
      if (now === jobId) return 'turn';
      // Stopping: the job fails this attempt and is retried (in order) by another worker.
      if (closed) throw new Error('shutting down: the job waits for its turn on another worker');
      if (now !== head) {
        head = now;
        checkedAt = Date.now();
      }
      if (Date.now() - checkedAt > staleMs) {
        checkedAt = Date.now();
        // An empty order, or one without this job: decided for it (its turn to finish), or
        // its poll died before listing it (listed now). Listed again after being decided, it
        // would hold its worker slot until the whole story's order had drained.
        if (head === null || (await deps.redis.lpos(key(story), jobId)) === null) {
          if (decided && (await decided())) return 'turn';
          await list(story, [jobId]);
        }
        const state = head === null ? 'active' : await deps.jobState(head);
        if (state === 'gone') {
          await deps.redis.eval(POP_IF_HEAD, 2, key(story), listed(story), head!);
          continue;
        }
        // Nobody is on the head: waiting for a worker slot to take it could be forever.
        if (state === 'pending') return { help: head! };
      }
      // Woken as soon as it heads the order (a turn's end names the new head: no need to look
      // again); the timeout is only for heads that do not move, so it need not be short: each
      // look is a round trip, and a waiter that looked every few ms cost Redis more per
      // article than the decision itself.
      if (await pause(jobId, Math.min(PAUSE_MAX_MS, (round + 1) * PAUSE_STEP_MS))) return 'turn';
    }
  }
}
