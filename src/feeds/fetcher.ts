/**
 * Fetches one feed (or one publisher page) the way a polite, hardened client should:
 * conditional GET, manual redirects (each hop re-checked by the SSRF guard), connect and
 * total timeouts, gzip/deflate/br, and a cap on the decompressed body.
 */
import { createHash } from 'node:crypto';
import zlib from 'node:zlib';
import { setMaxListeners } from 'node:events';
import type { Readable } from 'node:stream';
import { checkUrl, type SsrfPolicy } from './ssrf.js';
import { send, type Answer } from './transport.js';

export interface FetchOptions {
  policy: SsrfPolicy;
  connectTimeoutMs: number;
  totalTimeoutMs: number;
  maxBytes: number;
  maxRedirects: number;
  userAgent: string;
  /** Aborts the fetch at once (shutdown); the deadline still applies without it. */
  signal?: AbortSignal | undefined;
}

export const DEFAULT_FETCH_OPTIONS: FetchOptions = {
  policy: { allow: [] },
  connectTimeoutMs: 5_000,
  totalTimeoutMs: 20_000,
  maxBytes: 5 * 1024 * 1024,
  maxRedirects: 5,
  // The configuration sets the real one (with the version and the operator's contact).
  userAgent: 'storywatch (self-hosted news monitor)',
};

export interface Validators {
  etag?: string | undefined;
  lastModified?: string | undefined;
  bodyHash?: string | undefined;
}

/**
 * `finalUrl` is where the answer came from; `movedTo` is where the feed now lives for good:
 * the end of the unbroken run of 301/308 hops from the start (a 302/307 on the way ends it),
 * or undefined when the first hop was not a permanent redirect.
 */
type Fetched = { finalUrl: string; status: number; movedTo?: string | undefined };
export type FetchResult =
  | (Fetched & { kind: 'not-modified' })
  | (Fetched & { kind: 'unchanged'; validators: Validators })
  | (Fetched & { kind: 'ok'; body: string; validators: Validators });

export class FetchError extends Error {
  constructor(message: string, readonly permanent: boolean, readonly retryAfterMs?: number, readonly status?: number) {
    super(message);
    this.name = 'FetchError';
  }
}

/** The fetch was cut short by the shutdown signal: says nothing about the feed. */
export class FetchCancelled extends FetchError {
  constructor(message: string) {
    super(message, false);
    this.name = 'FetchCancelled';
  }
}

const FEED_ACCEPT = 'application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.8, */*;q=0.5';

/** What a request sends besides the defaults: pages and the link decoder need more than a feed GET. */
interface RequestSpec {
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string | undefined;
}

export async function fetchFeed(url: string, prev: Validators, opts: FetchOptions = DEFAULT_FETCH_OPTIONS): Promise<FetchResult> {
  const headers = baseHeaders(opts, FEED_ACCEPT);
  if (prev.etag) headers['if-none-match'] = prev.etag;
  if (prev.lastModified) headers['if-modified-since'] = prev.lastModified;
  const { res, status, finalUrl, movedTo, deadline, signal, why } = await exchange(url, { method: 'GET', headers }, opts);
  // A 304 has no body and is most polls: answered here, without another async step.
  const result = status === 304 ? notModified(res, finalUrl) : await finish(res, status, finalUrl, prev, opts, deadline, signal, why);
  return movedTo ? { ...result, movedTo } : result;
}

export interface PageRequest {
  /** POST with this form body (the link decoder); GET otherwise. */
  form?: string | undefined;
  accept?: string | undefined;
  /** Refuse anything but HTML (checked on the headers, before the body is read). */
  htmlOnly?: boolean | undefined;
}

export interface PageResult {
  finalUrl: string;
  status: number;
  contentType: string;
  body: string;
}

/**
 * One page, not a feed: no validators, any 2xx is read, and with `htmlOnly` a PDF or JSON
 * answer is refused before its body is read. The charset comes from the header, or from
 * the page's own <meta> when the header has none.
 */
