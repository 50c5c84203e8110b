/**
 * The health server against idle and slow sockets on loopback: connections are capped,
 * idle ones are closed after a short timeout, and it still answers afterwards.
 */
import { afterEach, describe, expect, it } from 'vitest';
import net from 'node:net';
import { startOpsServer, type OpsServer } from '../../src/observability/http.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { loadConfig } from '../../src/config/app-config.js';
import { waitFor } from '../helpers/workers.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

function openIdle(port: number): Promise<{ sock: net.Socket; closed: () => boolean }> {
  return new Promise((resolve, reject) => {
    let closed = false;
    const sock = net.connect(port, '127.0.0.1', () => resolve({ sock, closed: () => closed }));
    // Read what the server sends: it may answer "408 Request Timeout" before closing, and a
    // socket that leaves those bytes unread never sees the end of the stream, so never 'close'.
    sock.resume();
    sock.on('close', () => (closed = true));
    sock.on('error', () => {});
    sock.once('error', reject);
  });
}

describe('ops server limits', () => {
  it('binds to loopback unless configured', () => {
    const cfg = loadConfig({ STORYWATCH_HTTP_PORT: '9464' }, process.cwd());
    expect(cfg.http).toEqual({ port: 9464, host: '127.0.0.1' });
  });

  it('caps connections, closes idle and trickling sockets quickly, and keeps answering', async () => {
    const ops: OpsServer = await startOpsServer({ port: 0, metrics: createMetrics(), checks: [], limits: { maxConnections: 8, idleTimeoutMs: 500, headersTimeoutMs: 500 } });
    cleanups.push(() => ops.close());
    const socks = await Promise.all(Array.from({ length: 20 }, () => openIdle(ops.port)));
    cleanups.push(() => socks.forEach((s) => s.sock.destroy()));
    // A slowloris: headers a byte at a time.
    const slow = await openIdle(ops.port);
    slow.sock.write('GET /healthz HTTP/1.1\r\n');
    const drip = setInterval(() => !slow.closed() && slow.sock.write('X'), 100);
    cleanups.push(() => clearInterval(drip));
    // Over the cap: dropped at once; under it: closed when idle. The limits are half a second;
    // the wait allows for a machine busy with other test files, and a miss says what stayed open.
    await waitFor('every idle and slow socket to be closed', () => socks.every((s) => s.closed()) && slow.closed(), 20_000).catch((err: Error) => {
      throw new Error(`${err.message}: ${socks.filter((s) => !s.closed()).length} of 20 idle sockets and ${slow.closed() ? 'not ' : ''}the slow one still open`);
    });
    const res = await fetch(`http://127.0.0.1:${ops.port}/healthz`);
    expect(await res.json()).toEqual({ status: 'ok' });
  });
});
