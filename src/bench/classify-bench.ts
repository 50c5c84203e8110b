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
import { recordTagged, tag } from '../analysis/nlp.js';
import { loadStory } from '../config/story.js';
import type { Article } from '../domain/article.js';
import { generateStream } from './generate.js';
import { enrichBench } from './enrich-bench.js';
import { embeddedCycleBench, pollBench, workerBench } from './ingest-bench.js';
import { askBench } from './ask-bench.js';
import { startupBench } from './startup-bench.js';
import { redisRetentionBench } from './redis-retention-bench.js';
import { capacityBench } from './capacity-bench.js';
import { largeBench } from './large-bench.js';
import { onlyArg, runSection, writeDoc, type Section, type SectionRun } from './report.js';

interface SizeResult {
  size: number;
  classifyMs: number;
  tokenizeMs: number;
  /** CPU time of the part-of-speech tagger alone on the sentences classify tagged. */
  taggingMs: number;
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
 * The library step classify spends most on beyond reading: wink-nlp's part-of-speech tagger
 * on the sentences classify gave it (each tagged headline, and the first sentence where a
 * headline has no verb), recorded as classify ran and tagged again here, alone and timed.
 */
function tagging(sentences: string[]): number {
  const t0 = cpuMs();
  for (const s of sentences) tag(s);
  return cpuMs() - t0;
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
  let taggingMs = 0;
  let terms = 0;
  for (let from = 0; from < articles.length; from += CHUNK) {
    const chunk = articles.slice(from, from + CHUNK);
    const tagged: string[] = [];
    recordTagged(tagged);
    const t0 = cpuMs();
    for (const a of chunk) {
      const d = engine.classify(a);
      // As the runners do after each article: developments idle past the retention window leave.
      engine.retire(Date.parse(a.publishedAt) - RETENTION_MS);
      if (d.relevant) relevant++;
      if (d.novel) novel++;
    }
    const t1 = cpuMs();
    recordTagged(undefined);
    terms += tokenize(chunk);
    tokenizeMs += cpuMs() - t1;
    classifyMs += t1 - t0;
    taggingMs += tagging(tagged);
    peak = Math.max(peak, process.memoryUsage().rss);
    if (size >= 10_000 && (from + CHUNK) % 10_000 === 0) process.stderr.write(`  ${size}: ${from + CHUNK} classified\n`);
  }
  if (terms === 0) throw new Error('tokeniser produced nothing');
  return { size, classifyMs, tokenizeMs, taggingMs, peakRssMb: peak / 1048576, relevant, novel };
}

const CHUNK = 1000;
/** The default retention (180 days), as the runners apply it. */
const RETENTION_MS = 180 * 86_400_000;

function row(r: SizeResult): string {
  const perSec = (r.size / r.classifyMs) * 1000;
  const tokPerSec = (r.size / r.tokenizeMs) * 1000;
  return [
    String(r.size).padStart(7), perSec.toFixed(0).padStart(12), tokPerSec.toFixed(0).padStart(13),
    (r.classifyMs / r.tokenizeMs).toFixed(1).padStart(14), (r.taggingMs / r.tokenizeMs).toFixed(1).padStart(13), r.peakRssMb.toFixed(0).padStart(13),
    String(r.relevant).padStart(9), String(r.novel).padStart(7),
  ].join(' ');
}

const self = fileURLToPath(import.meta.url);

function classifyRows(): void {
  const sizes = process.argv.includes('--quick') ? [1000, 10_000] : [1000, 10_000, 100_000];
  console.log('classify benchmark (generated stream: 55% off-topic, 25% developments, 20% copies/rewrites)');
  console.log('   size  classify/s  tokenize/s  classify/tokenize  of it tagging  peak RSS MB  relevant  alerts');
  for (const size of sizes) {
    process.stderr.write(`running ${size} articles...\n`);
    const r = spawnSync(process.execPath, [self, '--size', String(size)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    if (r.status !== 0) throw new Error(`bench for ${size} failed with exit ${r.status}`);
    console.log(row(JSON.parse(r.stdout) as SizeResult));
  }
  console.log('classify/tokenize: CPU time to classify / CPU time to only split and tokenise the same articles (same run);');
  console.log('of it tagging: CPU time of the part-of-speech tagger (wink-nlp) on the sentences classify tagged, over the same tokenise time;');
  console.log('rates are articles per CPU-second (this process), so other load on the machine does not skew the ratio.');
}

/** The bench's sections, in the order a full run takes them (see report.ts). */
const SECTIONS: Section[] = [
  { name: 'classify', title: 'Classify 1k/10k/100k articles (retention applied as the runners do)', run: classifyRows },
  { name: 'ask', title: 'Ask: question latency on 5k and 50k articles', run: () => askBench() },
  { name: 'poll', title: 'Polling 10k feeds beside the raw keep-alive loop', run: () => inFreshProcess('--poll-only') },
  { name: 'cycle', title: 'Embedded poll cycle over 5k feeds beside the raw loop', run: () => inFreshProcess('--cycle-only') },
  { name: 'enrich', title: 'Enrichment: publisher pages beside a raw fetch loop', run: () => enrichBench() },
  { name: 'state', title: 'Start-up on large histories, Redis memory under retention', run: () => stateBenches() },
  { name: 'capacity', title: 'Cost per unit of work and capacity model (BullMQ, own redis-server)', markdown: true, run: () => capacityBench() },
  { name: 'large', title: 'Simulated large deployment, extrapolated to 1M feeds', markdown: true, run: () => largeBench(largeOptions()) },
  // Superseded by `capacity` (same runs on a Redis of the bench's own, with the model beside them).
  { name: 'workers', title: 'End to end, 1 and 2 workers × 1 and 4 stories (REDIS_URL)', optional: true, run: () => workerBench() },
];

/** `--large-feeds=N --large-interval=S --large-rounds=R`: the large deployment's size. */
function largeOptions(): { feeds?: number; intervalS?: number; rounds?: number } {
  const num = (k: string) => {
    const a = process.argv.find((x) => x.startsWith(`--${k}=`));
    return a ? Number(a.split('=')[1]) : undefined;
  };
  return { feeds: num('large-feeds'), intervalS: num('large-interval'), rounds: num('large-rounds') };
}

async function main(): Promise<void> {
  const arg = process.argv.indexOf('--size');
  if (arg > 0) {
    process.stdout.write(JSON.stringify(measure(Number(process.argv[arg + 1]))));
    return;
  }
  // One ingestion row in a process of its own (see inFreshProcess).
  if (process.argv.includes('--poll-only')) return void (await pollBench());
  if (process.argv.includes('--cycle-only')) return embeddedCycleBench();
  // Older spellings of --only.
  const legacy: Record<string, string[]> = { '--enrich-only': ['enrich'], '--state-only': ['state'], '--ingest-only': ['poll', 'cycle', 'workers'], '--classify-only': ['classify'] };
  const only = onlyArg(process.argv) ?? Object.entries(legacy).find(([flag]) => process.argv.includes(flag))?.[1];
  const unknown = (only ?? []).filter((n) => !SECTIONS.some((s) => s.name === n));
  if (unknown.length) throw new Error(`unknown bench section(s) ${unknown.join(', ')}: choose from ${SECTIONS.map((s) => s.name).join(', ')}`);
  const chosen = SECTIONS.filter((s) => (only ? only.includes(s.name) : !s.optional));
  const ran = new Map<string, SectionRun>();
  const t0 = performance.now();
  for (const [i, s] of chosen.entries()) {
    process.stderr.write(`\n[bench ${i + 1}/${chosen.length}, ${((performance.now() - t0) / 1000).toFixed(0)} s so far]`);
    ran.set(s.name, await runSection(s));
  }
  if (!process.argv.includes('--no-docs')) writeDoc(SECTIONS, ran);
}

/**
 * Runs one bench row in a new process: the polling and cycle rows compare an
 * allocation-heavy client with a lean loop per CPU-second, and the heap an earlier row
 * left (the ask bench's index) made the garbage collector weigh on the one and not the other.
 * Its output is printed here (so the section keeps it).
 */
function inFreshProcess(flag: string): void {
  const r = spawnSync(process.execPath, [...process.execArgv, self, flag], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (r.stdout) console.log(r.stdout.replace(/\n$/, ''));
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
