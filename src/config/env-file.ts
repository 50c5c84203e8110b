/**
 * `.env` in the working directory, read by every command before its settings are: the
 * file `cp .env.example .env` makes is what a person edits. A variable already set in the
 * environment wins (an empty one counts as unset, as in the rest of the configuration).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'dotenv';
import { AppError } from '../domain/errors.js';

export interface EnvFileReport {
  file: string;
  /** Names taken from the file (values are never reported: they hold secrets). */
  applied: string[];
  /** Names the environment already set, so the file's value was not used. */
  overridden: string[];
}

export function loadEnvFile(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): EnvFileReport | undefined {
  // "off": the test suite's children must not pick up a developer's own .env.
  if (env.STORYWATCH_ENV_FILE?.trim() === 'off') return undefined;
  const file = path.resolve(cwd, env.STORYWATCH_ENV_FILE?.trim() || '.env');
  if (!existsSync(file)) {
    if (env.STORYWATCH_ENV_FILE?.trim()) throw new AppError(`STORYWATCH_ENV_FILE names ${file}, which does not exist`, 'CONFIG_INVALID', 'fix the path, or unset it to read ./.env');
    return undefined;
  }
  let values: Record<string, string>;
  try {
    values = parse(readFileSync(file));
  } catch (err) {
    throw new AppError(`cannot read ${file}: ${(err as Error).message}`, 'CONFIG_INVALID', 'fix its permissions, or remove it');
  }
  const report: EnvFileReport = { file, applied: [], overridden: [] };
  for (const [name, value] of Object.entries(values)) {
    if (env[name] !== undefined && env[name]!.trim() !== '') {
      if (value.trim() !== '') report.overridden.push(name);
      continue;
    }
    env[name] = value;
    if (value.trim() !== '') report.applied.push(name);
  }
  return report;
}

/** One line for the start-up log: which file, which names (never values). */
export function describeEnvFile(r: EnvFileReport | undefined): string | undefined {
  if (!r) return undefined;
  const set = r.applied.length ? `${r.applied.length} setting(s) from it: ${r.applied.join(', ')}` : 'no non-empty setting in it';
  const won = r.overridden.length ? `; the environment wins for ${r.overridden.join(', ')}` : '';
  return `read ${r.file}: ${set}${won}`;
}
