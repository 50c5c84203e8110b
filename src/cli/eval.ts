/**
 * `storywatch eval [DIR...]`: runs the engine over labelled streams (stream.jsonl +
 * labels.json) in the three feed shapes and prints it beside the keyword and
 * first-story-detection baselines computed in the same run, with the figures of
 * ../shared/tools/score.py. Without DIRs: every dev stream under eval/, each scored
 * both with the shipped model and with one fitted without its story (leave one story
 * out: the figure that says how the engine does on a story nobody tuned it on).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Writable } from 'node:stream';
import { PROJECT_ROOT } from '../config/paths.js';
import { evaluateStream, leaveOneStoryOut, leaveOneStoryOutWithoutTagger, summarise, TARGETS, type EvalReport, type Summary } from '../eval/loso.js';
import { round3, type Scores } from '../eval/score.js';
import { devStreams, streamInfo } from '../eval/streams.js';
import { VIEWS, type View } from '../eval/views.js';

export { loadStream } from '../eval/streams.js';
export { evaluateStream, type EvalReport, type ViewReport } from '../eval/loso.js';

/** Kept for callers that score one stream in one shape with the shipped model. */
export function evaluateDir(dir: string, storyId?: string, view: View = 'full') {
  return evaluateStream(streamInfo(dir, storyId), [view]).views[0]!;
}

const COLUMNS: Array<[string, (s: Scores) => string]> = [
  ['tp', (s) => String(s.tp)],
  ['fp', (s) => String(s.fp)],
  ['fn', (s) => String(s.fn)],
  ['precision', (s) => String(round3(s.precision))],
  ['recall', (s) => String(round3(s.recall))],
  ['f1', (s) => String(round3(s.f1))],
  ['relevance', (s) => String(round3(s.relevanceAccuracy))],
  ['key facts', (s) => `${s.keyFactHits}/${s.tp}`],
  ['off-topic', (s) => String(s.offTopicAlerts)],
  ['duplicate', (s) => String(s.duplicateAlerts)],
  ['rehash', (s) => String(s.rehashAlerts)],
  ['grouping', (s) => String(round3(s.groupingAccuracy))],
];

export function formatReport(r: EvalReport): string {
  const lines = [`eval: ${r.dir} (story ${r.story}${r.synthetic ? ', synthetic' : ''})`];
  for (const v of r.views) {
    lines.push(`  view ${v.view}`);
    lines.push(`    ${'system'.padEnd(11)}${COLUMNS.map(([n]) => n.padStart(10)).join('')}`);
    const rows: Array<[string, Scores | undefined]> = [['storywatch', v.storywatch], ['held-out', v.heldOut], ['keyword', v.keyword], ['fsd', v.fsd]];
    for (const [name, s] of rows) if (s) lines.push(`    ${name.padEnd(11)}${COLUMNS.map(([, get]) => get(s).padStart(10)).join('')}`);
    const sw = v.storywatch;
    // The shared scorer's summary line, for the shipped model: the two must agree.
    lines.push(`    f1=${round3(sw.f1)} baseline_f1=${round3(v.keyword.f1)} fsd_f1=${round3(v.fsd.f1)} offtopic_alerts=${sw.offTopicAlerts} dup_alerts=${sw.duplicateAlerts} alerts=${sw.alerts}`);
    const shown = v.heldOut ?? sw;
    if (shown.missed.length) lines.push(`    missed new developments${v.heldOut ? ' (held-out)' : ''}: ${shown.missed.join(', ')}`);
    if (shown.wrongAlerts.length) lines.push(`    wrong alerts${v.heldOut ? ' (held-out)' : ''}: ${shown.wrongAlerts.join(', ')}`);
  }
  return lines.join('\n');
}

const f = (n: number) => round3(n).toFixed(3);

