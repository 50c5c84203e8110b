/**
 * One HTTP exchange (no redirects: the fetcher follows them itself, checking each hop),
 * on undici's connection pools. undici costs about what a bare keep-alive `http.get` loop
 * costs per request; node:http with a signal, a lookup and per-request listeners cost
 * 2.5× that (npm run bench, polling rows), and a poll round is mostly 304s.
 *
 * Every connection is opened through the SSRF guard's lookup (checked at connect time),
 * with a connect timeout; the caller's signal carries the whole fetch's deadline.
 */
import type { Readable } from 'node:stream';
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
 * Connection pools, one per SSRF policy and connect timeout: a socket is checked when it
 * connects, so one opened under a laxer policy is never lent to a stricter one. Idle
 * connections close after 30 s.
 */
const AGENTS = new Map<string, Agent>();
/** The last pool found per policy object and timeout: the key is not built again per request. */
const BY_POLICY = new WeakMap<SsrfPolicy, { timeout: number; agent: Agent }>();
function agentFor(policy: SsrfPolicy, connectTimeoutMs: number): Agent {
  const known = BY_POLICY.get(policy);
  if (known?.timeout === connectTimeoutMs) return known.agent;
  // Keyed by what the policy allows, not by object: callers may build equal policies per call.
  const key = `${connectTimeoutMs}\n${policy.allow.join('\n')}`;
  let agent = AGENTS.get(key);
  if (!agent) {
    agent = new Agent({ connections: 64, keepAliveTimeout: 30_000, keepAliveMaxTimeout: 30_000, connect: { lookup: guardedLookup(policy), timeout: connectTimeoutMs } });
    AGENTS.set(key, agent);
  }
  BY_POLICY.set(policy, { timeout: connectTimeoutMs, agent });
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

export async function send(target: URL, spec: Exchange1, opts: SendOptions): Promise<Answer> {
  const options: Dispatcher.RequestOptions = {
    origin: target.origin, path: `${target.pathname}${target.search}`, method: spec.method, headers: spec.headers, body: spec.body,
    signal: opts.signal, headersTimeout: Math.max(1, opts.deadline - Date.now()), bodyTimeout: opts.idleTimeoutMs,
  };
  let res: Dispatcher.ResponseData;
  try {
    res = await agentFor(opts.policy, opts.connectTimeoutMs).request(options);
  } catch (err) {
    throw asTransportError(err as Error, target, opts.connectTimeoutMs);
  }
  const body = res.body;
  // Readers listen for their own errors; one nobody reads (a drained 304, a dropped
  // redirect) may still be aborted by the deadline, and that must not crash the process.
  body.on('error', () => undefined);
  return {
    status: res.statusCode,
    headers: res.headers,
    body,
    discard: () => void body.dump().catch(() => undefined),
    destroy: () => void body.destroy(),
  };
}

function asTransportError(err: Error, target: URL, connectTimeoutMs: number): Error {
  if (err instanceof errors.ConnectTimeoutError) return new TransportError(`connect timeout after ${connectTimeoutMs} ms to ${target.host}`, 'ETIMEDOUT');
  // The guard's refusal and network errors keep their codes; undici's own errors name theirs.
  const cause = (err as { cause?: Error }).cause;
  const inner = cause && (cause as NodeJS.ErrnoException).code ? cause : err;
  return Object.assign(inner, { code: (inner as NodeJS.ErrnoException).code });
}
