/**
 * `npm run bench -- --only=capacity`: the cost table (CPU ms per unit of work, workers and
 * Redis apart; Redis bytes per feed, per queued job, per kept article) and the capacity
 * model built from it, printed beside the measured 1- and 2-worker rates on this machine.
 */
import { cpus } from 'node:os';
import { articleRun, bytesPerQueuedJob, deliverCosts, pollCosts, STORIES, type ArticleRun, type Cost, type PollCosts } from './capacity-costs.js';
import { shardCount } from '../runners/bullmq/poll-shards.js';
import { startPrivateRedis } from './deployment.js';
import { retentionSamples } from './redis-retention-bench.js';

/** The deployment the model is asked about: how often feeds are polled and how often they change. */
export const PLAN = { intervalS: 600, changedShare: 0.05, articlesPerChange: 1, alertsPerArticle: 0.01 };

/**
 * New items a poll round of one shard finds at the plan's rate, a million feeds: its feeds
 * follow one story (see storyShards), so they are one analyze job's worth.
 */
export const PLAN_PER_ROUND = (1_000_000 / shardCount(1_000_000)) * PLAN.changedShare * PLAN.articlesPerChange;

export interface Costs {
  polls: PollCosts;
  /** One worker, the articles coming a few a second: each poll finds one new item or none. */
  single: ArticleRun;
  runs: ArticleRun[];
  /** One worker again, beside the engine's classify loop keeping the other cores busy. */
  contended: ArticleRun;
  /** One worker again, the articles coming at half the burst's rate. */
  paced: ArticleRun;
  rounds: Round[];
  deliver: Cost & { alerts: number; seconds: number };
  bytesPerJob: number;
  bytesPerKeptArticle: number;
}

const ms = (c: number) => c.toFixed(3);

/** CPU ms per poll of the plan's mix (unchanged feeds, changed ones with their new articles and alerts). */
export function perPollMix(c: Costs, k: keyof Cost): number {
  const a = c.single;
  const p = PLAN.changedShare;
  return (1 - p) * c.polls.c304[k] + p * (c.polls.c200[k] + PLAN.articlesPerChange * (a.perArticle[k] + PLAN.alertsPerArticle * c.deliver[k]));
}

export function costTable(c: Costs): string[] {
  const a = c.runs[0]!;
  const s = c.single;
  const perJob = (run: ArticleRun) => (run.jobs ? (run.articles / run.jobs).toFixed(1) : '?');
  return [
    '| unit of work | worker CPU ms | Redis CPU ms | measured over |',
    '|---|---|---|---|',
    `| feed poll, 304 | ${ms(c.polls.c304.worker)} | ${ms(c.polls.c304.redis)} | ${c.polls.polls304.toLocaleString('en-US')} polls (${c.polls.n.toLocaleString('en-US')} feeds every ${c.polls.intervalS} s, ${c.polls.shards} poll shards) |`,
    `| feed poll, 200 (re-parsed, nothing new) | ${ms(c.polls.c200.worker)} | ${ms(c.polls.c200.redis)} | ${c.polls.polls200.toLocaleString('en-US')} polls |`,
    `| article analysed at the plan's rate (its poll, its share of an analyze job, decision, record) | ${ms(s.perArticle.worker)} | ${ms(s.perArticle.redis)} | ${s.articles.toLocaleString('en-US')} articles over ${s.stories} stories, ${s.dripPerS} a second: ${PLAN_PER_ROUND.toFixed(1)} per story and poll round, as a shard of the plan's feeds finds; one worker; ${perJob(s)} articles per analyze job; unchanged feeds' polls and the ${s.delivered.toLocaleString('en-US')} alerts delivered meanwhile taken out at their rows' costs |`,
    `| article analysed, a burst (every feed's next poll finds all of its new items) | ${ms(a.perArticle.worker)} | ${ms(a.perArticle.redis)} | ${a.articles.toLocaleString('en-US')} articles over ${a.stories} stories, all visible at once, one worker (the median round below); ${perJob(a)} articles per analyze job; taken out as above |`,
    `| alert delivered (JSONL target; its deliver job queued, claimed, posted, marked) | ${ms(c.deliver.worker)} | ${ms(c.deliver.redis)} | ${c.deliver.alerts.toLocaleString('en-US')} alerts to 50 targets in ${c.deliver.seconds.toFixed(1)} s |`,
    '',
    '| Redis memory | bytes |',
    '|---|---|',
    `| per feed: its state (validators, next poll) | ${c.polls.bytesPerFeed.toFixed(0)} |`,
    `| per feed: poll schedulers and their jobs | ${c.polls.bytesPerFeedQueue.toFixed(1)} |`,
    `| per queued analyze job (generated article) | ${c.bytesPerJob.toFixed(0)} |`,
    `| per kept article (log entry, seen id, alerts; retention bench) | ${c.bytesPerKeptArticle.toFixed(0)} |`,
    '',
    `Redis commands per analysed article (INFO commandstats, which counts command time only, not the reads and writes around it): one worker at the plan's rate: ${commandsLine(s)}; one worker, a burst: ${commandsLine(a)}; two workers, a burst: ${commandsLine(c.runs[1]!)}`,
  ];
}

