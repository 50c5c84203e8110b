/**
 * Many stories in one deployment. Each story is a lane: its own engine and its own
 * store (articles, developments, alerts, deliveries), so stories never wait for each
 * other and one story's decision step stays as cheap as if it were alone. Feeds belong
 * to one or more stories (default: the default story) and are polled once for all of
 * them; channels follow one or more stories (default: the default story).
 */
import type { Engine } from '../analysis/engine.js';
import type { FeedConfig } from '../config/app-config.js';
import type { CorpusDocument } from '../domain/story.js';
import type { Article } from '../domain/article.js';
import type { ChannelSettings, StateStore } from '../store/ports.js';
import type { AnalyzeDeps } from './analyze-article.js';

export interface StoryLane {
  id: string;
  engine: Engine;
  corpus: CorpusDocument[];
  /** This story's articles, developments, alerts and deliveries. */
  store: StateStore;
  analyze: AnalyzeDeps;
  /**
   * Tracked while running (`/storywatch track`, or found in the stories folder by a worker):
   * of a feed other stories already poll it learns silently only what they had seen, and
   * judges what is new to all of them, so news arriving after the command is alerted.
   */
  addedWhileRunning?: boolean | undefined;
  /** When it was tracked (its story.yaml written, ms): what a feed published after that is news to it. */
  trackedAt?: number | undefined;
}

export interface Lanes {
  /** The default story's lane, first; its store also keeps the feeds' poll state. */
  readonly primary: StoryLane;
  readonly all: StoryLane[];
  get(id: string): StoryLane | undefined;
  /** The lanes judging this feed's articles. */
  of(feed: FeedConfig | undefined): StoryLane[];
  /** A story tracked while running (`/storywatch track`): judged from now on, no restart. */
  add(lane: StoryLane): void;
}

/** How long an id that has no story folder is not looked for again. */
const MISS_TTL_MS = 5_000;

/**
 * `load` makes the lane of a story this process has not loaded yet (one another process
 * tracked while running, found in the stories folder); undefined when there is none.
 */
export function createLanes(all: StoryLane[], load?: (id: string) => StoryLane | undefined): Lanes {
  const primary = all[0];
  if (!primary) throw new Error('at least one story lane is needed');
  const byId = new Map(all.map((l) => [l.id, l]));
  const missed = new Map<string, number>();
  const add = (lane: StoryLane) => {
    if (byId.has(lane.id)) return;
    byId.set(lane.id, lane);
    all.push(lane);
  };
  const get = (id: string): StoryLane | undefined => {
    const known = byId.get(id);
    if (known || !load) return known;
    // A channel may still follow a story whose folder is gone: do not read the disk per article.
    if ((missed.get(id) ?? 0) > Date.now()) return undefined;
    const lane = load(id);
    if (lane) add(lane);
    else missed.set(id, Date.now() + MISS_TTL_MS);
    return lane;
  };
  return {
    primary,
    all,
    get,
    add,
    of(feed) {
      const wanted = feed?.stories?.length ? feed.stories : [primary.id];
      return wanted.map(get).filter((l): l is StoryLane => !!l);
    },
  };
}

/** The stories a channel follows: what it set, else the default story. */
export function followedStories(c: Pick<ChannelSettings, 'stories'> | undefined, defaultStory: string): string[] {
  return c?.stories?.length ? c.stories : [defaultStory];
}

/** Chat channels (slack:, discord:) hear only the stories they follow; console and files hear every story. */
export function isChannelTarget(target: string): boolean {
  return /^(slack|discord):/.test(target);
}

/**
 * Whether `lane`, not yet primed for a feed, learns an article silently: always, unless the
 * lane was added while running; then only what another story of the feed had seen, and never
 * what was published after the story was tracked (another story may have polled it first,
 * in a worker that did not know the new story yet).
 */
export async function backlogFor(lane: Pick<StoryLane, 'store' | 'addedWhileRunning' | 'trackedAt'>, others: Array<Pick<StoryLane, 'store'>>, article: Pick<Article, 'id' | 'publishedAt'>): Promise<boolean> {
  if (!lane.addedWhileRunning) return true;
  const published = Date.parse(article.publishedAt ?? '');
  // Feeds give whole seconds: an item of the second the story was tracked in counts as after it.
  if (lane.trackedAt !== undefined && published >= Math.floor(lane.trackedAt / 1000) * 1000) return false;
  for (const o of others) if (o.store !== lane.store && (await o.store.hasSeen(article.id))) return true;
  return false;
}

/** Of each id, whether every story of the feed has seen it: nothing left for any of them to judge. */
export async function seenByAll(lanes: StoryLane[], articleIds: string[]): Promise<boolean[]> {
  const out = articleIds.map(() => true);
  for (const l of lanes) {
    const left = articleIds.filter((_, i) => out[i]);
    if (!left.length) break;
    const seen = await l.store.seenEach(left);
    let j = 0;
    for (let i = 0; i < out.length; i++) if (out[i]) out[i] = seen[j++]!;
  }
  return out;
}
