/**
 * Engine snapshots and retirement: a restored engine judges the rest of a stream exactly
 * as the engine that wrote the snapshot; another engine's snapshot is refused; retiring
 * keeps the working set to the developments reported inside the window.
 */
import { describe, expect, it } from 'vitest';
import { createEngine } from '../../../src/analysis/engine.js';
import { loadStory } from '../../../src/config/story.js';
import { generateStream } from '../../../src/bench/generate.js';

const { story, corpus } = loadStory('minerals-deal');
const DAY = 86_400_000;

describe('engine snapshot', () => {
  it('a restored engine judges what follows exactly as the one that wrote the snapshot', () => {
    const stream = generateStream(1000, 7);
    const a = createEngine(story, corpus);
    for (const article of stream.slice(0, 600)) a.classify(article);
    const data = a.snapshot();
    const b = createEngine(story, corpus);
    expect(b.restore(data)).toBe(true);
    expect(b.knownDevelopments).toBe(a.knownDevelopments);
    expect(b.knownArticles).toBe(a.knownArticles);
    const rest = stream.slice(600);
    const fromA = rest.map((x) => a.classify(x));
    const fromB = rest.map((x) => b.classify(x));
    expect(fromB).toEqual(fromA);
    expect(fromA.filter((d) => d.relevant).length).toBeGreaterThan(100);
    expect(b.developments()).toEqual(a.developments());
  });

  it('a snapshot from another story corpus, or not a snapshot at all, is refused and changes nothing', () => {
    const a = createEngine(story, corpus);
    for (const article of generateStream(200, 3)) a.classify(article);
    const other = createEngine(story, corpus.slice(1));
    expect(other.fingerprint).not.toBe(a.fingerprint);
    const before = other.developments();
    expect(other.restore(a.snapshot())).toBe(false);
    expect(other.restore(new Uint8Array([1, 2, 3]))).toBe(false);
    expect(other.developments()).toEqual(before);
  });
});

describe('engine retirement', () => {
  it('developments without a report inside the window leave the working set; seed ones stay', () => {
    // Four articles a day: 1600 articles are 400 days.
    const stream = generateStream(1600, 11);
    const kept = createEngine(story, corpus);
    const retiring = createEngine(story, corpus);
    const seeds = retiring.developments().length;
    for (const article of stream) {
      kept.classify(article);
      retiring.classify(article);
      retiring.retire(Date.parse(article.publishedAt) - 180 * DAY);
    }
    const last = Date.parse(stream[stream.length - 1]!.publishedAt);
    const views = retiring.developments();
    expect(views.filter((d) => d.origin === 'corpus')).toHaveLength(seeds);
    // Retired a day at a time: nothing left reported more than 181 days before the end.
    expect(views.filter((d) => d.origin === 'stream').every((d) => d.last >= last - 181 * DAY)).toBe(true);
    expect(retiring.knownDevelopments).toBeLessThan(kept.knownDevelopments / 2);
    // And it survives a snapshot as it is.
    const restored = createEngine(story, corpus);
    expect(restored.restore(retiring.snapshot())).toBe(true);
    expect(restored.developments()).toEqual(views);
  });
});