function commandsLine(a: ArticleRun): string {
  const calls = a.topCommands.reduce((s, t) => s + t.calls, 0) / a.articles;
  const top = a.topCommands.slice(0, 8).map((t) => `${t.cmd} ${(t.calls / a.articles).toFixed(1)} calls ${t.usPerArticle.toFixed(0)} µs`);
  return `${calls.toFixed(1)} calls in all (top ${a.topCommands.length}); ${top.join(', ')}`;
}

/** The one-worker runs a prediction is built from (one round's, or the medians). */
export interface ModelRuns {
  /** A burst: the worker has more work than it can do. */
  one: ArticleRun;
  /** The same beside busy cores. */
  contended?: ArticleRun;
  /** Paced at half the burst's rate: the worker has half of the work it could do. */
  paced?: ArticleRun;
}

type Component = 'workers' | 'workersMain' | 'redis' | 'bench';

/**
 * CPU seconds per article of each component when a worker carries `x` articles a second:
 * between the paced run's and the burst's, linear in the rate, clamped to the two. A worker
 * with less work than it could do spends more per article (the paced run measures how much),
 * most likely because it sleeps and wakes for every reply instead of finding several waiting.
 */
function costsAt(m: ModelRuns, x: number): Record<Component, number> {
  const { one, paced } = m;
  const t = paced && one.rate > paced.rate ? Math.min(1, Math.max(0, (x - paced.rate) / (one.rate - paced.rate))) : 1;
  const at = (k: Component) => (paced ? cpuPerArticle(paced, k) + t * (cpuPerArticle(one, k) - cpuPerArticle(paced, k)) : cpuPerArticle(one, k));
  return { workers: at('workers'), workersMain: at('workersMain'), redis: at('redis'), bench: at('bench') };
}

/**
 * Predicted rate for `w` workers on this machine, from one-worker runs only: CPU per article
 * (workers, Redis, the bench's feed server) at the load each worker would carry, plus what
 * each further worker adds (learning, through Redis, what the others decided). A worker
 * process keeps its main thread as busy as the burst's worker did (the rest of the time it
 * waits on round trips), Redis is one core, and everything together fits in the cores the
 * rest of the machine left free (/proc/stat); where those are the limit, a unit of work costs
 * at least what it cost beside busy cores (`contended`). The load and the costs depend on each other:
 * the rate is found by iterating from `w` times the burst's.
 */
export function predictRate(m: ModelRuns, w: number, others: number): { rate: number; limit: string } {
  let rate = w * m.one.rate;
  let out = limitsAt(m, w, others, rate / w);
  for (let i = 0; i < 40; i++) {
    rate = (rate + out.rate) / 2;
    out = limitsAt(m, w, others, rate / w);
  }
  return out;
}

function limitsAt(m: ModelRuns, w: number, others: number, perWorker: number): { rate: number; limit: string } {
  const { one, contended } = m;
  const c = costsAt(m, perWorker);
  // What the further workers' learning adds to each article, worker and Redis.
  const learnW = ((w - 1) * one.learn.worker) / 1000;
  const learnR = ((w - 1) * one.learn.redis) / 1000;
  const R = c.redis + learnR;
  const all = c.workers + learnW + R + c.bench;
  const mainBusy = Math.min(1, one.busy.workersMain);
  const free = Math.max(0.1, cpus().length - others);
  const shared = `${free.toFixed(2)} free cores shared by workers, Redis and the feed server`;
  const limits: Array<[number, string]> = [
    [(w * mainBusy) / (c.workersMain + learnW), `${w} worker process(es), each main thread ${(mainBusy * 100).toFixed(0)}% busy as in the burst`],
    [1 / R, 'one Redis core'],
    [free / all, shared],
  ];
  const [rate, limit] = limits.sort((x, y) => x[0] - y[0])[0]!;
  if (limit !== shared || !contended) return { rate, limit };
  // Waiting for a core and waiting on a reply are not added up: a worker queued for a core
  // finds its replies waiting when it runs, as a busy one does. The higher cost stands.
  const busyCores = allIn(contended) + learnW + learnR;
  if (busyCores <= all) return { rate, limit: `${shared}, at the CPU per article of a worker with that load` };
  return { rate: free / busyCores, limit: `${shared}, at the CPU per article measured beside busy cores` };
}

