/**
 * One HTTP exchange (no redirects: the fetcher follows them itself, checking each hop),
 * on undici's connection pools. undici costs about what a bare keep-alive `http.get` loop
 * costs per request; node:http with a signal, a lookup and per-request listeners cost
 * 2.5× that (npm run bench, polling rows), and a poll round is mostly 304s.
 *
 * Every connection is opened through the SSRF guard's lookup (checked at connect time),
 * with a connect timeout; the caller's signal carries the whole fetch's deadline.
 */
import { Readable } from 'node:stream';
import { Agent, errors, type Dispatcher } from 'undici';
import { guardedLookup, type SsrfPolicy } from './ssrf.js';

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Readable;
  /** Reads a bodiless or unwanted answer to its end: the connection goes back to the pool. */
  discard(): void;
  /** Drops the answer and its connection (a body that may trickle, or must not be read). */
  destroy(): void;
}

export interface Exchange1 {
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string | undefined;
}

/** Thrown for answers never received: the fetcher words them (see toFetchError there). */
export class TransportError extends Error {
  constructor(message: string, readonly code: string | undefined) {
    super(message);
    this.name = 'TransportError';
  }
}

/**
 * Connection pools, one per SSRF policy and connect timeout (a socket is checked when it
 * connects, so one opened under a laxer policy is never lent to a stricter one), and one set
 * of them per shutdown signal: its abort destroys them, which ends every exchange in flight
 * on them and closes their idle connections at once, with nothing registered per request.
 * Idle connections close after 30 s.
 */
interface Pools {
  byKey: Map<string, Agent>;
  /** The last pool found, by policy object and timeout: the key is not built again per request. */
  policy: SsrfPolicy | undefined;
  timeout: number;
  agent: Agent | undefined;
}
const POOLS = new WeakMap<AbortSignal, Pools>();
function poolsFor(signal: AbortSignal): Pools {
  let pools = POOLS.get(signal);
  if (!pools) {
    const made: Pools = (pools = { byKey: new Map(), policy: undefined, timeout: 0, agent: undefined });
    POOLS.set(signal, made);
    signal.addEventListener('abort', () => {
      for (const agent of made.byKey.values()) agent.destroy(new TransportError('cancelled (shutting down)', 'ABORT_ERR')).catch(() => undefined);
      made.byKey.clear();
      made.agent = made.policy = undefined;
    }, { once: true });
  }
  return pools;
}
function agentFor(policy: SsrfPolicy, connectTimeoutMs: number, signal: AbortSignal): Agent {
  const pools = poolsFor(signal);
  if (pools.agent && pools.policy === policy && pools.timeout === connectTimeoutMs) return pools.agent;
  // Keyed by what the policy allows, not by object: callers may build equal policies per call.
  const key = `${connectTimeoutMs}\n${policy.allow.join('\n')}`;
  let agent = pools.byKey.get(key);
  if (!agent) {
    agent = new Agent({ connections: 64, keepAliveTimeout: 30_000, keepAliveMaxTimeout: 30_000, connect: { lookup: guardedLookup(policy), timeout: connectTimeoutMs } });
    pools.byKey.set(key, agent);
  }
  Object.assign(pools, { policy, timeout: connectTimeoutMs, agent });
  return agent;
}

export interface SendOptions {
  policy: SsrfPolicy;
  connectTimeoutMs: number;
  /**
   * When the headers must have come (the fetch's deadline): undici drops a connection whose
   * headers time out, while an aborted one could stay open as long as its server trickles.
   */
  deadline: number;
  /** Silence allowed between body chunks (the signal bounds the total). */
  idleTimeoutMs: number;
  signal: AbortSignal;
}

/**
 * One exchange through undici's dispatch API, not `request()`: no body stream for a 304 (a
 * poll round is mostly 304s), nothing per request on the shutdown signal (see Pools), headers
 * read only when asked. Handler and answer are class instances: answers as object literals
 * with getters, or a registry of exchanges in flight, made every young-generation GC of a
 * poll round copy far more (4x the GC time of a bare dispatch loop, `node --trace-gc`).
 */
