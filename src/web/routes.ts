/**
 * /stories, /stories/<id> and /stories/<id>.json on the operations port. Read-only; built
 * per request from each story's knowledge log (capped, so a long history cannot stall
 * the process) and, where the engine runs in this process, its developments' kinds.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DevelopmentView } from '../analysis/engine.js';
import type { ProcessedArticle, StateStore } from '../store/ports.js';
import { renderIndex, renderStory } from './render.js';
import { buildTimeline } from './timeline.js';

export interface PageStory {
  id: string;
  name: string;
  store: Pick<StateStore, 'knowledgeSince'>;
  developments?: (() => DevelopmentView[]) | undefined;
}

/** Articles read per page view at most: retention keeps the log bounded, this bounds one request. */
const MAX_ENTRIES = 20_000;
const CHUNK = 1_000;

async function entriesOf(store: PageStory['store']): Promise<ProcessedArticle[]> {
  const out: ProcessedArticle[] = [];
  let cursor = 0;
  while (out.length < MAX_ENTRIES) {
    const got = await store.knowledgeSince(cursor, CHUNK);
    out.push(...got.entries);
    if (!got.entries.length || got.cursor === cursor) break;
    cursor = got.cursor;
  }
  return out;
}

const HEADERS = { 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer', 'cache-control': 'no-store' };

/** Handles the story pages; false for any other path (the caller answers it). */
export function storyPages(stories: () => PageStory[]) {
  return (req: IncomingMessage, res: ServerResponse): boolean => {
    const path = (req.url ?? '').split('?')[0]!;
    if (path !== '/stories' && path !== '/stories/' && !path.startsWith('/stories/')) return false;
    const html = (status: number, body: string) => res.writeHead(status, { ...HEADERS, 'content-type': 'text/html; charset=utf-8' }).end(body);
    const fail = (err: Error) => html(500, `<!doctype html><title>error</title><p>The story could not be read: ${err.message.replace(/[<&]/g, '')}</p>`);
    const all = stories();
    if (path === '/stories' || path === '/stories/') {
      void Promise.all(all.map(async (s) => ({ id: s.id, name: s.name, developments: buildTimeline(s, await entriesOf(s.store)).developments.length })))
        .then((list) => html(200, renderIndex(list)), fail);
      return true;
    }
    const m = /^\/stories\/([a-z0-9][a-z0-9-]*)(\.json)?$/.exec(path);
    const story = m ? all.find((s) => s.id === m[1]) : undefined;
    if (!m || !story) {
      html(404, `<!doctype html><title>not found</title><p>No such story. <a href="/stories">All stories</a></p>`);
      return true;
    }
    void entriesOf(story.store).then((entries) => {
      const timeline = buildTimeline(story, entries, story.developments?.() ?? []);
      if (m[2]) res.writeHead(200, { ...HEADERS, 'content-type': 'application/json' }).end(JSON.stringify(timeline));
      else html(200, renderStory(timeline));
    }, fail);
    return true;
  };
}
