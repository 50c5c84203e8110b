/**
 * `npm run bench` sections and docs/benchmarks.md: each section's output is echoed and
 * kept; the file holds the last run of every section, with the date and the machine, so
 * no figure in the docs is typed by hand. `--only=a,b` reruns some sections and replaces
 * just theirs in the file.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Section {
  name: string;
  title: string;
  /** Whether the output is Markdown (tables) or fixed-width text. */
  markdown?: boolean;
  /** Left out of a plain `npm run bench` (run with --only). */
  optional?: boolean;
  run: () => Promise<unknown> | unknown;
}

const DOC = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../docs/benchmarks.md');

export function machine(): string {
  const cpu = os.cpus();
  const load = os.loadavg().map((l) => l.toFixed(1)).join(' / ');
  return `${cpu[0]?.model.trim() ?? 'unknown CPU'}, ${cpu.length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GB, ${os.type()} ${os.release()}, Node ${process.version}; load average at the start ${load} (1/5/15 min; a shared machine: figures are CPU times where they can be)`;
}

/** Runs one section with console.log kept as well as printed; its output, and how long it took. */
export interface SectionRun {
  out: string;
  seconds: number;
  /** When it started, and the machine then (load average included). */
  at: string;
  machine: string;
}

export async function runSection(s: Section): Promise<SectionRun> {
  const at = new Date().toISOString().replace(/:\d\d\.\d+Z$/, ' UTC').replace('T', ' ');
  const where = machine();
  const lines: string[] = [];
  const log = console.log;
  console.log = (...args: unknown[]) => {
    lines.push(args.map(String).join(' '));
    log(...args);
  };
  const t0 = performance.now();
  process.stderr.write(`\n=== ${s.name}: ${s.title} ===\n`);
  try {
    await s.run();
  } finally {
    console.log = log;
  }
  const seconds = (performance.now() - t0) / 1000;
  process.stderr.write(`=== ${s.name} done in ${seconds.toFixed(0)} s ===\n`);
  return { out: lines.join('\n').replace(/^\n+/, ''), seconds, at, machine: where };
}

const HEAD = `# Benchmarks

Written by \`npm run bench\` (src/bench/); do not edit by hand. Each section is its last run;
\`npm run bench -- --only=<section>[,<section>]\` reruns some and replaces only theirs.
Sections: `;

function block(s: Section, r: SectionRun): string {
  const body = s.markdown ? r.out : `\`\`\`text\n${r.out}\n\`\`\``;
  return `<!-- section:${s.name} -->\n## ${s.title}\n\nRun ${r.at} (${r.seconds.toFixed(0)} s) on ${r.machine}.\n\n${body}\n<!-- /section:${s.name} -->`;
}

/** Replaces the sections that ran, keeps the others, in the order of `all`. */
export function writeDoc(all: Section[], ran: Map<string, SectionRun>, file = DOC): void {
  const old = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const kept = (name: string) => new RegExp(`<!-- section:${name} -->[\\s\\S]*?<!-- /section:${name} -->`).exec(old)?.[0];
  const parts = all.map((s) => {
    const r = ran.get(s.name);
    return r ? block(s, r) : kept(s.name);
  }).filter(Boolean);
  writeFileSync(file, `${HEAD}${all.map((s) => `\`${s.name}\``).join(', ')}.\n\n${parts.join('\n\n')}\n`);
  process.stderr.write(`wrote ${path.relative(process.cwd(), file)}\n`);
}

/** `--only=a,b` or `--only a,b`; undefined without. */
export function onlyArg(argv: string[]): string[] | undefined {
  const i = argv.findIndex((a) => a === '--only' || a.startsWith('--only='));
  if (i < 0) return undefined;
  const v = argv[i]!.includes('=') ? argv[i]!.split('=')[1]! : argv[i + 1] ?? '';
  return v.split(',').map((s) => s.trim()).filter(Boolean);
}
