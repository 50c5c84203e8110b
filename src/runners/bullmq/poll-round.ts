/**
 * A poll round of the BullMQ runner: each story's new items from all of the round's feeds are
 * queued as one analyze job, and only then is each feed's state saved. A job costs Redis about
 * as much as the decisions of two or three articles (BullMQ's add, take and finish scripts, the
 * story's turn): one per story and round instead of one per feed and story. Items found early
 * in a round wait for its last fetch (each has a deadline), unless their story fills a job.
 */
import type { FeedConfig } from '../../config/app-config.js';
import { postNotice } from '../../pipeline/deliver-alert.js';
import { pollFeed, type PollOutcome } from '../../pipeline/poll-feed.js';
import { backlogFor, type StoryLane } from '../../pipeline/stories.js';
import type { StateStore } from '../../store/ports.js';
import { ANALYZE_BATCH, analyzeJobs, JOB_OPTIONS, type AnalyzeItem } from './names.js';
import type { ProcessorDeps } from './processors.js';

/** What one feed's poll found, before anything of it is queued or saved. */
export interface Polled {
  feed: FeedConfig;
  status: string;
  lanes: StoryLane[];
  outcome: PollOutcome;
  /** Articles of an unprimed story added while running that no other story of the feed had seen. */
  news: Set<string>;
  /** The feed's one story, whose store the poll asked what it had seen. */
  only?: StoryLane | undefined;
}

export async function fetchOne(deps: ProcessorDeps, feed: FeedConfig, startedAt: Date): Promise<Polled> {
  const lanes = deps.lanes.of(feed);
  // A feed of one story: the poll asks that story's store, and its answer is the story's share.
  const only = lanes.length === 1 ? lanes[0]! : undefined;
  const poll = { ...deps.poll, now: () => startedAt, ...(only ? { seen: (_f: FeedConfig, ids: string[]) => only.store.seenEach(ids) } : {}) };
  const outcome = await pollFeed(poll, feed, { unconditional: await newFollower(deps, lanes, feed) });
  deps.metrics?.polled(outcome.status);
  // Asked before any story's share is queued: another story's jobs may run meanwhile.
  const news = await newToAll(lanes, feed, outcome);
  return { feed, status: outcome.status, lanes, outcome, news, only };
}

/** A round being recorded: its feeds' polls added as they come, then closed. */
export interface Round {
  /** A feed's poll: its stories' shares join the round's; a story with a full job's worth is queued at once. */
  add(p: Polled): Promise<void>;
  /** The rest queued, then each feed's state saved; the feeds that could not be recorded, by id. */
  close(): Promise<Map<string, Error>>;
}

/**
 * Records a round's polls: each story's items as few jobs as they fit in. A story's full job
 * (ANALYZE_BATCH items) goes as soon as it is full, so in a burst analysis starts while the
 * round still polls; the rest when the round ends; then each feed's state. A feed whose items
 * could not be queued keeps its old state (the next round fetches it again).
 */
export function openRound(deps: ProcessorDeps): Round {
  const failed = new Map<string, Error>();
  const polled: Polled[] = [];
  const shares = new Map<StoryLane, AnalyzeItem[]>();
  const queue = async (batch: Map<StoryLane, AnalyzeItem[]>) => {
    if (!batch.size) return;
    try {
      await queueShares(deps, batch);
    } catch (err) {
      for (const items of batch.values()) for (const it of items) failed.set(it.feedId!, err as Error);
    }
  };
  return {
    async add(p) {
      polled.push(p);
      const full = new Map<StoryLane, AnalyzeItem[]>();
      for (const lane of p.outcome.articles.length ? p.lanes : []) {
        try {
          const items = await storyShare(deps, lane, p);
          const share = shares.get(lane) ?? [];
          shares.set(lane, share);
          share.push(...items);
          if (share.length >= ANALYZE_BATCH) full.set(lane, share.splice(0, share.length - (share.length % ANALYZE_BATCH)));
        } catch (err) {
          failed.set(p.feed.id, err as Error);
        }
      }
      await queue(full);
    },
    async close() {
      const rest = new Map([...shares].filter(([, items]) => items.length));
      shares.clear();
      await queue(rest);
      for (const p of polled.filter((x) => !failed.has(x.feed.id))) {
        try {
          await saveFeed(deps, p);
        } catch (err) {
          failed.set(p.feed.id, err as Error);
        }
      }
      return failed;
    },
  };
}

/** A round of the polls given (one feed's, for a job an older version queued per feed). */
export async function recordRound(deps: ProcessorDeps, polled: Polled[]): Promise<Map<string, Error>> {
  const round = openRound(deps);
  for (const p of polled) await round.add(p);
  return round.close();
}

/**
 * One story's share of a feed's poll: the items that story has not seen. A story that starts
 * following a feed another story already polled learns what the feed holds silently, as on a
 * feed's first poll.
 */
async function storyShare(deps: ProcessorDeps, lane: StoryLane, p: Polled): Promise<AnalyzeItem[]> {
  const { outcome, feed } = p;
  // The feed's one story: the poll asked its store alone, and these are what it had not seen.
  const seen = lane === p.only ? [] : await lane.store.seenEach(outcome.articles.map((a) => a.id));
  const fresh = outcome.articles.filter((_, i) => !seen[i]);
  if (!fresh.length) return [];
  const primary = lane.id === deps.lanes.primary.id;
  const backlog = outcome.backlog || (!primary && !(await isPrimed(lane.store, feed.url)));
  return fresh.map((article) => ({ article, backlog: backlog && !p.news.has(`${lane.id}\n${article.id}`), feedId: feed.id }));
}

