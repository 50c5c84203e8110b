/**
 * storywatch command line: parses arguments, dispatches to one command module, and
 * turns any error into a clear message and a non-zero exit code.
 */
import { parseArgs } from 'node:util';
import { AppError, describeError } from '../domain/errors.js';
import { runClassify } from './classify.js';
import { runEval } from './eval.js';

const HELP = `storywatch: watch news feeds for new developments of a tracked story

Usage: storywatch <command> [options]

Commands:
  run        poll the configured feeds, analyse new items, post alerts (what npm start runs)
  demo       start a local fixture feed server and run against it: alerts within seconds
  classify   read JSONL articles, write one decision line per article
  eval       score classify on labelled streams beside a keyword-only baseline
  help       show this help (also: storywatch <command> --help)

Run 'storywatch <command> --help' for a command's options.
`;

const COMMAND_HELP: Record<string, string> = {
  classify: `Usage: storywatch classify [--story ID] [--input FILE]

Reads articles as JSON lines {id,title,url,source,publishedAt,content} (stdin by
default), processes them in order against the story's corpus and every earlier
article, and writes one JSON line per article:
  {id, relevant, novel, developmentId, duplicateOf, relevance, novelty, summary, facts, reasons}
A malformed line is reported on stderr with its line number and skipped; the exit
code is 1 if any line failed.

Options:
  --story ID    story under config/stories/ (default: minerals-deal)
  --input FILE  read from FILE instead of stdin
`,
  eval: `Usage: storywatch eval [DIR...] [--story ID] [--json]

Scores classify on each DIR (stream.jsonl + labels.json; default ../shared/eval-dev,
else test/fixtures/eval-dev) and prints precision/recall/F1 of new-development alerts,
relevance accuracy, off-topic and duplicate alerts, key-fact coverage and development
grouping, beside a keyword-only baseline run on the same stream.

Options:
  --story ID  story to score against (default: minerals-deal)
  --json      print the figures as JSON
`,
};

type Handler = (args: string[]) => Promise<number> | number;

const COMMANDS: Record<string, Handler> = {
  classify: (args) => {
    const { values } = parseArgs({ args, options: { story: { type: 'string', default: 'minerals-deal' }, input: { type: 'string' } } });
    return runClassify({ story: values.story!, input: values.input }, process.stdout, process.stderr);
  },
  eval: (args) => {
    const { values, positionals } = parseArgs({
      args, allowPositionals: true,
      options: { story: { type: 'string', default: 'minerals-deal' }, json: { type: 'boolean', default: false } },
    });
    return runEval({ dirs: positionals, story: values.story!, json: values.json! }, process.stdout);
  },
};

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === 'help' || command === '--help' || command === '-h') {
    process.stdout.write(command === 'help' && rest[0] && COMMAND_HELP[rest[0]] ? COMMAND_HELP[rest[0]]! : HELP);
    return 0;
  }
  const handler = COMMANDS[command];
  if (!handler) {
    process.stderr.write(`storywatch: unknown command "${command}"\n\n${HELP}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(COMMAND_HELP[command] ?? HELP);
    return 0;
  }
  try {
    return await handler(rest);
  } catch (err) {
    const usage = err instanceof TypeError && 'code' in err && String(err.code).startsWith('ERR_PARSE_ARGS');
    process.stderr.write(`storywatch ${command}: ${describeError(err)}\n`);
    if (usage) process.stderr.write(`  -> run 'storywatch ${command} --help' for its options\n`);
    return usage ? 2 : err instanceof AppError && err.code === 'USAGE' ? 2 : 1;
  }
}
