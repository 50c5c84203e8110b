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
import type { ChannelSettings, StateStore } from '../store/ports.js';
import type { AnalyzeDeps } from './analyze-article.js';

export interface StoryLane {
  id: string;
  engine: Engine;
  corpus: CorpusDocument[];
  /** This story's articles, developments, alerts and deliveries. */
  store: StateStore;
  analyze: AnalyzeDeps;
}

export interface Lanes {
  /** The default story's lane, first; its store also keeps the feeds' poll state. */
  readonly primary: StoryLane;
  readonly all: StoryLane[];
  get(id: string): StoryLane | undefined;
  /** The lanes judging this feed's articles. */
  of(feed: FeedConfig | undefined): StoryLane[];
}

export function createLanes(all: StoryLane[]): Lanes {
  const primary = all[0];
  if (!primary) throw new Error('at least one story lane is needed');
  const byId = new Map(all.map((l) => [l.id, l]));
  return {
    primary,
    all,
    get: (id) => byId.get(id),
    of(feed) {
      const wanted = feed?.stories?.length ? feed.stories : [primary.id];
      return wanted.map((id) => byId.get(id)).filter((l): l is StoryLane => !!l);
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

/** Seen by every story of the feed: nothing left for any of them to judge. */
export async function seenByAll(lanes: StoryLane[], articleId: string): Promise<boolean> {
  for (const l of lanes) if (!(await l.store.hasSeen(articleId))) return false;
  return true;
}
