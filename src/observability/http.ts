/**
 * Operations endpoints: /healthz (the process is alive), /readyz (its dependencies
 * answer: Redis, chat connections) and /metrics (Prometheus text format).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Metrics } from './metrics.js';

export interface ReadinessCheck {
  name: string;
  check: () => Promise<boolean>;
}

export interface OpsServer {
  port: number;
  close(): Promise<void>;
}

/**
 * Probes and scrapers make short requests: a few connections at a time, dropped when idle
 * or slow. Without these limits idle sockets pile up until the process runs out of file
 * descriptors and cannot even write its state.
 */
export const OPS_LIMITS = { maxConnections: 32, headersTimeoutMs: 5_000, requestTimeoutMs: 10_000, idleTimeoutMs: 5_000, keepAliveTimeoutMs: 2_000 };

/** More read-only pages on the same port (the story pages): true when it answered. */
export type ExtraRoutes = (req: http.IncomingMessage, res: http.ServerResponse) => boolean;

export async function startOpsServer(opts: { port: number; host?: string; metrics: Metrics; checks: ReadinessCheck[]; limits?: Partial<typeof OPS_LIMITS>; routes?: ExtraRoutes | undefined }): Promise<OpsServer> {
  const L = { ...OPS_LIMITS, ...opts.limits };
  const server = http.createServer({
    headersTimeout: L.headersTimeoutMs, requestTimeout: L.requestTimeoutMs, keepAliveTimeout: L.keepAliveTimeoutMs,
    // Node checks the header and request timeouts this often (default 30 s).
    connectionsCheckingInterval: Math.min(1000, L.headersTimeoutMs),
  }, (req, res) => {
    const json = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (req.method !== 'GET') return json(405, { error: 'GET only' });
    if (req.url === '/healthz') return json(200, { status: 'ok' });
    if (req.url === '/readyz') {
      void Promise.all(opts.checks.map(async (c) => [c.name, await withTimeout(c.check(), 2000)] as const)).then((results) => {
        const checks = Object.fromEntries(results.map(([n, ok]) => [n, ok ? 'ok' : 'failing']));
        json(results.every(([, ok]) => ok) ? 200 : 503, { status: results.every(([, ok]) => ok) ? 'ready' : 'not ready', checks });
      });
      return;
    }
    if (req.url === '/metrics') {
      void opts.metrics.registry.metrics().then(
        (text) => res.writeHead(200, { 'content-type': opts.metrics.registry.contentType }).end(text),
        (err: Error) => json(500, { error: err.message }),
      );
      return;
    }
    if (opts.routes?.(req, res)) return;
    json(404, { error: 'not found: try /healthz, /readyz, /metrics or /stories' });
  });
  server.maxConnections = L.maxConnections;
  // A socket that sends nothing at all is closed too, not only a slow request.
  server.setTimeout(L.idleTimeoutMs, (socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host ?? '127.0.0.1', () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

async function withTimeout(p: Promise<boolean>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((r) => (timer = setTimeout(() => r(false), ms)));
  try {
    return await Promise.race([p.catch(() => false), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
