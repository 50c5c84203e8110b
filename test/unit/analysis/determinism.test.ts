/**
 * Decisions depend on what the engine learned and in which order, never on when it was
 * asked what: an engine that decides a share of a stream and learns the rest from another
 * decider (as a BullMQ worker does), while also answering `explain`-style lookups of other
 * articles in between, decides its share exactly as one engine classifying in order.
 */
import { describe, expect, it } from 'vitest';
import { createEngine, type Decision } from '../../../src/analysis/engine.js';
import { loadStory } from '../../../src/config/story.js';
import { generateStream, rng as random } from '../../../src/bench/generate.js';

const verdict = (d: Decision) => ({ id: d.id, relevant: d.relevant, novel: d.novel, developmentId: d.developmentId, duplicateOf: d.duplicateOf, closest: d.closest?.id ?? null });

describe.each(['minerals-deal', 'nippon-us-steel'])('engine determinism (%s)', (id) => {
  it('deciding a share and learning the rest, with lookups between, gives the decisions of one engine in order', () => {
    const { story, corpus } = loadStory(id);
    const stream = generateStream(900, 31);
    const one = createEngine(story, corpus);
    const reference = stream.map((a) => one.classify(a));

    const worker = createEngine(story, corpus);
    const next = random(5);
    const mine: Decision[] = [];
    const expected: Decision[] = [];
    stream.forEach((article, i) => {
      // Lookups that learn nothing: another article, earlier or later in the stream.
      if (next() < 0.3) worker.analyze(stream[Math.floor(next() * stream.length)]!);
      const ref = reference[i]!;
      if (next() < 0.4) {
        // This worker's turn: judge, then learn what was recorded.
        const d = worker.analyzePrepared(worker.prepare(article));
        worker.rememberPrepared(worker.prepare(article), d.relevant ? d.developmentId : null, d.novel);
        mine.push(d);
        expected.push(ref);
      } else {
        // Another worker's decision, learned from the log.
        worker.remember(article, ref.relevant ? ref.developmentId : null, ref.novel);
      }
    });
    expect(mine.length).toBeGreaterThan(300);
    expect(mine.map(verdict)).toEqual(expected.map(verdict));
    expect(mine.map((d) => d.novelty)).toEqual(expected.map((d) => d.novelty));
    expect(worker.developments()).toEqual(one.developments());
    if (id === 'minerals-deal') expect(reference.filter((d) => d.novel).length).toBeGreaterThan(5);
  });
});
