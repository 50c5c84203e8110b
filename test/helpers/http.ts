import http from 'node:http';
import { afterEach } from 'vitest';
import type { AddressInfo } from 'node:net';

/** A loopback HTTP server for one test; handler gets every request. */
export async function serve(handler: http.RequestListener): Promise<{ url: string; port: number; close: () => Promise<void> }> {
  const server = http.createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  };
}

/**
 * Loopback servers for the tests of one file, closed after each test: `serve` starts one,
 * `after` adds any other cleanup (a raw socket server), run newest first.
 */
export function testServers(): { serve: typeof serve; after: (close: () => Promise<void>) => void } {
  const closers: Array<() => Promise<void>> = [];
  afterEach(async () => {
    while (closers.length) await closers.pop()!();
  });
  return {
    serve: async (handler) => {
      const s = await serve(handler);
      closers.push(s.close);
      return s;
    },
    after: (close) => void closers.push(close),
  };
}
