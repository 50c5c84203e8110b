/**
 * Feeds are polled at different moments and answer at different speeds, so the runner
 * analyses one outlet's reports a tick or two after another's: an analysis piece can reach
 * the engine before the news report it discusses, and a late report can land inside a
 * development a later piece stretched. Whatever the arrival order, every development of
 * the fixture stream is alerted exactly once and nothing else is (what the fault suite
 * demands of a whole run, here without processes, over many orders).
 */
import { describe, expect, it } from 'vitest';
import { createEngine } from '../../../src/analysis/engine.js';
import { rng as random } from '../../../src/bench/generate.js';
import { loadStory } from '../../../src/config/story.js';
import type { Article } from '../../../src/domain/article.js';
import { asFeedsDeliver, BACKLOG, expectedDevelopments, fixtureStream } from '../../helpers/fixture-stream.js';

/**
 * Ticks of a random size after the backlog; one or two outlets answer one or two ticks
 * late; each tick is analysed in publication order, as the in-process runner does.
 */
function arrival(articles: Article[], next: () => number): Article[] {
  let tick: Article[] = [];
  const ticks: Article[][] = [articles.slice(0, BACKLOG), tick];
  for (const a of articles.slice(BACKLOG)) {
    tick.push(a);
    if (next() < 0.3) ticks.push((tick = []));
  }
  const outlets = [...new Set(articles.map((a) => a.source))];
  const late = new Set([outlets[Math.floor(next() * outlets.length)], next() < 0.5 ? outlets[Math.floor(next() * outlets.length)] : undefined]);
  const moved: Article[][] = ticks.map(() => []);
  ticks.forEach((t, i) => {
    for (const a of t) moved[i > 0 && late.has(a.source) ? Math.min(ticks.length - 1, i + 1 + Math.floor(next() * 2)) : i]!.push(a);
  });
  return moved.flatMap((t) => t.sort((a, b) => a.publishedAt.localeCompare(b.publishedAt)));
}

describe('arrival order', () => {
  it('200 orders feeds could deliver the fixture stream in: every development alerted once, nothing else', async () => {
    const stream = fixtureStream();
    const expected = await expectedDevelopments(stream);
    const delivered = await asFeedsDeliver(stream);
    const { story, corpus } = loadStory('minerals-deal');
    const next = random(11);
    const failures: string[] = [];
    for (let trial = 0; trial < 200; trial++) {
      const engine = createEngine(story, corpus);
      const order = arrival(delivered, next);
      expect(order).toHaveLength(delivered.length);
      const alerts = new Map<string, number>();
      const unexpected: string[] = [];
      order.forEach((a, i) => {
        const d = engine.classify(a);
        if (i < BACKLOG || !d.novel) return;
        const dev = expected.devOf.get(a.url);
        if (dev && expected.developments.has(dev)) alerts.set(dev, (alerts.get(dev) ?? 0) + 1);
        else unexpected.push(a.title);
      });
      const missing = [...expected.developments].filter((d) => !alerts.has(d));
      const twice = [...alerts].filter(([, n]) => n > 1).map(([d]) => d);
      if (missing.length || twice.length || unexpected.length) {
        failures.push(`order ${trial} (${order.map((a) => a.source).join(',')}): missing ${missing}, twice ${twice}, unexpected ${unexpected}`);
      }
    }
    // The labels of both streams: nine developments after the backlog (committee vote and ratification are two).
    expect(expected.developments.size).toBe(9);
    expect(failures).toEqual([]);
  // 200 replays of the stream, CPU-bound (19 s seen beside other work): room to spare.
  }, 120_000);
});
