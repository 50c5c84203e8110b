/**
 * `npm run bench`: classify throughput and peak memory on generated streams of 1k, 10k
 * and 100k articles. Each size runs in its own process (clean peak memory). The
 * baseline, measured in the same process on the same input, is pure tokenisation
 * (sentence split + content terms): the ratio says what analysis costs beyond reading.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createEngine } from '../analysis/engine.js';
import { contentTerms, splitSentences } from '../analysis/text.js';
import { loadStory } from '../config/story.js';
import type { Article } from '../domain/article.js';
import { generateStream } from './generate.js';
import { enrichBench } from './enrich-bench.js';
import { embeddedCycleBench, pollBench, workerBench } from './ingest-bench.js';
import { askBench } from './ask-bench.js';
import { startupBench } from './startup-bench.js';
import { redisRetentionBench } from './redis-retention-bench.js';

interface SizeResult {
  size: number;
  classifyMs: number;
  tokenizeMs: number;
  peakRssMb: number;
  relevant: number;
  novel: number;
}

/** CPU time of this process in ms: unlike wall time, not inflated by whatever else the machine runs. */
function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** Tokenise-only work on some articles: sentence split + content terms (the baseline). */
function tokenize(articles: Article[]): number {
  let terms = 0;
  for (const a of articles) for (const s of splitSentences(`${a.title}\n${a.content}`)) terms += contentTerms(s).length;
  return terms;
}

/**
 * Classify and the baseline alternate chunk by chunk, so both see the same machine (a
 * busy neighbour slows both, not one). The baseline reads each chunk just after classify
 * did, with the text warm in cache: if anything, that flatters the baseline, not classify.
 */
function measure(size: number): SizeResult {
  const articles = generateStream(size);
  const { story, corpus } = loadStory('minerals-deal');
  const engine = createEngine(story, corpus);
  let peak = process.memoryUsage().rss;
  let relevant = 0;
  let novel = 0;
  let classifyMs = 0;
  let tokenizeMs = 0;
  let terms = 0;
  for (let from = 0; from < articles.length; from += CHUNK) {
    const chunk = articles.slice(from, from + CHUNK);
    const t0 = cpuMs();
    for (const a of chunk) {
      const d = engine.classify(a);
      // As the runners do after each article: developments idle past the retention window leave.
      engine.retire(Date.parse(a.publishedAt) - RETENTION_MS);
      if (d.relevant) relevant++;
      if (d.novel) novel++;
    }
    const t1 = cpuMs();
    terms += tokenize(chunk);
    tokenizeMs += cpuMs() - t1;
    classifyMs += t1 - t0;
    peak = Math.max(peak, process.memoryUsage().rss);
    if (size >= 10_000 && (from + CHUNK) % 10_000 === 0) process.stderr.write(`  ${size}: ${from + CHUNK} classified\n`);
  }
  if (terms === 0) throw new Error('tokeniser produced nothing');
  return { size, classifyMs, tokenizeMs, peakRssMb: peak / 1048576, relevant, novel };
}

const CHUNK = 1000;
/** The default retention (180 days), as the runners apply it. */
const RETENTION_MS = 180 * 86_400_000;

function row(r: SizeResult): string {
  const perSec = (r.size / r.classifyMs) * 1000;
  const tokPerSec = (r.size / r.tokenizeMs) * 1000;
  return [
    String(r.size).padStart(7), perSec.toFixed(0).padStart(12), tokPerSec.toFixed(0).padStart(13),
    (r.classifyMs / r.tokenizeMs).toFixed(1).padStart(14), r.peakRssMb.toFixed(0).padStart(13),
    String(r.relevant).padStart(9), String(r.novel).padStart(7),
  ].join(' ');
}

async function main(): Promise<void> {
  const arg = process.argv.indexOf('--size');
  if (process.argv.includes('--enrich-only')) return enrichBench();
  // Start-up on 100k/250k/1M histories (made once, cached) and Redis memory under retention.
  if (process.argv.includes('--state-only')) return stateBenches();
  // One ingestion row in a process of its own (see inFreshProcess).
  if (process.argv.includes('--poll-only')) return void (await pollBench());
  if (process.argv.includes('--cycle-only')) return embeddedCycleBench();
  // The ingestion rows alone (polling, embedded cycle, end to end): `node dist/bench/classify-bench.js --ingest-only`.
  if (process.argv.includes('--ingest-only')) {
    inFreshProcess('--poll-only');
    inFreshProcess('--cycle-only');
    return workerBench();
  }
  if (arg > 0) {
    process.stdout.write(JSON.stringify(measure(Number(process.argv[arg + 1]))));
    return;
  }
  const sizes = process.argv.includes('--quick') ? [1000, 10_000] : [1000, 10_000, 100_000];
  const self = fileURLToPath(import.meta.url);
  if (!process.argv.includes('--classify-only')) {
    // Said before it starts: the whole bench is long, and the start-up rows keep their histories.
    process.stderr.write('npm run bench runs every row (classify, ask, polling, embedded cycle, end to end on Redis, enrichment, start-up, Redis retention):\n' +
      '  it takes a long while, most of it the first time (the start-up histories are made then, and kept for the next run).\n' +
      '  One row alone: --classify-only, --ingest-only, --enrich-only, --state-only (see docs/benchmark-method.md).\n');
  }
  console.log('classify benchmark (generated stream: 55% off-topic, 25% developments, 20% copies/rewrites)');
  console.log('   size  classify/s  tokenize/s  classify/tokenize  peak RSS MB  relevant  alerts');
  for (const size of sizes) {
    process.stderr.write(`running ${size} articles...\n`);
    const r = spawnSync(process.execPath, [self, '--size', String(size)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    if (r.status !== 0) throw new Error(`bench for ${size} failed with exit ${r.status}`);
    console.log(row(JSON.parse(r.stdout) as SizeResult));
  }
  console.log('classify/tokenize: CPU time to classify / CPU time to only split and tokenise the same articles (same run);');
  console.log('rates are articles per CPU-second (this process), so other load on the machine does not skew the ratio.');
  if (process.argv.includes('--classify-only')) return;
  await askBench();
  inFreshProcess('--poll-only');
  inFreshProcess('--cycle-only');
  await enrichBench();
  await workerBench();
  await stateBenches();
}

/**
 * Runs one bench row in a new process: the polling and cycle rows compare an
 * allocation-heavy client with a lean loop per CPU-second, and the heap an earlier row
 * left (the ask bench's index) made the garbage collector weigh on the one and not the other.
 */
function inFreshProcess(flag: string): void {
  const r = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), flag], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`bench ${flag} failed with exit ${r.status}`);
}

async function stateBenches(): Promise<void> {
  await startupBench({ regen: process.argv.includes('--regen') });
  await redisRetentionBench();
}

main().catch((err: Error) => {
  console.error(`bench failed: ${err.message}`);
  process.exitCode = 1;
});
