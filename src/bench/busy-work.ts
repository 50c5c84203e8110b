/**
 * A process that keeps one core busy the way a worker does: the engine classifying a
 * generated stream, again and again, until killed. The capacity bench runs one worker
 * beside these to learn what a unit of work costs when the other cores are taken by
 * workers, not by an idle machine or a plain arithmetic loop (which leaves the caches and
 * the memory bus to the worker, and so understates what sharing the machine costs).
 */
import { createEngine } from '../analysis/engine.js';
import { loadStory } from '../config/story.js';
import { generateStream } from './generate.js';

const { story, corpus } = loadStory('minerals-deal');
const articles = generateStream(2000, 77);
for (;;) {
  const engine = createEngine(story, corpus);
  for (const a of articles) engine.classify(a);
}
