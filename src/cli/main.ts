/**
 * storywatch command line: parses arguments, dispatches to one command module, and
 * turns any error into a clear message and a non-zero exit code.
 */
import { parseArgs } from 'node:util';
import { AppError, describeError } from '../domain/errors.js';
import { runClassify } from './classify.js';
import { runEval } from './eval.js';
import { runFit } from './fit.js';
import { VIEWS, type View } from '../eval/views.js';
import { runRun } from './run.js';
import { runDemo } from './demo.js';
import { runRegister } from './register.js';
import { loadEnvFile, type EnvFileReport } from '../config/env-file.js';
import { VERSION } from '../config/version.js';
import { runStory, STORY_HELP } from './story.js';

const HELP = `storywatch: watch news feeds for new developments of a tracked story

Usage: storywatch <command> [options]

Commands:
  run        poll the configured feeds, analyse new items, post alerts (what npm start runs)
  demo       start a local fixture feed server and run against it: alerts within seconds
  classify   read JSONL articles, write one decision line per article
  eval       score classify on labelled streams (3 feed shapes, leave-one-story-out) beside keyword and first-story baselines
  story      new: draft a story from seed links or files; check: what its groups match
  fit        fit the join-or-open model on the labelled streams (--write to save it)
  register-commands  install the Discord slash commands (guild or global)
  help       show this help (also: storywatch <command> --help)
  --version  print the version

Settings come from the environment and from ./.env (the environment wins); see .env.example.

Run 'storywatch <command> --help' for a command's options.
`;

const COMMAND_HELP: Record<string, string> = {
  story: STORY_HELP,
  classify: `Usage: storywatch classify [--story ID] [--input FILE]

Reads articles as JSON lines {id,title,url,source,publishedAt,content} (stdin by
default), processes them in order against the story's corpus and every earlier
article, and writes one JSON line per article:
  {id, relevant, novel, developmentId, duplicateOf, relevance, novelty, summary, facts, reasons}
A malformed line is reported on stderr with its line number and skipped; the exit
code is 1 if any line failed.

Options:
  --story ID    story under config/stories/, or the path of a story folder
                (eval/acme/story) (default: minerals-deal)
  --input FILE  read from FILE instead of stdin ('-' is stdin)
  --progress    progress lines on stderr every 1,000 articles (default: on a terminal)
`,
  run: `Usage: storywatch run [--once]

Polls the configured feeds, analyses new items against the story and prints alerts
for new developments. Embedded default (no Redis, no chat tokens): in-process
scheduling, state in ./data (kept across restarts: nothing is alerted twice), alerts
on the console. A feed's first poll learns its backlog without alerting.

Options:
  --once   poll every feed once, deliver, and exit (for cron or a quick check)

Settings (environment, then ./.env, then config/default.yaml; full list in .env.example):
  STORYWATCH_CONFIG              config file (default config/default.yaml)
  STORYWATCH_STORY               default story: owns feeds that name no story (default minerals-deal)
  STORYWATCH_STORIES             stories tracked: all, or comma-separated ids
  STORYWATCH_DATA_DIR            state directory (default ./data)
  STORYWATCH_POLL_INTERVAL       seconds between polls (default 300)
  STORYWATCH_FEEDS               comma-separated feed URLs, replacing the config's
  STORYWATCH_ALLOW_PRIVATE_HOSTS IPs/CIDRs exempt from the SSRF guard (tests, local demo)
  STORYWATCH_LOG_LEVEL           debug | info | warn | error
  STORYWATCH_TARGETS             alert targets, comma-separated: console, jsonl:/path,
                                 slack:C0123ABC, discord:123456789012345678
  STORYWATCH_USER_AGENT          user agent for feeds and pages; add a contact
  STORYWATCH_HTTP_PORT           serve /healthz, /readyz, /metrics, /stories on this port
  STORYWATCH_PUBLIC_URL          where people reach that port: alerts link to the story page
  REDIS_URL                      run the BullMQ scale-out runner on this Redis
  SLACK_BOT_TOKEN + SLACK_SIGNING_SECRET (HTTP) or SLACK_APP_TOKEN (Socket Mode),
  DISCORD_TOKEN                  enable the chat platforms (see README)

Exit status of --once: 0 when the poll ran, 1 when every feed failed or state could not be kept.
`,
  demo: `Usage: storywatch demo [--interval-ms N] [--data-dir DIR]

Starts a local fixture feed server with sample coverage of the default story and
runs the real poller against it; one new article appears per interval and new
developments are printed as alerts. Needs no network and leaves nothing behind.

Options:
  --interval-ms N  pause between articles (default 1000)
  --data-dir DIR   keep state in DIR instead of a temporary directory
`,
  'register-commands': `Usage: storywatch register-commands --guild [ID] | --global

Installs /storywatch and /storywatch-config (Manage Server only) for the Discord
application. Say where:
  --guild ID   one server: shows at once (use it while developing). Without ID:
               DISCORD_GUILD_ID.
  --global     every server the bot is in: Discord can take up to an hour to show it.
Reads DISCORD_TOKEN, DISCORD_APPLICATION_ID, and DISCORD_API_URL if set.
`,
  eval: `Usage: storywatch eval [DIR...] [--story ID] [--view full|snippet|headline] [--json] [--progress] [--ablate]

Scores classify on labelled streams in three feed shapes: full text, snippet (first two
sentences) and headline only, beside the keyword-alert and first-story-detection
baselines of ../shared/tools/score.py computed in the same run, with the same figures:
precision, recall, F1, relevance accuracy, key-fact coverage, off-topic, duplicate and
rehash alerts, and development grouping.

Without DIR: every stream under eval/ (a folder with stream.jsonl, labels.json,
eval.json naming its story and keyword regexes, and story/ with its story folder),
each scored twice: with the shipped model, and with a model fitted on the other
stories only (leave one story out). The table at the end gives the held-out F1 per
story and shape and the means: the figure for a story nobody tuned the engine on.

Options:
  --story ID   story to score DIR against (default: eval.json's, else minerals-deal)
  --view V     one shape only (default: all three)
  --json       print the figures as JSON
  --progress   say on stderr what is being fitted and scored
  --no-docs    do not rewrite docs/evaluation.md (a run over every stream in all
               three shapes writes it)
  --ablate     run leave-one-story-out again without the part-of-speech tagger and
               print what it buys in F1 (npm run eval does; twice the time)
`,
  fit: `Usage: storywatch fit [--write]

Fits the join-or-open model (a dozen weights) on every real labelled story under eval/,
after printing each story's F1 under a model fitted without it. Needs two stories or
more. With --write, saves the weights to src/analysis/weights.ts (then npm run build).
`,
};

