/**
 * The fault suite's fixture stream (both labelled fixture streams, six outlets) and what a
 * run without faults alerts from it, shared with the engine's arrival-order test.
 */
import { createEngine } from '../../src/analysis/engine.js';
import { loadStory } from '../../src/config/story.js';
import { loadStream } from '../../src/cli/eval.js';
import { renderRss } from '../../src/demo/fixture-server.js';
import type { Article } from '../../src/domain/article.js';
import { parseFeed } from '../../src/feeds/parser.js';
import { EVAL_DEV, EVAL_SYNTHETIC } from './paths.js';

/** Items every feed already has at its first poll: learned silently, never alerted. */
export const BACKLOG = 3;

/** Both labelled fixture streams in one: six outlets, 28 articles, eight developments. */
export function fixtureStream(): Article[] {
  return [...loadStream(EVAL_DEV).articles, ...loadStream(EVAL_SYNTHETIC).articles].sort((a, b) => a.publishedAt.localeCompare(b.publishedAt));
}

/** The articles exactly as the parser makes them from the fixture server's feeds. */
export async function asFeedsDeliver(articles: Article[]): Promise<Article[]> {
  const out: Article[] = [];
  for (const a of articles) {
    out.push((await parseFeed(renderRss(a.source, `http://fixture.local/${a.source}`, [a]), `http://fixture.local/feeds/${a.source}.xml`)).articles[0]!);
  }
  return out;
}

/**
 * What a run without faults makes of the stream: the real engine over the articles as the
 * feeds deliver them, in publication order, the first BACKLOG learned silently.
 * `developments` are the ones it alerts; `devOf` maps every article's link to the
 * development it reports (null: off-topic).
 *
 * Faults may change which article of a development is analysed first (a feed answering a
 * tick late is analysed in the next one): the development is still the same, so alerts
 * are counted per development, not per article.
 */
export interface Expected {
  developments: Set<string>;
  devOf: Map<string, string | null>;
}

export async function expectedDevelopments(articles: Article[]): Promise<Expected> {
  const { story, corpus } = loadStory('minerals-deal');
  const engine = createEngine(story, corpus);
  const developments = new Set<string>();
  const devOf = new Map<string, string | null>();
  for (const [i, parsed] of (await asFeedsDeliver(articles)).entries()) {
    const d = engine.classify(parsed);
    devOf.set(parsed.url, d.relevant ? d.developmentId : null);
    if (i >= BACKLOG && d.novel) developments.add(d.developmentId!);
  }
  return { developments, devOf };
}