/** The leave-one-story-out table: one row a real story, F1 per shape with the baselines, then the means. */
export function formatSummary(reports: EvalReport[], sums: Summary[]): string {
  const real = reports.filter((r) => !r.synthetic);
  const views = sums.map((s) => s.view);
  const head = `  ${'story'.padEnd(28)}${views.map((v) => `${v} held-out (shipped / keyword / fsd)`.padEnd(44)).join('')}`;
  const lines = ['', 'leave-one-story-out F1: each story scored by a model fitted on the other stories only', head];
  for (const r of real) {
    const cells = views.map((view) => {
      const v = r.views.find((x) => x.view === view)!;
      const held = v.heldOut ? f(v.heldOut.f1) : '  -  ';
      const alerts = v.heldOut ?? v.storywatch;
      return `${held} (${f(v.storywatch.f1)} / ${f(v.keyword.f1)} / ${f(v.fsd.f1)}) ${alerts.offTopicAlerts}o ${alerts.duplicateAlerts}d`.padEnd(44);
    });
    lines.push(`  ${path.basename(r.dir).padEnd(28)}${cells.join('')}`);
  }
  lines.push(`  ${'mean'.padEnd(28)}${sums.map((s) => `${f(s.meanHeldOut)} (${f(s.meanShipped)} / ${f(s.meanKeyword)} / ${f(s.meanFsd)})`.padEnd(44)).join('')}`);
  lines.push(`  (${real.length} real stories; "o" off-topic and "d" duplicate alerts of the held-out run)`);
  for (const s of sums) {
    const goal = TARGETS.meanF1[s.view];
    const ok = s.meanHeldOut >= goal && !s.misses.length;
    lines.push(`  ${s.view}: mean ${f(s.meanHeldOut)} (goal >= ${goal}) ${ok ? 'met' : 'NOT met'}${s.misses.length ? `; ${s.misses.join('; ')}` : ''}`);
  }
  return lines.join('\n');
}

export interface EvalOptions {
  dirs: string[];
  story?: string | undefined;
  json: boolean;
  views?: View[];
  progress?: boolean;
  /** Write docs/evaluation.md (a run over every dev stream does, unless told not to). */
  docs?: boolean;
  /** Run it again without the part-of-speech tagger: what the tagger buys. */
  ablate?: boolean;
}

/** One line a shape: the held-out mean without the tagger, and what the tagger adds to it. */
export function formatAblation(sums: Summary[], without: Summary[]): string[] {
  return sums.map((s) => {
    const w = without.find((x) => x.view === s.view);
    if (!w) return `${s.view}: -`;
    const gain = round3(s.meanHeldOut - w.meanHeldOut);
    return `${s.view}: ${f(w.meanHeldOut)} without, ${f(s.meanHeldOut)} with (${gain >= 0 ? '+' : ''}${gain.toFixed(3)})`;
  });
}

export const EVALUATION_DOC = path.join(PROJECT_ROOT, 'docs/evaluation.md');

