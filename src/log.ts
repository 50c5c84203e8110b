/**
 * Structured logging to stderr with secret redaction: readable text lines by default,
 * pino JSON lines with `STORYWATCH_LOG_FORMAT=json` (containers, log shippers). stdout
 * stays free for command output and console alerts.
 */
import type { Writable } from 'node:stream';
import { pino } from 'pino';
import { redactUrlsIn } from './domain/redact.js';

export type Level = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

const SECRET_KEY = /token|secret|password|authori[sz]ation|cookie|signing|api[-_]?key/i;
const SECRET_VALUE = /\b(xox[abposr]-[\w-]+|xapp-[\w-]+|[MN][\w-]{23,}\.[\w-]{6}\.[\w-]{27,})\b|(redis(?:s)?:\/\/[^:@/\s]*:)[^@\s]+@/g;

export function redact(value: string): string {
  return redactUrlsIn(value).replace(SECRET_VALUE, (_match, _token, redisPrefix: string | undefined) => (redisPrefix ? `${redisPrefix}***@` : '***'));
}

/**
 * Log text may carry feed text (titles in errors, URLs): control characters are shown
 * escaped, so nothing can rewrite the operator's terminal or forge a log line.
 */
export function escapeControl(value: string): string {
  return value.replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function formatValue(k: string, v: unknown): string {
  if (SECRET_KEY.test(k)) return '***';
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  const clean = redact(s ?? 'undefined');
  return escapeControl(/[\s"=]/.test(clean) ? JSON.stringify(clean) : clean);
}

/** Field values with secrets replaced, for either format. */
function cleanFields(fields: Record<string, unknown> = {}): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined).map(([k, v]) => [
    k, SECRET_KEY.test(k) ? '***' : typeof v === 'string' ? redact(v) : v,
  ]));
}

function createJsonLogger(level: Level, out: Writable): Logger {
  const p = pino({
    level, base: { service: 'storywatch' }, timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  }, out);
  const write = (lvl: Level) => (msg: string, fields?: Record<string, unknown>) => p[lvl](cleanFields(fields), redact(msg));
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
}

export function createLogger(opts: { level?: Level; out?: Writable; clock?: () => Date; format?: 'text' | 'json' } = {}): Logger {
  if (opts.format === 'json') return createJsonLogger(opts.level ?? 'info', opts.out ?? process.stderr);
  const min = ORDER[opts.level ?? 'info'];
  const out = opts.out ?? process.stderr;
  const clock = opts.clock ?? (() => new Date());
  const write = (level: Level, msg: string, fields?: Record<string, unknown>) => {
    if (ORDER[level] < min) return;
    const kv = Object.entries(fields ?? {}).filter(([, v]) => v !== undefined).map(([k, v]) => `${k}=${formatValue(k, v)}`);
    out.write(`${clock().toISOString()} ${level.toUpperCase().padEnd(5)} ${escapeControl(redact(msg))}${kv.length ? ` ${kv.join(' ')}` : ''}\n`);
  };
  return {
    debug: (m, f) => write('debug', m, f),
    info: (m, f) => write('info', m, f),
    warn: (m, f) => write('warn', m, f),
    error: (m, f) => write('error', m, f),
  };
}
