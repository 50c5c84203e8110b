/**
 * `ask` at scale: p95 answer time with a story that knows 5k and 50k articles, in a real
 * file store. The baseline, measured in the same run on the same index, is one index
 * lookup (the BM25 postings of a single word): the ratio says what answering costs beyond
 * finding the sentences, and stays comparable whatever else loads the machine.
 * Run alone with `npm run bench:ask`; `npm run bench` prints it after the classify rows.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { answerQuestion } from '../chat/commands/ask.js';
import { askIndex } from '../chat/commands/ask-index.js';
import { loadStory } from '../config/story.js';
import { createSqliteStore } from '../store/sqlite/sqlite-store.js';
import { generateStream } from './generate.js';

const QUESTIONS = [
  'When did the board approve the lithium project?',
  'How much is the graphite mine worth?',
  'How many votes did the decision pass with?',
  'Who audited the reserves survey?',
  'What happened last week?',
  'What happened in June 2025?',
  'What did the regulator suspend near Odesa?',
  'Which consortium holds a stake in the venture?',
];
const ROUNDS = 12;

function p95(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(s.length * 0.95) - 1)]!;
}

async function measure(size: number): Promise<{ size: number; indexed: number; askP95: number; lookupP95: number; firstLoadMs: number }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'sw-ask-bench-'));
  try {
    const store = createSqliteStore({ dir, warn: () => {} });
    const articles = generateStream(size);
    // As the pipeline records them: the on-topic ones relevant, each development its own id.
    for (const [i, a] of articles.entries()) {
      const relevant = a.title.startsWith('US-Ukraine');
      await store.recordArticle({
        article: a, feedId: 'bench', processedAt: a.publishedAt,
        decision: { relevant, novel: relevant && !a.title.endsWith('wire copy'), developmentId: relevant ? `dev-${Math.floor(i / 3)}` : null, duplicateOf: null, relevance: relevant ? 1 : 0, novelty: 0, summary: '', facts: [], reasons: [] },
      });
    }
    const { corpus } = loadStory('minerals-deal');
    const last = Date.parse(articles[articles.length - 1]!.publishedAt);
    const deps = { store, corpus, now: () => new Date(last) };
    const t0 = performance.now();
    await answerQuestion(deps, QUESTIONS[0]!);
    const firstLoadMs = performance.now() - t0;
    const ix = await askIndex(store, corpus);
    const ask: number[] = [];
    const lookup: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      for (const q of QUESTIONS) {
        const a = performance.now();
        await answerQuestion(deps, q);
        ask.push(performance.now() - a);
        const b = performance.now();
        ix.search(['reserv'], new Set());
        lookup.push(performance.now() - b);
      }
    }
    await store.close();
    return { size, indexed: ix.size, askP95: p95(ask), lookupP95: p95(lookup), firstLoadMs };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function askBench(sizes = [5_000, 50_000]): Promise<void> {
  console.log('\nask benchmark (generated stream in a file store; 8 question kinds x 12 rounds)');
  console.log('   size  reports indexed   ask p95 ms  lookup p95 ms  ask/lookup  first call ms (loads the index)');
  for (const size of sizes) {
    process.stderr.write(`running ask at ${size} articles...\n`);
    const r = await measure(size);
    console.log([
      String(r.size).padStart(7), String(r.indexed).padStart(17), r.askP95.toFixed(1).padStart(11), r.lookupP95.toFixed(2).padStart(14),
      (r.askP95 / r.lookupP95).toFixed(1).padStart(11), r.firstLoadMs.toFixed(0).padStart(14),
    ].join(' '));
  }
  console.log('ask/lookup: p95 of a whole answer / p95 of one single-word index lookup on the same index (same run).');
}

if (process.argv[1] && import.meta.url.endsWith(path.basename(process.argv[1]))) {
  askBench().catch((err: Error) => {
    console.error(`ask bench failed: ${err.message}`);
    process.exitCode = 1;
  });
}