/** docs/evaluation.md: the leave-one-story-out table as this run measured it, with when and how. */
export function evaluationDoc(reports: EvalReport[], sums: Summary[], now = new Date(), without?: Summary[]): string {
  const real = reports.filter((r) => !r.synthetic);
  const views = sums.map((s) => s.view);
  const cell = (v: EvalReport['views'][number] | undefined) => {
    if (!v) return '–';
    const held = v.heldOut ?? v.storywatch;
    return `**${f(held.f1)}** (${f(v.keyword.f1)} / ${f(v.fsd.f1)}; ${held.offTopicAlerts} off-topic, ${held.duplicateAlerts} dup)`;
  };
  const lines = [
    '# Evaluation',
    '',
    `Written by \`npm run eval\` on ${now.toISOString().slice(0, 16).replace('T', ' ')} UTC (Node ${process.version}, ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} cores). Do not edit: run it again.`,
    '',
    'New-development F1 of each labelled story under `eval/`, scored with a join-or-open model fitted on the *other* stories only (leave one story out), in three feed shapes: full text, snippet (first two sentences) and headline only. In brackets, in the same run: keyword alerting and first-story detection (the baselines of `../shared/tools/score.py`), and the off-topic and duplicate alerts of the held-out run.',
    '',
    `| story | ${views.join(' | ')} |`,
    `|---|${views.map(() => '---').join('|')}|`,
    ...real.map((r) => `| ${path.basename(r.dir)} | ${views.map((view) => cell(r.views.find((v) => v.view === view))).join(' | ')} |`),
    `| **mean** | ${sums.map((s) => `**${f(s.meanHeldOut)}** (${f(s.meanKeyword)} / ${f(s.meanFsd)})`).join(' | ')} |`,
    '',
    'Goals: mean held-out F1 of at least 0.85 (full), 0.8 (snippet) and 0.75 (headline); no story below 0.7; every story 0.15 above first-story detection; at most one off-topic and two duplicate alerts per story and shape.',
    '',
    ...sums.map((s) => `- ${s.view}: mean ${f(s.meanHeldOut)}, ${s.meanHeldOut >= TARGETS.meanF1[s.view] && !s.misses.length ? 'goals met' : `goals not met${s.misses.length ? `: ${s.misses.join('; ')}` : ''}`}.`),
    '',
    `The shipped model (\`src/analysis/weights.ts\`, fitted on every story) scores ${sums.map((s) => `${f(s.meanShipped)} (${s.view})`).join(', ')} on these same stories: in-sample figures, for debugging only.`,
    '',
    ...(without ? [
      '## What the part-of-speech tagger buys',
      '',
      'The same leave-one-story-out run with the event frame and the names read by position rules alone (no wink-nlp tagger; the held-out models fitted that way too), mean held-out F1:',
      '',
      ...formatAblation(sums, without).map((l) => `- ${l}`),
      '',
      'What it costs in CPU is the "of it tagging" column of [benchmarks.md](benchmarks.md).',
      '',
    ] : []),
  ];
  return lines.join('\n');
}

export function runEval(opts: EvalOptions, stdout: Writable, stderr?: Writable): number {
  const views = opts.views ?? VIEWS;
  if (opts.dirs.length) {
    const reports = opts.dirs.map((d) => evaluateStream(streamInfo(path.resolve(d), opts.story), views));
    stdout.write(opts.json ? `${JSON.stringify(reports, null, 2)}\n` : `${reports.map(formatReport).join('\n\n')}\n`);
    return 0;
  }
  const streams = devStreams();
  if (!streams.length) {
    stderr?.write('storywatch eval: no labelled streams under eval/ (each folder holds stream.jsonl and labels.json)\n');
    return 1;
  }
  const note = opts.progress ? (m: string) => stderr?.write(`storywatch eval: ${m}\n`) : undefined;
  const reports = leaveOneStoryOut(streams, views, note);
  const sums = summarise(reports);
  const without = opts.ablate ? summarise(leaveOneStoryOutWithoutTagger(streams, views, note)) : undefined;
  if (opts.json) stdout.write(`${JSON.stringify({ reports, summary: sums, withoutTagger: without }, null, 2)}\n`);
  else {
    stdout.write(`${reports.map(formatReport).join('\n\n')}\n${formatSummary(reports, sums)}\n`);
    if (without) stdout.write(`\nwhat the part-of-speech tagger buys (held-out mean F1):\n${formatAblation(sums, without).map((l) => `  ${l}\n`).join('')}`);
  }
  if (opts.docs !== false && !opts.views) {
    mkdirSync(path.dirname(EVALUATION_DOC), { recursive: true });
    writeFileSync(EVALUATION_DOC, evaluationDoc(reports, sums, new Date(), without));
    stderr?.write(`storywatch eval: wrote ${path.relative(process.cwd(), EVALUATION_DOC)}\n`);
  }
  return 0;
}
