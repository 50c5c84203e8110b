/**
 * The analyze job: read and frame the article on whichever worker took the job (in
 * parallel with every other job), then wait for the story's turn and make the short
 * decision against the story's developments, in queue order per story.
 *
 * Ordering guarantee: within one story, articles are decided in the order their jobs
 * were queued (a poll queues its new items oldest first), each against everything
 * decided before it, whichever worker decides it; so a stream gives the same decisions
 * through one worker or many. Stories are independent and proceed in parallel.
 */
import { UnrecoverableError, type Job, type Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { PreparedArticle } from '../../analysis/engine.js';
import type { Article } from '../../domain/article.js';
import type { Logger } from '../../log.js';
import { analyzeArticle } from '../../pipeline/analyze-article.js';
import type { Lanes, StoryLane } from '../../pipeline/stories.js';
import type { AnalyzeJob } from './names.js';
import type { Turns } from './turns.js';

/** Another worker's prepared articles are learned from this cache instead of prepared again. */
const PROFILE_TTL_MS = 3_600_000;

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

/** JSON has no NaN: an undated article's time comes back as null. */
function revive(c: Cached, article: Article): PreparedArticle {
  const fix = <T extends { time: number }>(o: T): T => ({ ...o, time: o.time ?? Number.NaN });
  return { article, text: fix(c.text), profile: c.profile ? fix(c.profile) : undefined };
}

export function orderedAnalyzeProcessor(deps: OrderedAnalyzeDeps) {
  const profileKey = (story: string, id: string) => `${deps.prefix}:profile:${story}:${id}`;
  const cursors = new Map<string, { cursor: number; learnedHere: Set<string> }>();
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
  const catchUp = async (lane: StoryLane) => {
    const c = cursorOf(lane.id);
    const { entries, cursor } = await lane.store.knowledgeSince(c.cursor);
    const todo = entries.filter((e) => !c.learnedHere.delete(e.article.id));
    const cached = todo.length ? await deps.redis.mget(...todo.map((e) => profileKey(lane.id, e.article.id))) : [];
    todo.forEach((e, i) => {
      const dev = e.decision.relevant ? e.decision.developmentId : null;
      const raw = cached[i];
      if (raw) lane.engine.rememberPrepared(revive(JSON.parse(raw) as Cached, e.article), dev, e.decision.novel);
      else lane.engine.remember(e.article, dev, e.decision.novel);
    });
    c.cursor = cursor;
  };

  /**
   * One ordered step per story at a time in this process: a helper and the head's own job
   * may both reach it, and two catch-ups at once would teach the engine an article twice.
   */
  const chains = new Map<string, Promise<unknown>>();
  const decideInTurn = (lane: StoryLane, jobId: string, data: AnalyzeJob, prepared: PreparedArticle): Promise<string> => {
    const run = (chains.get(lane.id) ?? Promise.resolve()).then(() => decideNow(lane, jobId, data, prepared));
    chains.set(lane.id, run.catch(() => undefined));
    return run;
  };
  const decideNow = async (lane: StoryLane, jobId: string, data: AnalyzeJob, prepared: PreparedArticle): Promise<string> => {
    const { article, feedId, backlog } = data;
    await catchUp(lane);
    if (await lane.store.hasSeen(article.id)) {
      await deps.turns.done(lane.id, jobId);
      return 'already analysed';
    }
    const { article: _a, ...cached } = prepared;
    // Before the record: whoever learns this article next finds it prepared.
    await deps.redis.set(profileKey(lane.id, article.id), JSON.stringify(cached), 'PX', PROFILE_TTL_MS);
    const r = await analyzeArticle(lane.analyze, article, feedId, { silent: backlog, prepared });
    // Learned here only once the store committed it; a failed write throws above, the turn
    // stays this job's, and the retry decides it exactly as this attempt would have.
    if (!r.skipped) cursorOf(lane.id).learnedHere.add(article.id);
    await deps.turns.done(lane.id, jobId);
    if (r.alert) await deps.onAlert(lane, r.alert.alert.id, r.alert.targets, r.alert.alert.kind === 'follow-up');
    const result = r.skipped ? 'already analysed' : r.alert ? `alert ${r.alert.alert.id}` : r.decision?.relevant ? 'relevant, not new' : 'off-topic';
    deps.log.debug(`analysed article ${article.id}: ${result}`, { feed: feedId, story: lane.id });
    return result;
  };

  /**
   * Decides the head on its job's behalf (one helper at a time); its job, when a worker
   * takes it, finds the article recorded. A head that is no job at all leaves the order.
   */
  const help = async (lane: StoryLane, head: string): Promise<void> => {
    const claim = `${deps.prefix}:turns:help:${head}`;
    if ((await deps.redis.set(claim, '1', 'PX', 30_000, 'NX')) !== 'OK') return;
    try {
      const job = await deps.queues.analyze.getJob(head);
      if (!job?.data?.article?.id || (job.data.story ?? deps.lanes.primary.id) !== lane.id) return void (await deps.turns.done(lane.id, head));
      await decideInTurn(lane, head, job.data, lane.engine.prepare(job.data.article));
      deps.log.debug(`decided ${head} for its job (nobody was working on it)`, { story: lane.id });
    } finally {
      await deps.redis.del(claim);
    }
  };

  return async (job: Job<AnalyzeJob>): Promise<string> => {
    const { article } = job.data;
    const story = job.data.story ?? deps.lanes.primary.id;
    const jobId = job.id!;
    if (!article?.id || typeof article.content !== 'string') {
      await deps.turns.done(story, jobId);
      throw new UnrecoverableError('analyze job without a valid article');
    }
    const lane = deps.lanes.get(story);
    if (!lane) {
      await deps.turns.done(story, jobId);
      throw new UnrecoverableError(`story "${story}" is not tracked by this worker (check STORYWATCH_STORIES on every worker)`);
    }
    // Recorded by an earlier attempt (or a helper): deliveries, if any, are the sweep's.
    if (await lane.store.hasSeen(article.id)) {
      await deps.turns.done(story, jobId);
      return 'already analysed';
    }
    // The parallel part: no shared state, no turn needed.
    const prepared = lane.engine.prepare(article);
    for (;;) {
      const turn = await deps.turns.wait(story, jobId);
      if (turn === 'turn') break;
      await help(lane, turn.help);
    }
    // The ordered part: this job heads its story's order.
    return decideInTurn(lane, jobId, job.data, prepared);
  };
}

/** What the turns ask of a head that does not move. */
export function jobState(queue: Queue<AnalyzeJob>): (jobId: string) => Promise<'active' | 'pending' | 'gone'> {
  return async (jobId) => {
    const state = await queue.getJobState(jobId);
    return state === 'active' ? 'active' : state === 'completed' || state === 'failed' || state === 'unknown' ? 'gone' : 'pending';
  };
}
