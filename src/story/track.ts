/**
 * `/storywatch track <id> <url> [url …]`: `story new` from chat. The story is drafted from
 * the seed pages (fetched through the SSRF guard), written to the stories folder, added to
 * the config's tracked stories, and started in this process at once; other processes
 * (BullMQ workers) load it from the stories folder the first time they are asked for it.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { AppError } from '../domain/errors.js';
import { storyNew } from '../cli/story.js';
import type { Logger } from '../log.js';
import type { StoryLane } from '../pipeline/stories.js';
import type { FetchPage } from './seeds.js';

export interface TrackDeps {
  root: string;
  configFile?: string | undefined;
  fetchPage: FetchPage;
  log: Logger;
  /** The written story's lane (undefined: it cannot be loaded). */
  lane: (id: string) => StoryLane | undefined;
  /** Starts judging for the lane here. */
  start: (lane: StoryLane) => Promise<void>;
}

export interface Tracked {
  id: string;
  name: string;
  /** What `story new` chose and why, for the admin who asked. */
  summary: string;
}

/** "boeing-strike" -> "Boeing strike": a readable name the admin can change in story.yaml. */
export function nameFromId(id: string): string {
  const words = id.replace(/-+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** Ids being tracked right now: a second `track` of the same id waits for nobody, it is refused. */
const inFlight = new Set<string>();

export async function trackNewStory(deps: TrackDeps, id: string, urls: string[]): Promise<Tracked> {
  if (inFlight.has(id)) throw new Error(`story "${id}" is being set up already; wait for that reply`);
  inFlight.add(id);
  try {
    if (existsSync(path.join(deps.root, id))) {
      throw new AppError(`story "${id}" already exists`, 'USAGE', `choose another id, or \`/storywatch follow ${id}\` if it is tracked (\`/storywatch stories\` lists them)`);
    }
    let out = '';
    const sink = new Writable({ write(chunk, _e, cb) { out += String(chunk); cb(); } });
    const name = nameFromId(id);
    await storyNew({ id, name, seeds: urls, force: false, root: deps.root, configFile: deps.configFile, fetchPage: deps.fetchPage }, sink);
    const lane = deps.lane(id);
    if (!lane) throw new Error(`story "${id}" was written but could not be loaded; see the logs`);
    await deps.start(lane);
    deps.log.info(`story "${name}" (${id}) is tracked now, from ${urls.length} seed page(s)`);
    return { id, name, summary: out };
  } finally {
    inFlight.delete(id);
  }
}