type Handler = (args: string[]) => Promise<number> | number;

const COMMANDS: Record<string, Handler> = {
  'register-commands': (args) => {
    // `--guild` alone means DISCORD_GUILD_ID: parseArgs cannot take an optional value.
    const bare = args.filter((a) => a !== '--guild');
    const { values } = parseArgs({ args: bare, options: { guild: { type: 'string' }, global: { type: 'boolean', default: false } } });
    const guild = values.guild ?? (bare.length < args.length ? '' : undefined);
    return runRegister({ guild, global: values.global! }, (l) => process.stdout.write(`${l}\n`));
  },
  run: (args) => {
    const { values } = parseArgs({ args, options: { once: { type: 'boolean', default: false } } });
    return runRun({ once: values.once!, envFile });
  },
  demo: (args) => {
    const { values } = parseArgs({ args, options: { 'interval-ms': { type: 'string', default: '1000' }, 'data-dir': { type: 'string' } } });
    const intervalMs = Number(values['interval-ms']);
    if (!Number.isInteger(intervalMs) || intervalMs < 0 || intervalMs > 60_000) {
      throw new AppError(`--interval-ms must be a whole number of milliseconds from 0 to 60000, got "${values['interval-ms']}"`, 'USAGE');
    }
    return runDemo({ intervalMs, dataDir: values['data-dir'] });
  },
  classify: (args) => {
    const { values } = parseArgs({ args, options: { story: { type: 'string', default: 'minerals-deal' }, input: { type: 'string' }, progress: { type: 'boolean' } } });
    return runClassify({ story: values.story!, input: values.input, progress: values.progress }, process.stdout, process.stderr);
  },
  eval: (args) => {
    const { values, positionals } = parseArgs({
      args, allowPositionals: true,
      options: { story: { type: 'string' }, view: { type: 'string' }, json: { type: 'boolean', default: false }, progress: { type: 'boolean', default: false }, 'no-docs': { type: 'boolean', default: false }, ablate: { type: 'boolean', default: false } },
    });
    const view = values.view;
    if (view !== undefined && !(VIEWS as readonly string[]).includes(view)) {
      throw new AppError(`--view must be one of ${VIEWS.join(', ')}, got "${view}"`, 'USAGE');
    }
    return runEval({ dirs: positionals, story: values.story, json: values.json!, progress: values.progress!, docs: !values['no-docs'], ablate: values.ablate!, ...(view ? { views: [view as View] } : {}) }, process.stdout, process.stderr);
  },
  story: (args) => runStory(args, process.stdout),
  fit: (args) => {
    const { values } = parseArgs({ args, options: { write: { type: 'boolean', default: false } } });
    return runFit({ write: values.write! }, process.stdout, process.stderr);
  },
};

/** What ./.env gave this process (for run's start-up log). */
let envFile: EnvFileReport | undefined;

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === '--version' || command === '-v' || command === 'version') {
    process.stdout.write(`storywatch ${VERSION}\n`);
    return 0;
  }
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
    envFile = loadEnvFile();
    return await handler(rest);
  } catch (err) {
    const usage = err instanceof TypeError && 'code' in err && String(err.code).startsWith('ERR_PARSE_ARGS');
    process.stderr.write(`storywatch ${command}: ${describeError(err)}\n`);
    if (usage) process.stderr.write(`  -> run 'storywatch ${command} --help' for its options\n`);
    return usage ? 2 : err instanceof AppError && err.code === 'USAGE' ? 2 : 1;
  }
}
