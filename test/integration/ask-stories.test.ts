/**
 * `ask`'s first line (160 characters, as `ask_score.py --chars 160` counts it) on the dev
 * question sets: the engine classifies each labelled stream into a real SQLite store, then
 * every question is answered. The floors are the scores measured when issue 27 was worked
 * (the six new stories' questions were written before any ask tuning and are not edited);
 * a change that answers fewer fails here. Held-out stories are not scored here.
 */
import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { askEval } from '../../src/eval/ask-eval.js';
import { PROJECT_ROOT } from '../../src/config/paths.js';

// eval/minerals-deal holds the same stream and questions as the shared eval-real-dev and eval-ask-dev.
const SETS: Array<{ name: string; stream: string; questions: string; floor: number }> = [
  ...[
    ['minerals-deal', 13], ['nippon-us-steel', 13], ['google-search-antitrust', 10], ['eu-ai-act', 11], ['microsoft-activision', 10],
    ['who-pandemic-agreement', 10], ['crowdstrike-outage', 10], ['boeing-machinists-strike', 10],
  ].map(([id, floor]) => ({ name: id as string, stream: path.join(PROJECT_ROOT, 'eval', id as string), questions: path.join(PROJECT_ROOT, 'eval', id as string, 'questions.jsonl'), floor: floor as number })),
];

describe('ask on the dev stories, first line only', () => {
  for (const set of SETS) {
    it(`${set.name}: at least ${set.floor} answered`, async () => {
      const results = await askEval(set.stream, set.questions, 160);
      const missed = results.filter((r) => !r.ok).map((r) => `${r.id}: ${r.reply.split('\n')[0]}`);
      expect(results.filter((r) => r.ok).length, `missed:\n${missed.join('\n')}`).toBeGreaterThanOrEqual(set.floor);
    });
  }
});
