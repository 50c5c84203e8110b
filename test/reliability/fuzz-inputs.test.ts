/** 1,000 fuzzed feeds through the real fetch + parse path, and 1,000 fuzzed article lines through classify. */
import { afterAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { DEFAULT_FETCH_OPTIONS, fetchFeed } from '../../src/feeds/fetcher.js';
import { parseFeed } from '../../src/feeds/parser.js';
import { renderRss } from '../../src/demo/fixture-server.js';
import { pollFeed, type PollDeps } from '../../src/pipeline/poll-feed.js';
import { createSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { createLogger } from '../../src/log.js';
import { generateStream } from '../../src/bench/generate.js';
import { serve } from '../helpers/http.js';
import { BIN, ROOT } from '../helpers/paths.js';
import { printTable, rows } from './report.js';

afterAll(() => printTable());

function rng(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

/** A valid feed, then one of several mutations: cut, flipped bytes, inserted junk, swapped tags, charset lies. */
function mutatedFeed(r: () => number, i: number): Buffer {
  const xml = renderRss(`feed ${i}`, 'https://f.example/', generateStream(1 + Math.floor(r() * 5), i));
  const b = Buffer.from(xml);
  switch (i % 6) {
    case 0: return b.subarray(0, Math.floor(r() * b.length));
    case 1: { const c = Buffer.from(b); for (let k = 0; k < 1 + r() * 20; k++) c[Math.floor(r() * c.length)] = Math.floor(r() * 256); return c; }
    case 2: { const at = Math.floor(r() * b.length); return Buffer.concat([b.subarray(0, at), Buffer.from('<<<&&&]]></item></channel>'), b.subarray(at)]); }
    case 3: return Buffer.from(xml.replace(/<\/item>/g, () => (r() < 0.5 ? '</itm>' : '</item>')));
    case 4: return Buffer.from(xml.replace('UTF-8', ['utf-16', 'ebcdic', 'koi8-u'][i % 3]!));
    default: return Buffer.from(xml.replace(/<title>/g, '<title><![CDATA[').replace(/<\/title>/g, r() < 0.5 ? ']]></title>' : '</title>'));
  }
}

describe('reliability: fuzzed inputs', () => {
  it('1,000 fuzzed feeds: each fails alone with a clear error or parses; nothing crashes', async () => {
    const r = rng(2026);
    const bodies = Array.from({ length: 1000 }, (_, i) => mutatedFeed(r, i));
    const s = await serve((req, res) => res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(bodies[Number(req.url!.slice(1))]));
    const dir = mkdtempSync(path.join(tmpdir(), 'sw-rel-fuzz-'));
    try {
      const deps: PollDeps = {
        store: createSqliteStore({ dir, warn: () => {} }), log: createLogger({ out: new PassThrough() }), now: () => new Date(), intervalMs: 60_000,
        fetch: (url, prev) => fetchFeed(url, prev, { ...DEFAULT_FETCH_OPTIONS, policy: { allow: ['127.0.0.1'] }, totalTimeoutMs: 2000 }),
        parse: (xml, url, identity) => parseFeed(xml, url, undefined, identity),
      };
      const outcome: Record<string, number> = {};
      const unclear: string[] = [];
      const t0 = performance.now();
      let next = 0;
      await Promise.all(Array.from({ length: 16 }, async () => {
        while (next < bodies.length) {
          const i = next++;
          const o = await pollFeed(deps, { id: `z${i}`, url: `${s.url}/${i}` });
          outcome[o.status] = (outcome[o.status] ?? 0) + 1;
          if (o.status === 'failed' && !/not an RSS\/Atom document|invalid feed XML|declares XML entities/.test(o.error ?? '')) unclear.push(`${i}: ${o.error}`);
        }
      }));
      const secs = (performance.now() - t0) / 1000;
      await deps.store.close();
      expect(unclear).toEqual([]);
      expect((outcome.failed ?? 0) + (outcome.new ?? 0)).toBe(1000);
      rows.push({ scenario: 'fuzzed feeds', inputs: 1000, faults: `${outcome.failed ?? 0} broken feeds failed alone; ${outcome.new ?? 0} still parsed`, load: `${(1000 / secs).toFixed(0)} feeds/s`, lost: 0, duplicates: 0 });
    } finally {
      await s.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('1,000 fuzzed article lines: each bad line reported by number, every good one classified once', async () => {
    const r = rng(7);
    const good = generateStream(400, 9);
    const lines: string[] = [];
    const valid = new Set<string>();
    for (let i = 0; i < 1000; i++) {
      const a = { ...good[i % good.length]!, id: `L${i}` };
      const json = JSON.stringify(a);
      switch (i % 5) {
        case 0: lines.push(json); valid.add(a.id); break;
        case 1: lines.push(json.slice(0, Math.floor(r() * json.length))); break;
        case 2: lines.push(JSON.stringify({ ...a, title: r() < 0.5 ? 42 : null, content: r() < 0.5 ? ['x'] : {} })); break;
        case 3: lines.push(JSON.stringify({ ...a, publishedAt: 'soon-ish' })); break;
        default: lines.push(r() < 0.5 ? JSON.stringify([a]) : Buffer.from(Array.from({ length: 40 }, () => 33 + Math.floor(r() * 90))).toString('latin1'));
      }
    }
    const t0 = performance.now();
    const child = spawn(process.execPath, [BIN, 'classify', '--input', '-'], { cwd: ROOT });
    let out = '';
    let err = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (err += c));
    child.stdin.end(lines.join('\n'));
    const code = await new Promise((res) => child.on('exit', res));
    const secs = (performance.now() - t0) / 1000;
    const ids = out.trim().split('\n').map((l) => JSON.parse(l).id as string);
    const reported = [...err.matchAll(/line (\d+):/g)].map((m) => Number(m[1]));
    expect(code).toBe(1);
    expect(new Set(ids)).toEqual(valid);
    expect(ids).toHaveLength(valid.size);
    expect(reported).toHaveLength(1000 - valid.size);
    expect(reported.every((n) => (n - 1) % 5 !== 0)).toBe(true);
    rows.push({ scenario: 'fuzzed article lines', inputs: 1000, faults: `${reported.length} malformed lines reported by number`, load: `${(1000 / secs).toFixed(0)} lines/s (incl. start-up)`, lost: valid.size - ids.length, duplicates: ids.length - new Set(ids).size });
  });
});
