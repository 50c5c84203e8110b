/**
 * The analyze job: read and frame its articles (a poll's new items for one story) on
 * whichever worker took the job (in parallel with every other job), then wait for the
 * story's turn and make the short decisions against the story's developments, in queue
 * order per story and in the job's order within it.
 *
 * Ordering guarantee: within one story, articles are decided in the order their jobs
 * were queued (a poll queues its new items oldest first), each against everything
 * decided before it, whichever worker decides it; so a stream gives the same decisions
 * through one worker or many. Stories are independent and proceed in parallel.
 */
import { UnrecoverableError, type Job, type Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { PreparedArticle } from '../../analysis/engine.js';
import { retireFor } from '../../pipeline/catch-up.js';
import type { Article } from '../../domain/article.js';
import type { AlertRecord, ProcessedArticle } from '../../store/ports.js';
import type { Logger } from '../../log.js';
import { analyzeArticle } from '../../pipeline/analyze-article.js';
import type { Lanes, StoryLane } from '../../pipeline/stories.js';
import { analyzeItems, itemFeed, type AnalyzeItem, type AnalyzeJob } from './names.js';
import { deciderClaim, type Turns } from './turns.js';

/** Another worker's prepared articles are learned from this cache instead of prepared again. */
const PROFILE_TTL_MS = 3_600_000;
/** Heads one process decides in a row before it lets the turn go (its jobs wait meanwhile). */
const RUN_AHEAD = 512;

export interface OrderedAnalyzeDeps {
  lanes: Lanes;
  turns: Turns;
  redis: Redis;
  prefix: string;
  log: Logger;
  queues: { analyze: Queue<AnalyzeJob> };
  /** After a decision that raised an alert: queue its deliveries. */
  onAlert: (lane: StoryLane, alertId: string, targets: string[], followUp: boolean) => Promise<unknown>;
}

type Cached = Omit<PreparedArticle, 'article'>;
/** What a job leaves in Redis for whichever process decides it: its data, its articles prepared. */
interface Prep { data: AnalyzeJob; prepared: Cached[] }

function strip(p: PreparedArticle): Cached {
  const { article: _a, ...cached } = p;
  return cached;
}

/** A job's data and its articles prepared, from Redis; undefined when they do not fit its items. */
function readPrep(raw: string): { data: AnalyzeJob; prepared: PreparedArticle[] } | undefined {
  const p = JSON.parse(raw) as Partial<Prep> & Cached & { data?: AnalyzeJob };
  if (!p.data) return undefined;
  // One article's prepared form with the job's data beside it (as older versions wrote every job's).
  const cached = Array.isArray(p.prepared) ? p.prepared : [p as Cached];
  const items = analyzeItems(p.data);
  return cached.length === items.length ? { data: p.data, prepared: items.map((it, i) => revive(cached[i]!, it.article)) } : undefined;
}

const validItem = (it: AnalyzeItem | undefined) => Boolean(it?.article?.id) && typeof it!.article.content === 'string';

/**
 * The job's data with only its valid items (an article with an id and text): one bad item
 * does not cost the others their analysis. `skipped` counts the items left out.
 */
function validData(data: AnalyzeJob | undefined): { data: AnalyzeJob; items: AnalyzeItem[]; skipped: number } {
  const all = analyzeItems(data ?? ({} as AnalyzeJob));
  const items = all.filter(validItem);
  const kept = items.length === all.length || !Array.isArray(data?.items) ? data! : { ...data!, items };
  return { data: kept, items, skipped: all.length - items.length };
}

/** JSON has no NaN: an undated article's time comes back as null. */
function revive(c: Cached, article: Article): PreparedArticle {
  const fix = <T extends { time: number }>(o: T): T => ({ ...o, time: o.time ?? Number.NaN });
  return { article, text: fix(c.text), groups: c.groups, profile: c.profile ? fix(c.profile) : undefined };
}

export function orderedAnalyzeProcessor(deps: OrderedAnalyzeDeps) {
  const profileKey = (story: string, id: string) => `${deps.prefix}:profile:${story}:${id}`;
  const prepKey = (jobId: string) => `${deps.prefix}:prep:${jobId}`;
  const turnsKey = (story: string) => `${deps.prefix}:turns:${story}`;
  const cursors = new Map<string, { cursor: number; learnedHere: Set<string> }>();
  /**
   * Jobs this process decided while running ahead (recorded, and popped from the order):
   * their own jobs here finish without a second pass over Redis (a claim, a catch-up read
   * and an LREM over the whole order, per article).
   */
  const decidedAhead = new Set<string>();
  const cursorOf = (story: string) => {
    let c = cursors.get(story);
    if (!c) cursors.set(story, (c = { cursor: 0, learnedHere: new Set() }));
    return c;
  };

  /**
   * The engine learns, in log order, what other workers recorded since it last looked:
   * every article, off-topic ones too (a near miss teaches which names are not the
   * story's), so every worker's engine is the one a single worker would have.
   */
  const catchUp = async (lane: StoryLane, known?: { entries: ProcessedArticle[]; cursor: number }) => {
    const c = cursorOf(lane.id);
    const { entries, cursor } = known ?? await lane.store.knowledgeSince(c.cursor);
    const todo = entries.filter((e) => !c.learnedHere.delete(e.article.id));
    const cached = todo.length ? await deps.redis.mget(...todo.map((e) => profileKey(lane.id, e.article.id))) : [];
    todo.forEach((e, i) => {
      const dev = e.decision.relevant ? e.decision.developmentId : null;
      const raw = cached[i];
      if (raw) lane.engine.rememberPrepared(revive(JSON.parse(raw) as Cached, e.article), dev, e.decision.novel);
      else lane.engine.remember(e.article, dev, e.decision.novel);
      // As analyzeArticle and the embedded catch-up do: the same entries retire the same developments.
      retireFor(lane.engine, e.article, e.processedAt, lane.analyze.retentionDays);
    });
    c.cursor = cursor;
  };

  /**
   * One ordered step per story at a time in this process: a helper and the head's own job
   * may both reach it, and two catch-ups at once would teach the engine an article twice.
   */
  const chains = new Map<string, Promise<unknown>>();
  const decideInTurn = (lane: StoryLane, jobId: string, data: AnalyzeJob, prepared: PreparedArticle[]): Promise<string | null> => {
    const run = (chains.get(lane.id) ?? Promise.resolve()).then(async () => {
      // Decided by this process running ahead while this job waited on the chain.
      if (decidedAhead.delete(jobId)) return 'already analysed';
      const out = await claimed(jobId, () => decideNow(lane, jobId, data, prepared));
      // Holding the story's step: decide the heads after it that are already prepared, here,
      // instead of handing the turn to another process for each (a hop costs more than a decision).
      if (out) await runAhead(lane, out.next);
      return out?.result ?? null;
    });
    chains.set(lane.id, run.catch(() => undefined));
    return run;
  };

  /**
   * One decider per job at a time (its own job, or a process running ahead): undefined if
   * taken. A decision ends with the job leaving the order, which releases the claim too.
   */
  const claimed = async <T>(jobId: string, fn: () => Promise<T | null>): Promise<T | null | undefined> => {
    const claim = deciderClaim(deps.prefix, jobId);
    if ((await deps.redis.set(claim, '1', 'PX', 30_000, 'NX')) !== 'OK') return undefined;
    let released = false;
    try {
      const out = await fn();
      released = out !== null;
      return out;
    } finally {
      if (!released) await deps.redis.del(claim);
    }
  };

  /** Decides `jobId`'s articles if it heads its story's order; null when it does not (back to waiting). */
  const decideNow = async (lane: StoryLane, jobId: string, data: AnalyzeJob, prepared: PreparedArticle[]): Promise<{ result: string; next: string | null } | null> => {
    const items = analyzeItems(data);
    // The ordered step is a chain of round trips: ask what it needs at once.
    const [known, seen, head] = await Promise.all([lane.store.knowledgeSince(cursorOf(lane.id).cursor), lane.store.seenEach(items.map((it) => it.article.id)), deps.redis.lindex(turnsKey(lane.id), 0)]);
    // Decided elsewhere (a process running ahead): nothing to learn until this one decides,
    // so an engine learns another's decisions in one batch when it next decides, not per job.
    if (seen.every(Boolean)) return { result: 'already analysed', next: await deps.turns.done(lane.id, jobId) };
    await catchUp(lane, known);
    // Woken by a nudge, but the articles are not recorded: whoever decided for it failed.
    if (head !== jobId) return null;
    const alerts: AlertRecord[] = [];
    const results: string[] = [];
    try {
      for (let i = 0; i < items.length; i++) {
        results.push(seen[i] ? 'already analysed' : await decideOne(lane, items.length === 1 ? jobId : undefined, itemFeed(data, items[i]!), items[i]!, prepared[i]!, alerts));
      }
    } catch (err) {
      // The turn stays this job's and its retry decides the rest; what was recorded is alerted now.
      await queueAlerts(lane, alerts).catch(() => undefined);
      throw err;
    }
    const next = await deps.turns.done(lane.id, jobId);
    // A batch's prepared forms are kept under their articles' keys now; not waited for.
    if (items.length > 1) deps.redis.del(prepKey(jobId)).catch(() => undefined);
    await queueAlerts(lane, alerts);
    return { result: results.length === 1 ? results[0]! : `${results.filter((r) => r !== 'already analysed').length} analysed, ${alerts.length} alert(s)`, next };
  };

  const queueAlerts = async (lane: StoryLane, alerts: AlertRecord[]) => {
    for (const a of alerts) await deps.onAlert(lane, a.alert.id, a.targets, a.alert.kind === 'follow-up');
  };

  /** `single`: the job of this one article, whose prepared form in Redis becomes the article's. */
  const decideOne = async (lane: StoryLane, single: string | undefined, feedId: string, item: AnalyzeItem, prepared: PreparedArticle, alerts: AlertRecord[]): Promise<string> => {
    const { article, backlog } = item;
    // What other engines learn the article from: its prepared form (a one-article job's is
    // moved, no second copy over the wire), sent before the record on the same connection, so
    // Redis stores it first; not waited for (an engine that misses it prepares the article itself).
    const write = () => deps.redis.set(profileKey(lane.id, article.id), JSON.stringify(strip(prepared)), 'PX', PROFILE_TTL_MS);
    const stored = (single ? deps.redis.rename(prepKey(single), profileKey(lane.id, article.id)).catch(write) : write()).catch(() => undefined);
    const r = await analyzeArticle(lane.analyze, article, feedId, { silent: backlog, prepared, unseen: true });
    await stored;
    // Learned here only once the store committed it; a failed write throws above, the turn
    // stays this job's, and the retry decides it exactly as this attempt would have.
    if (!r.skipped) cursorOf(lane.id).learnedHere.add(article.id);
    if (r.alert) alerts.push(r.alert);
    const result = r.skipped ? 'already analysed' : r.alert ? `alert ${r.alert.alert.id}` : r.decision?.relevant ? 'relevant, not new' : 'off-topic';
    deps.log.debug(`analysed article ${article.id}: ${result}`, { feed: feedId, story: lane.id });
    return result;
  };

  /**
   * Decides prepared heads on their jobs' behalf while they come; stops at one not prepared
   * yet (waiting for it here would hold the step while every worker slot waits behind it).
   * The step stays with one process while it has work: each hop to another process costs
   * that process a catch-up on everything decided since it last decided.
   */
  const runAhead = async (lane: StoryLane, head: string | null) => {
    for (let n = 0; head && n < RUN_AHEAD; n++) {
      const raw = await deps.redis.get(prepKey(head));
      const p = raw ? readPrep(raw) : undefined;
      if (!p) return;
      const id = head;
      const out = await claimed(id, () => decideNow(lane, id, p.data, p.prepared));
      if (!out) return;
      // Its own job wakes, finds the article recorded, and completes.
      decidedAhead.add(id);
      await deps.turns.nudge(id);
      head = out.next;
    }
  };

  /**
   * Decides the head on its job's behalf when nobody works on it; its job, when a worker
   * takes it, finds the article recorded. A head that is no job at all leaves the order.
   */
  const help = async (lane: StoryLane, head: string): Promise<void> => {
    const job = await deps.queues.analyze.getJob(head);
    const { data, items } = validData(job?.data);
    if (!items.length || (data.story ?? deps.lanes.primary.id) !== lane.id) return void (await deps.turns.done(lane.id, head));
    const raw = await deps.redis.get(prepKey(head));
    const prepared = (raw ? readPrep(raw)?.prepared : undefined) ?? items.map((it) => lane.engine.prepare(it.article));
    if (await decideInTurn(lane, head, data, prepared)) deps.log.debug(`decided ${head} for its job (nobody was working on it)`, { story: lane.id });
  };

  return async (job: Job<AnalyzeJob>): Promise<string> => {
    const { data, items, skipped } = validData(job.data);
    const story = job.data?.story ?? deps.lanes.primary.id;
    const jobId = job.id!;
    if (!items.length) {
      await deps.turns.done(story, jobId);
      throw new UnrecoverableError('analyze job without a valid article (each needs an id and a text); nothing to analyse');
    }
    if (skipped) deps.log.warn(`analyze job ${jobId}: ${skipped} of ${skipped + items.length} item(s) have no article id or text and are skipped; the rest are analysed (check what queued the job)`, { story });
    const lane = deps.lanes.get(story);
    if (!lane) {
      await deps.turns.done(story, jobId);
      throw new UnrecoverableError(`story "${story}" is not tracked by this worker (check STORYWATCH_STORIES on every worker)`);
    }
    // Decided here by a process running ahead, and already out of the order.
    if (decidedAhead.delete(jobId)) return 'already analysed';
    // Recorded by an earlier attempt (or a helper): deliveries, if any, are the sweep's.
    const decided = async () => (await lane.store.seenEach(items.map((it) => it.article.id))).every(Boolean);
    if (await decided()) {
      await deps.turns.done(story, jobId);
      return 'already analysed';
    }
    // From here another process may decide the article for this job and wake it.
    deps.turns.enter(jobId);
    try {
      // The parallel part: no shared state, no turn needed. Kept in Redis too, so whichever
      // process holds the story's step when this job's turn comes can decide it at once.
      const prepared = items.map((it) => lane.engine.prepare(it.article));
      // One article's is kept in the form its article's key holds (see decideOne), with the job's data beside it.
      const prep = items.length === 1 ? { ...strip(prepared[0]!), data } : { data, prepared: prepared.map(strip) };
      await deps.redis.set(prepKey(jobId), JSON.stringify(prep), 'PX', PROFILE_TTL_MS);
      for (;;) {
        const turn = await deps.turns.wait(story, jobId, decided);
        if (turn !== 'turn') {
          await help(lane, turn.help);
          continue;
        }
        if (decidedAhead.delete(jobId)) return 'already analysed';
        // The ordered part: this job heads its story's order (or was decided for it).
        const result = await decideInTurn(lane, jobId, data, prepared);
        if (result !== null) return result;
      }
    } finally {
      deps.turns.leave(jobId);
    }
  };
}

/** What the turns ask of a head that does not move. */
export function jobState(queue: Queue<AnalyzeJob>): (jobId: string) => Promise<'active' | 'pending' | 'gone'> {
  return async (jobId) => {
    const state = await queue.getJobState(jobId);
    return state === 'active' ? 'active' : state === 'completed' || state === 'failed' || state === 'unknown' ? 'gone' : 'pending';
  };
}