export function modelLines(c: Costs): string[] {
  const mixW = perPollMix(c, 'worker');
  const mixR = perPollMix(c, 'redis');
  // The plan's rounds find a few items of a story at a time; the rates below are of bursts, as the runs were.
  const a = c.single;
  const one = c.runs[0]!;
  const feedsPerCore = (msPerPoll: number) => (PLAN.intervalS * 1000) / msPerPoll;
  const oneM = 1_000_000;
  const pollsPerS = oneM / PLAN.intervalS;
  const redisCores = (pollsPerS * mixR) / 1000;
  const workerCores = (pollsPerS * mixW) / 1000;
  const memMb = (oneM * (c.polls.bytesPerFeed + c.polls.bytesPerFeedQueue)) / 1048576;
  const lines = [
    `Plan: every feed polled every ${PLAN.intervalS} s; ${PLAN.changedShare * 100}% of polls find ${PLAN.articlesPerChange} new article; ${PLAN.alertsPerArticle * 100}% of articles alert.`,
    `- per poll of that mix: workers ${ms(mixW)} ms CPU, Redis ${ms(mixR)} ms CPU`,
    `- one worker core carries ${Math.round(feedsPerCore(mixW)).toLocaleString('en-US')} feeds (${(1000 / mixW).toFixed(0)} polls/s), or ${(1000 / a.perArticle.worker).toFixed(0)} articles/s at the plan's rate (${(1000 / one.perArticle.worker).toFixed(0)} in bursts)`,
    `- one Redis core carries ${Math.round(feedsPerCore(mixR)).toLocaleString('en-US')} feeds (${(1000 / mixR).toFixed(0)} polls/s), or ${(1000 / a.perArticle.redis).toFixed(0)} articles/s at the plan's rate (${(1000 / Math.max(1e-3, one.perArticle.redis)).toFixed(0)} in bursts)`,
    `- so adding workers stops helping at about ${(mixW / mixR).toFixed(0)} worker cores for polling, ${(a.perArticle.worker / a.perArticle.redis).toFixed(0)} for analysis (then Redis is the limit)`,
    `- 1M feeds: ${pollsPerS.toFixed(0)} polls/s = ${workerCores.toFixed(1)} worker cores and ${redisCores.toFixed(2)} Redis core (${redisCores <= 1 ? 'fits one Redis core' : 'does NOT fit one Redis core'}); feed state and schedulers ${memMb.toFixed(0)} MB of Redis`,
    '',
    `Each further worker adds ${ms(one.learn.worker)} ms of worker CPU and ${ms(one.learn.redis)} ms of Redis CPU per article (its engines learn, through Redis, what the others decided; measured by catching a fresh engine up on the one-worker run).`,
    versusLine(`One worker beside ${c.contended.besideBusy} core(s) kept busy by the engine's classify loop (as another worker would)`, one, c.contended, "where the machine's free cores are the limit, the model takes these costs or those at the worker's load (next line), whichever is higher"),
    versusLine('One worker paced at half its burst rate (the load each of two workers has)', one, c.paced, "the model takes a worker's costs at its load, between this run's and the burst's"),
    '',
    `Article runs: ${ROUNDS} rounds of one worker, one worker beside busy cores, one worker paced at half its rate and two workers, in turn; each row is its median round (one-worker runs: by CPU per article all in; two workers: by rate). The one-worker row is the run the model is built from.`,
    '',
    '| worker processes (stories) | measured articles/s (rounds) | model on this machine | limit the model names | cores busy: workers (their main threads) + Redis + bench + rest of the machine |',
    '|---|---|---|---|---|',
  ];
  for (const run of c.runs) {
    const p = predictRate({ one, contended: c.contended, paced: c.paced }, run.workers, run.busy.others);
    const off = ((p.rate - run.rate) / run.rate) * 100;
    const all = c.rounds.map((x) => (run.workers === 1 ? x.one : x.two).rate.toFixed(0)).join(', ');
    lines.push(`| ${run.workers} (${run.stories}) | ${run.rate.toFixed(0)} (${all}) | ${p.rate.toFixed(0)} (${off >= 0 ? '+' : ''}${off.toFixed(0)}%) | ${p.limit} | ${run.busy.workers.toFixed(2)} (${run.busy.workersMain.toFixed(2)}) + ${run.busy.redis.toFixed(2)} + ${run.busy.bench.toFixed(2)} + ${run.busy.others.toFixed(2)} |`);
  }
  lines.push('', pairedLine(c));
  return lines;
}

/**
 * The model checked round by round: each round's two-worker run against what that round's
 * own one-worker runs predict, measured within the same two minutes. The machine's drift
 * between rounds then falls on both sides of the comparison alike.
 */
