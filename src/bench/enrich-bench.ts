/**
 * Enrichment benchmark (part of `npm run bench`): publisher pages fetched and extracted
 * per second (the enricher: robots.txt check, guarded fetch, HTML-only check, Readability
 * on linkedom), beside the raw fetch rate of the same pages with a plain keep-alive HTTP
 * loop against the same local server, in the same run. The ratio says what extraction
 * costs beyond moving the bytes.
 */
import http from 'node:http';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_FETCH_OPTIONS, fetchPage } from '../feeds/fetcher.js';
import { createEnricher, DEFAULT_ENRICH_SETTINGS } from '../feeds/enrich/enricher.js';
import { createRobotsCache } from '../feeds/enrich/robots.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const CONCURRENCY = 16;

async function pool(n: number, fn: (i: number) => Promise<void>): Promise<number> {
  const t0 = performance.now();
  let next = 0;
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (next < n) await fn(next++);
  }));
  return performance.now() - t0;
}

function rawGet(agent: http.Agent, port: number, i: number): Promise<number> {
  return new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path: `/a/${i}.html`, agent }, (res) => {
      let bytes = 0;
      res.on('data', (c: Buffer) => (bytes += c.length));
      res.on('end', () => resolve(bytes));
    }).on('error', reject);
  });
}

export async function enrichBench(n = 2000): Promise<void> {
  const proc = spawn(process.execPath, [path.join(here, 'page-server.js'), String(n)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve) => proc.stdout!.once('data', (d) => resolve(Number(String(d).trim()))));
  try {
    const base = `http://127.0.0.1:${port}`;
    const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
    let bytes = 0;
    const rawMs = await pool(n, async (i) => {
      const got = await rawGet(agent, port, i);
      bytes += got;
    });
    agent.destroy();
    const opts = { ...DEFAULT_FETCH_OPTIONS, policy: { allow: ['127.0.0.1'] } };
    const fetch = (url: string, req: Parameters<typeof fetchPage>[2], lim: { timeoutMs: number; maxBytes: number }) => fetchPage(url, { ...opts, totalTimeoutMs: lim.timeoutMs, maxBytes: lim.maxBytes }, req);
    const robots = createRobotsCache({ userAgent: opts.userAgent, fetchText: async (url) => (await fetch(url, {}, { timeoutMs: 5000, maxBytes: 512 * 1024 })).body });
    const enricher = createEnricher({ fetch, robots, settings: DEFAULT_ENRICH_SETTINGS });
    let extracted = 0;
    const enrichMs = await pool(n, async (i) => {
      const r = await enricher.enrich({ id: String(i), title: '', url: `${base}/a/${i}.html`, source: 'bench', publishedAt: '', content: '' }, 'always');
      if (r.fullText) extracted++;
    });
    if (extracted < n) throw new Error(`only ${extracted} of ${n} pages gave article text`);
    const raw = (n / rawMs) * 1000;
    const rate = (n / enrichMs) * 1000;
    console.log(`\nenrichment: ${n} publisher pages (${(bytes / n / 1024).toFixed(1)} KB each), concurrency ${CONCURRENCY}`);
    console.log(`  raw HTTP loop (same pages):                ${raw.toFixed(0)} pages/s`);
    console.log(`  storywatch enrich (fetch + extraction):    ${rate.toFixed(0)} pages/s = ${(rate / raw).toFixed(2)} × the raw fetch rate`);
  } finally {
    proc.kill();
  }
}