/**
 * The round's items into their stories' orders, each story's oldest first, an article two
 * feeds carry once. The stories' jobs are queued in one call, taking turns (one of each story,
 * then the next of each): queued story by story, a worker's slots filled with the jobs of one
 * or two stories, which decide one at a time, while the other stories' jobs waited.
 */
async function queueShares(deps: ProcessorDeps, shares: Map<StoryLane, AnalyzeItem[]>): Promise<void> {
  const perStory = [...shares].map(([lane, items]) => ({ story: lane.id, jobs: storyJobs(deps, lane, items) }));
  if (!perStory.length) return;
  const jobs: ReturnType<typeof storyJobs> = [];
  for (let i = 0; perStory.some((s) => i < s.jobs.length); i++) for (const s of perStory) if (i < s.jobs.length) jobs.push(s.jobs[i]!);
  const add = () => deps.queues.analyze.addBulk(jobs);
  if (deps.turns) await deps.turns.enqueueAll(perStory.map((s) => ({ story: s.story, jobIds: s.jobs.map((j) => j.opts.jobId) })), add);
  else await add();
}

function storyJobs(deps: ProcessorDeps, lane: StoryLane, all: AnalyzeItem[]) {
  const ids = new Set<string>();
  const items = all.filter((it) => !ids.has(it.article.id) && ids.add(it.article.id));
  items.sort((a, b) => (a.article.publishedAt || '').localeCompare(b.article.publishedAt || ''));
  const primary = lane.id === deps.lanes.primary.id;
  return analyzeJobs(items[0]!.feedId!, items, primary ? undefined : lane.id).map(({ name, data, jobId }) => ({
    name, data,
    // Gone once done: a decided article is seen, so a later poll queues it no more, and keeping
    // thousands of finished jobs costs Redis a trim on every completion (about 0.1 ms an article).
    opts: { ...JOB_OPTIONS, removeOnComplete: true, jobId },
  }));
}

/** Saved only once the feed's articles are queued: a crash before this fetches them again. */
async function saveFeed(deps: ProcessorDeps, p: Polled): Promise<void> {
  const { feed, outcome, lanes } = p;
  // The queued backlog carries its own flag, so the feed counts as primed from here.
  if (outcome.status === 'new') {
    await markPrimed(deps.store, feed.url);
    for (const lane of lanes) if (lane.store !== deps.store) await markPrimed(lane.store, feed.url);
    for (const lane of lanes) if (lane.addedWhileRunning) fetchedFor.set(lane.store, (fetchedFor.get(lane.store) ?? new Set<string>()).add(feed.url));
  }
  if (outcome.nextState) await deps.store.putFeedState(outcome.nextState);
  if (outcome.notice) await postNotice(deps, deps.feedAudience ? await deps.feedAudience(feed.id) : deps.analyze.targets, outcome.notice);
}

/** Feeds each store is known to be primed for (it never reverts): asked of Redis once per process. */
const primedFor = new WeakMap<StateStore, Set<string>>();

function primedHere(store: StateStore): Set<string> {
  let known = primedFor.get(store);
  if (!known) primedFor.set(store, (known = new Set()));
  return known;
}

async function isPrimed(store: StateStore, url: string): Promise<boolean> {
  const known = primedHere(store);
  if (known.has(url)) return true;
  if (!(await store.isPrimed(url))) return false;
  known.add(url);
  return true;
}

/** Once per feed and process: every poll that found news wrote it again. */
async function markPrimed(store: StateStore, url: string): Promise<void> {
  const known = primedHere(store);
  if (known.has(url)) return;
  await store.markPrimed(url);
  known.add(url);
}

/** Feeds this process has fetched whole with a story added while running among their followers. */
const fetchedFor = new WeakMap<StateStore, Set<string>>();

/**
 * A story that follows the feed but has not had its first poll of it (tracked while running,
 * or a channel's feed it now follows): the feed is fetched whole, not answered with a 304
 * that would keep its items from that story until the feed changes.
 */
async function newFollower(deps: ProcessorDeps, lanes: StoryLane[], feed: FeedConfig): Promise<boolean> {
  for (const lane of lanes) {
    if (lane.store === deps.store) continue;
    // Primed by another process is not enough: before this process knew the story, it may have
    // taken the feed's newest items for the other stories only, and a 304 would keep them from it.
    if (lane.addedWhileRunning && !fetchedFor.get(lane.store)?.has(feed.url)) return true;
    if (!(await isPrimed(lane.store, feed.url))) return true;
  }
  return false;
}

/** Of an unprimed story added while running: the articles no other story of the feed had seen, judged rather than learned. */
async function newToAll(lanes: StoryLane[], feed: FeedConfig, outcome: PollOutcome): Promise<Set<string>> {
  const out = new Set<string>();
  if (outcome.backlog) return out;
  for (const lane of lanes) {
    if (!lane.addedWhileRunning || (await isPrimed(lane.store, feed.url))) continue;
    for (const a of outcome.articles) if (!(await backlogFor(lane, lanes, a))) out.add(`${lane.id}\n${a.id}`);
  }
  return out;
}