export function send(target: URL, spec: Exchange1, opts: SendOptions): Promise<Answer> {
  return new Promise((resolve, reject) => {
    if (opts.signal.aborted) return reject(new TransportError('cancelled (shutting down)', 'ABORT_ERR'));
    const handler = new Exchange(resolve, reject, target, opts.connectTimeoutMs);
    agentFor(opts.policy, opts.connectTimeoutMs, opts.signal).dispatch({
      origin: target.origin, path: `${target.pathname}${target.search}`, method: spec.method, headers: spec.headers, body: spec.body ?? null,
      headersTimeout: Math.max(1, opts.deadline - Date.now()), bodyTimeout: opts.idleTimeoutMs,
    }, handler);
  });
}

/** A dispatch handler (undici's handler interface) that answers once the headers are in. */
class Exchange implements Dispatcher.DispatchHandler {
  abortFn: ((err?: Error) => void) | undefined;
  resume: (() => void) | undefined;
  body: Readable | undefined;
  done = false;
  dropping = false;
  private answered = false;

  constructor(private readonly resolve: (a: Answer) => void, private readonly reject: (err: Error) => void, private readonly target: URL, private readonly connectTimeoutMs: number) {}

  onConnect(abort: (err?: Error) => void): void {
    this.abortFn = abort;
  }

  onHeaders(status: number, raw: Buffer[], resume: () => void): boolean {
    if (status < 200) return true;
    this.answered = true;
    this.resume = resume;
    // Readers listen for their own errors; one nobody reads (a dropped redirect) may still be
    // aborted by the deadline, and that must not crash the process.
    if (status !== 304) this.body = new Readable({ read: resume }).on('error', () => undefined);
    this.resolve(new Reply(status, raw, this));
    return true;
  }

  onData(chunk: Buffer): boolean {
    if (this.dropping || !this.body) return true;
    return this.body.push(chunk);
  }

  onComplete(): void {
    this.done = true;
    this.body?.push(null);
  }

  onError(err: Error): void {
    this.done = true;
    if (!this.answered) this.reject(asTransportError(err, this.target, this.connectTimeoutMs));
    else this.body?.destroy(err);
  }
}

class Reply implements Answer {
  private parsed: Record<string, string | string[]> | undefined;
  constructor(readonly status: number, private readonly raw: Buffer[], private readonly x: Exchange) {}

  get headers(): Record<string, string | string[]> {
    return (this.parsed ??= headerRecord(this.raw));
  }

  /** A 304 has no body: none is made unless somebody asks. */
  get body(): Readable {
    return this.x.body ?? Readable.from([]);
  }

  discard(): void {
    this.x.dropping = true;
    this.x.resume?.();
  }

  destroy(): void {
    this.x.dropping = true;
    if (!this.x.done) this.x.abortFn?.(new TransportError('answer dropped', 'ABORT_ERR'));
    this.x.body?.destroy();
  }
}

/** Header names lower-cased, repeated ones as arrays, as undici's own parser gives them. */
function headerRecord(raw: Buffer[]): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = Object.create(null);
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!.toString('latin1').toLowerCase();
    const value = raw[i + 1]!.toString('utf8');
    const prev = out[name];
    out[name] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
  }
  return out;
}

function asTransportError(err: Error, target: URL, connectTimeoutMs: number): Error {
  if (err instanceof errors.ConnectTimeoutError) return new TransportError(`connect timeout after ${connectTimeoutMs} ms to ${target.host}`, 'ETIMEDOUT');
  // The guard's refusal and network errors keep their codes; undici's own errors name theirs.
  const cause = (err as { cause?: Error }).cause;
  const inner = cause && (cause as NodeJS.ErrnoException).code ? cause : err;
  return Object.assign(inner, { code: (inner as NodeJS.ErrnoException).code });
}
