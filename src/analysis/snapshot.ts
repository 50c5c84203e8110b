/**
 * Engine snapshots: what the engine learned (its developments with their member profiles,
 * postings, the story's term counts, anchors, facts), as one buffer, so a restart loads
 * it instead of re-reading every article. v8's serializer keeps Maps, Sets, typed arrays
 * and NaN as they are, and is the fastest way Node has to write and read such a graph.
 *
 * A snapshot is only good for the engine that wrote it: its fingerprint names the state
 * layout (ENGINE_VERSION), the story, its seed corpus and the decision weights (the
 * caller adds a hash of the analysis code, which this module may not read). Any other
 * snapshot is not loaded; the caller rebuilds from the store's retained window.
 */
import { createHash } from 'node:crypto';
import { deserialize, serialize } from 'node:v8';
import type { CorpusDocument, StoryDefinition } from '../domain/story.js';
import type { AnchorStats } from './anchors.js';
import { DevelopmentIndex, type Development, type DevelopmentIndexState } from './developments.js';

/** Bump when the snapshot's layout changes (code changes are caught by the code hash). */
export const ENGINE_VERSION = 'v3-state-2';

/** What the engine keeps between articles (its State minus what the story defines). */
export interface LearnedState {
  index: DevelopmentIndex;
  byId: Map<string, Development>;
  facts: Set<string>;
  corpusNewest: number;
  known: number;
  anchors: AnchorStats;
  /** The retention cut-off last applied (see retire). */
  retiredBefore: number;
}

interface Payload {
  version: string;
  index: DevelopmentIndexState;
  facts: Set<string>;
  corpusNewest: number;
  known: number;
  anchors: { story: Map<string, number>; nearMiss: Map<string, number> };
  retiredBefore: number;
}

/** Names the engine, story and corpus a snapshot belongs to. */
export function engineFingerprint(story: StoryDefinition, corpus: CorpusDocument[], model: unknown): string {
  const h = createHash('sha256').update(JSON.stringify(story)).update(JSON.stringify(corpus)).update(JSON.stringify(model));
  return `${ENGINE_VERSION}/${h.digest('hex').slice(0, 16)}`;
}

export function encodeState(version: string, s: LearnedState): Uint8Array {
  const payload: Payload = {
    version, index: s.index.exportState(), facts: s.facts, corpusNewest: s.corpusNewest, known: s.known,
    anchors: s.anchors.exportState(), retiredBefore: s.retiredBefore,
  };
  return serialize(payload);
}

/** Loads a snapshot into the state; false (state untouched) if it is another engine's or unreadable. */
export function decodeState(version: string, data: Uint8Array, s: LearnedState): boolean {
  let p: Payload;
  try {
    p = deserialize(data) as Payload;
  } catch {
    return false;
  }
  if (p?.version !== version || !p.index) return false;
  const index = new DevelopmentIndex();
  index.importState(p.index);
  s.index = index;
  s.byId = new Map(index.developments.map((d) => [d.id, d]));
  s.facts = p.facts;
  s.corpusNewest = p.corpusNewest;
  s.known = p.known;
  s.anchors.importState(p.anchors);
  s.retiredBefore = p.retiredBefore;
  return true;
}

/** How often retirement runs: once a day of the clock is plenty (developments age in days). */
const RETIRE_EVERY_MS = 86_400_000;

/**
 * Retires developments last reported before `before` (see DevelopmentIndex.retire). Runs
 * when the cut-off has moved a day since the last time: called per article, costs nothing
 * between, and the same sequence of cut-offs retires the same developments on replay.
 */
export function retireBefore(s: LearnedState, before: number): number {
  if (!Number.isFinite(before) || before - s.retiredBefore < RETIRE_EVERY_MS) return 0;
  s.retiredBefore = before;
  const gone = s.index.retire(before);
  for (const d of gone) s.byId.delete(d.id);
  return gone.length;
}