export async function fetchPage(url: string, opts: FetchOptions, req: PageRequest = {}): Promise<PageResult> {
  const headers = baseHeaders(opts, req.accept ?? 'text/html, application/xhtml+xml;q=0.9, */*;q=0.1');
  if (req.form !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded;charset=UTF-8';
  const spec: RequestSpec = { method: req.form !== undefined ? 'POST' : 'GET', headers, body: req.form };
  return readPage(await exchange(url, spec, opts), opts, req);
}

async function readPage({ res, status, finalUrl, deadline, signal, why }: Exchange, opts: FetchOptions, req: PageRequest): Promise<PageResult> {
  if (status < 200 || status >= 300) {
    res.destroy();
    throw new FetchError(`HTTP ${status} from ${finalUrl}`, status === 404 || status === 410 || status === 401 || status === 403, parseRetryAfter(res.headers['retry-after']), status);
  }
  const contentType = header(res, 'content-type') ?? '';
  if (req.htmlOnly && contentType && !/^\s*(text\/html|application\/xhtml\+xml)\b/i.test(contentType)) {
    res.destroy();
    throw new FetchError(`not an HTML page (${contentType.slice(0, 60)}) at ${finalUrl}`, true);
  }
  const buf = await readBody(res, opts.maxBytes, deadline, finalUrl, signal, why);
  if (req.htmlOnly && !contentType && !/<(!doctype html|html|body)\b/i.test(buf.subarray(0, 2048).toString('latin1'))) {
    throw new FetchError(`not an HTML page (no content type, no HTML markup) at ${finalUrl}`, true);
  }
  return { finalUrl, status, contentType, body: decodeBody(buf, contentType) };
}

interface Exchange {
  res: Answer;
  status: number;
  finalUrl: string;
  /** See FetchResult: where an unbroken run of 301/308 hops from the start led. */
  movedTo: string | undefined;
  deadline: number;
  signal: AbortSignal;
  why: () => FetchError;
}

/** Never aborts: the signal of a fetch made without a shutdown signal. */
const NEVER = new AbortController().signal;

/**
 * Sends the request and follows redirects (each hop SSRF-checked) up to the first
 * non-redirect answer. One deadline covers the whole exchange, every hop, headers and body:
 * each hop's headers must come before it (see transport.ts; undici times headers to within
 * half a second to a second), the body is timed in readBody. A socket timeout only measures
 * silence, so a server trickling a byte a second would never trip one. No controller or
 * timer per fetch: they were a tenth of a 304's cost.
 */
function exchange(url: string, first: RequestSpec, opts: FetchOptions): Promise<Exchange> {
  const signal = opts.signal ?? NEVER;
  // Every body being read listens to the one shutdown signal: dozens at once is by design.
  if (!RAISED.has(signal)) (RAISED.add(signal), setMaxListeners(0, signal));
  return follow(url, first, opts, Date.now() + opts.totalTimeoutMs, signal);
}
const RAISED = new WeakSet<AbortSignal>();

async function follow(url: string, first: RequestSpec, opts: FetchOptions, deadline: number, signal: AbortSignal): Promise<Exchange> {
  const why = () => (opts.signal?.aborted
    ? new FetchCancelled(`fetch of ${url} cancelled (shutting down)`)
    : new FetchError(`no response within ${opts.totalTimeoutMs} ms from ${url} (headers and body, every redirect)`, false));
  let current = url;
  let movedTo: string | undefined;
  let permanentSoFar = true;
  let spec = first;
  for (let hop = 0; hop <= opts.maxRedirects; hop++) {
    const target = checkedUrl(current, opts.policy);
    const res = await request(target, spec, opts, deadline, signal, why);
    const status = res.status;
    if (status >= 300 && status < 400 && status !== 304) {
      // Not read: a redirect body that trickles would keep the socket busy past the fetch.
      res.destroy();
      const location = header(res, 'location');
      if (!location) throw new FetchError(`HTTP ${status} redirect without a Location header at ${target.href}`, true);
      current = new URL(location, target).href;
      // Only a permanent redirect may move the feed; a temporary one is followed this time only.
      permanentSoFar &&= status === 301 || status === 308;
      if (permanentSoFar) movedTo = current;
      // As browsers do: only 307/308 repeat a POST; the others continue as a GET.
      if (spec.method === 'POST' && status !== 307 && status !== 308) spec = { method: 'GET', headers: baseHeaders(opts, spec.headers.accept ?? '*/*') };
      continue;
    }
    return { res, status, finalUrl: target.href, movedTo, deadline, signal, why };
  }
  throw new FetchError(`more than ${opts.maxRedirects} redirects starting at ${url}`, true);
}

/**
 * A 304 has no body: drained, its keep-alive socket goes back to the pool for the next feed
 * on that host (destroying it cost a new connection per poll).
 */
function notModified(res: Answer, finalUrl: string): FetchResult {
  res.discard();
  return { kind: 'not-modified', finalUrl, status: 304 };
}

async function finish(res: Answer, status: number, finalUrl: string, prev: Validators, opts: FetchOptions, deadline: number, signal: AbortSignal, why: () => FetchError): Promise<FetchResult> {
  if (status < 200 || status >= 300) {
    res.destroy();
    const retryAfterMs = parseRetryAfter(res.headers['retry-after']);
    const permanent = status === 404 || status === 410 || status === 401 || status === 403;
    throw new FetchError(`HTTP ${status} from ${finalUrl}`, permanent, retryAfterMs);
  }
  const body = await readBody(res, opts.maxBytes, deadline, finalUrl, signal, why);
  const bodyHash = createHash('sha256').update(body).digest('hex');
  const validators: Validators = {
    etag: header(res, 'etag'),
    lastModified: header(res, 'last-modified'),
    bodyHash,
  };
  if (prev.bodyHash && prev.bodyHash === bodyHash) return { kind: 'unchanged', finalUrl, status, validators };
  return { kind: 'ok', finalUrl, status, body: decodeBody(body, header(res, 'content-type')), validators };
}

function header(res: Pick<Answer, 'headers'>, name: string): string | undefined {
  const v = res.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

export function parseRetryAfter(v: string | string[] | undefined): number | undefined {
  const raw = Array.isArray(v) ? v[0] : v;
  if (!raw) return undefined;
  if (/^\d+$/.test(raw.trim())) return Number(raw) * 1000;
  const at = Date.parse(raw);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

/**
 * The guard's verdict on a URL does not change between polls (addresses are checked again
 * at every connect): parsed and checked once per URL and policy, not once per poll.
 */
const CHECKED = new WeakMap<SsrfPolicy, Map<string, URL>>();
function checkedUrl(raw: string, policy: SsrfPolicy): URL {
  let byUrl = CHECKED.get(policy);
  if (!byUrl) CHECKED.set(policy, (byUrl = new Map()));
  let url = byUrl.get(raw);
  if (!url) {
    url = checkUrl(raw, policy);
    if (byUrl.size >= 50_000) byUrl.clear();
    byUrl.set(raw, url);
  }
  return url;
}

/** Every request's headers, built once per fetch in one shape (no copy per hop or per poll). */
function baseHeaders(opts: FetchOptions, accept: string): Record<string, string> {
  return { 'user-agent': opts.userAgent, 'accept-encoding': 'gzip, deflate, br', accept };
}

function request(target: URL, spec: RequestSpec, opts: FetchOptions, deadline: number, signal: AbortSignal, why: () => FetchError): Promise<Answer> {
  if (signal.aborted || Date.now() >= deadline) return Promise.reject(why());
  return send(target, spec, { policy: opts.policy, connectTimeoutMs: opts.connectTimeoutMs, deadline, idleTimeoutMs: opts.totalTimeoutMs, signal })
    .catch((err: Error) => {
      throw (signal.aborted || err.name === 'HeadersTimeoutError') && !(err instanceof FetchError) ? why() : toFetchError(err, target);
    });
}

function toFetchError(err: Error, target: URL): FetchError {
  if (err instanceof FetchError) return err;
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ESSRF' || err.name === 'SsrfError') return new FetchError(err.message, true);
  if (err.name === 'TransportError' && code === 'ETIMEDOUT') return new FetchError(err.message, false);
  const meaning = code ? NETWORK_ERRORS[code] : undefined;
  return new FetchError(`${meaning ? `${meaning} (${code})` : `${code ?? err.name}: ${err.message}`} for ${target.host}`, false);
}

const NETWORK_ERRORS: Record<string, string> = {
  ENOTFOUND: 'host name not found: no network, or a typo in the URL',
  EAI_AGAIN: 'DNS lookup failed temporarily',
  ECONNREFUSED: 'connection refused: nothing listens at that address',
  ECONNRESET: 'connection reset by the server',
  ETIMEDOUT: 'connection timed out',
  EHOSTUNREACH: 'host unreachable',
  CERT_HAS_EXPIRED: 'the server\'s TLS certificate has expired',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'the server uses a self-signed TLS certificate',
};

function decompressor(encoding: string | undefined): zlib.Gunzip | zlib.Inflate | zlib.BrotliDecompress | undefined {
  switch ((encoding ?? '').trim().toLowerCase()) {
    case 'gzip':
    case 'x-gzip':
      return zlib.createGunzip();
    case 'deflate':
      return zlib.createInflate();
    case 'br':
      return zlib.createBrotliDecompress();
    default:
      return undefined;
  }
}

/** Reads the (decompressed) body, failing as soon as it exceeds the cap or the deadline. */
function readBody(res: Answer, maxBytes: number, deadline: number, where: string, signal: AbortSignal, why: () => FetchError): Promise<Buffer> {
  const declared = Number(header(res, 'content-length'));
  const dec = decompressor(header(res, 'content-encoding'));
  if (!dec && declared > maxBytes) {
    res.destroy();
    return Promise.reject(new FetchError(`body of ${declared} bytes exceeds the ${maxBytes}-byte cap at ${where}`, false));
  }
  const stream: Readable = dec ? res.body.pipe(dec) : res.body;
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onAbort = () => fail(why());
    let settled = false;
    const fail = (e: FetchError) => {
      // destroy() below emits 'aborted' at once: the first reason is the one reported.
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      reject(e);
      res.destroy();
      stream.destroy();
    };
    const timer = setTimeout(() => fail(new FetchError(`body not complete within the time limit at ${where}`, false)), Math.max(1, deadline - Date.now()));
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    stream.on('data', (c: Buffer) => {
      size += c.length;
      if (size > maxBytes) fail(new FetchError(`body exceeds the ${maxBytes}-byte cap at ${where}`, false));
      else chunks.push(c);
    });
    stream.on('end', () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      resolve(Buffer.concat(chunks));
    });
    stream.on('error', (e) => fail(signal.aborted ? why() : new FetchError(`cannot read body at ${where}: ${e.message}`, false)));
    // Errors of the raw body (a reset connection) when it is piped through a decompressor.
    if (dec) res.body.on('error', (e) => fail(signal.aborted ? why() : new FetchError(`connection aborted while reading ${where}: ${e.message}`, false)));
  });
}

/**
 * Honours the charset from Content-Type, else the XML declaration, else an HTML
 * <meta charset> or http-equiv in the first 2 KB (where the HTML spec says to look); UTF-8 otherwise.
 */
export function decodeBody(buf: Buffer, contentType: string | undefined): string {
  const fromHeader = /charset=["']?([\w-]+)/i.exec(contentType ?? '')?.[1];
  const head = buf.subarray(0, 2048).toString('latin1');
  const fromXml = /^<\?xml[^>]*encoding=["']([\w-]+)["']/i.exec(head.slice(0, 200))?.[1];
  const fromMeta = /<meta\b[^>]*?charset\s*=\s*["']?([\w-]+)/i.exec(head)?.[1];
  const charset = (fromHeader ?? fromXml ?? fromMeta ?? 'utf-8').toLowerCase();
  try {
    return new TextDecoder(charset).decode(buf);
  } catch {
    return new TextDecoder('utf-8').decode(buf);
  }
}