function pairedLine(c: Costs): string {
  const offs = c.rounds.map(({ one, contended, paced, two }) => {
    const p = predictRate({ one, contended, paced }, 2, two.busy.others);
    return { measured: two.rate, model: p.rate, off: ((p.rate - two.rate) / two.rate) * 100 };
  });
  const sign = (x: number) => `${x >= 0 ? '+' : ''}${x.toFixed(0)}%`;
  const each = offs.map((o) => `${o.measured.toFixed(0)} measured, ${o.model.toFixed(0)} modelled (${sign(o.off)})`).join('; ');
  const mid = [...offs].sort((a, b) => a.off - b.off)[Math.floor(offs.length / 2)]!;
  return `Two workers, round by round (each predicted from its own round's one-worker runs): ${each}; median ${sign(mid.off)}.`;
}

/** CPU seconds per article of one component over a run, all in (the cores it kept busy over the rate). */
function cpuPerArticle(run: ArticleRun, k: Component): number {
  return run.busy[k] / run.rate;
}

/** CPU seconds per article of the workers, Redis and the bench together. */
function allIn(run: ArticleRun): number {
  return cpuPerArticle(run, 'workers') + cpuPerArticle(run, 'redis') + cpuPerArticle(run, 'bench');
}

/** A one-worker run's CPU per article, all in, against the burst's with the cores free. */
function versusLine(what: string, one: ArticleRun, run: ArticleRun, use: string): string {
  const all = (r: ArticleRun, k: 'workers' | 'redis') => cpuPerArticle(r, k) * 1000;
  const x = (k: 'workers' | 'redis') => (all(run, k) / all(one, k)).toFixed(2);
  return `${what}: ${ms(all(run, 'workers'))} ms worker CPU and ${ms(all(run, 'redis'))} ms Redis CPU per article all in (${x('workers')}× and ${x('redis')}× the burst with the cores free, ${run.rate.toFixed(0)} articles/s); ${use}.`;
}

export async function measureCosts(opts: { feeds?: number } = {}): Promise<Costs> {
  const r = await startPrivateRedis();
  try {
    const polls = await pollCosts(r, { n: opts.feeds ?? 5000 });
    // Deliveries first: the article runs take the alerts they deliver out at this cost.
    const deliver = await deliverCosts(r, polls.c304);
    // What the plan's polls cost: each story's feeds find, a second, what a shard of the plan's finds a round.
    const single = await articleRun(r, 1, polls.c304, deliver, { dripPerS: Math.round(STORIES * PLAN_PER_ROUND), total: 1700 });
    // The runs alternate, round after round: a shared machine is faster or slower for
    // minutes at a time, and a model checked against a run measured in another minute than
    // the runs it was built from said more about the minute than about the model.
    const rounds: Round[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      process.stderr.write(`  [capacity] article runs, round ${i + 1} of ${ROUNDS}\n`);
      const one = await articleRun(r, 1, polls.c304, deliver);
      const contended = await articleRun(r, 1, polls.c304, deliver, { besideBusy: Math.max(1, cpus().length - 1) });
      // What each of two workers would carry: half of what one carried.
      const paced = await articleRun(r, 1, polls.c304, deliver, { dripPerS: Math.round(one.rate / 2) });
      rounds.push({ one, contended, paced, two: await articleRun(r, 2, polls.c304, deliver) });
    }
    const one = median(rounds.map((x) => x.one), allIn);
    const contended = median(rounds.map((x) => x.contended), allIn);
    const paced = median(rounds.map((x) => x.paced), allIn);
    const runs = [one, median(rounds.map((x) => x.two), (run) => run.rate)];
    process.stderr.write('  [capacity] memory per queued job and per kept article\n');
    const bytesPerJob = await bytesPerQueuedJob(r);
    const samples = await retentionSamples(r.url, 4);
    const last = samples[samples.length - 1]!;
    return { polls, single, runs, contended, paced, rounds, deliver, bytesPerJob, bytesPerKeptArticle: last.bytes / Math.max(1, last.kept) };
  } finally {
    await r.stop();
  }
}

/** One round of the article runs: one worker in a burst, beside busy cores, paced at half its rate; two workers in a burst. */
interface Round { one: ArticleRun; contended: ArticleRun; paced: ArticleRun; two: ArticleRun }
const ROUNDS = 3;

/** The run in the middle by `key` (a run measured, not a mix of runs). */
function median(runs: ArticleRun[], key: (r: ArticleRun) => number): ArticleRun {
  return [...runs].sort((a, b) => key(a) - key(b))[Math.floor(runs.length / 2)]!;
}

export async function capacityBench(): Promise<void> {
  const c = await measureCosts();
  console.log(`\ncost per unit of work (CPU time of each component; Redis is the bench's own redis-server, its idle cost taken out; ${cpus().length} cores, shared)`);
  for (const l of costTable(c)) console.log(l);
  console.log('\ncapacity model');
  for (const l of modelLines(c)) console.log(l);
}
