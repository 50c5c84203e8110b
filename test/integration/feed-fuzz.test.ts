/**
 * Hundreds of malformed feeds, served for real over loopback and taken through the
 * real fetch + parse path: each must fail alone with a clear, per-feed error (or
 * parse, where what survives is still a valid feed), and nothing may crash.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import zlib from 'node:zlib';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { DEFAULT_FETCH_OPTIONS, fetchFeed } from '../../src/feeds/fetcher.js';
import { parseFeed } from '../../src/feeds/parser.js';
import { renderRss } from '../../src/demo/fixture-server.js';
import { pollFeed, type PollDeps } from '../../src/pipeline/poll-feed.js';
import { createSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { createLogger } from '../../src/log.js';
import { generateStream } from '../../src/bench/generate.js';
import { serve } from '../helpers/http.js';

type Case = { name: string; kind: string; handle: (req: IncomingMessage, res: ServerResponse) => void };

function rng(seed: number) {
  let s = seed;
  return () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32);
}

const valid = renderRss('Fuzz wire', 'https://fuzz.example/', generateStream(6, 3));

function cases(): Case[] {
  const r = rng(99);
  const out: Case[] = [];
  const send = (body: string | Buffer, headers: Record<string, string> = {}, status = 200) =>
    (_req: IncomingMessage, res: ServerResponse) => res.writeHead(status, { 'content-type': 'application/rss+xml', ...headers }).end(body);
  for (let i = 0; i < 100; i++) out.push({ name: `truncated-${i}`, kind: 'truncated', handle: send(valid.slice(0, Math.floor(r() * valid.length))) });
  for (let i = 0; i < 50; i++) out.push({ name: `random-${i}`, kind: 'random bytes', handle: send(Buffer.from(Array.from({ length: 1 + Math.floor(r() * 4000) }, () => Math.floor(r() * 256)))) });
  for (let i = 0; i < 20; i++) out.push({ name: `charset-${i}`, kind: 'wrong charset', handle: send(valid.replace('UTF-8', ['windows-1251', 'utf-16', 'x-no-such-charset', 'iso-8859-1'][i % 4]!), { 'content-type': `text/xml; charset=${['utf-16le', 'koi8-r', 'bogus'][i % 3]}` }) });
  for (let i = 0; i < 10; i++) out.push({ name: `huge-${i}`, kind: 'huge', handle: send(`<?xml version="1.0"?><rss><channel><title>${'x'.repeat(70_000 + i)}</title></channel></rss>`) });
  for (let i = 0; i < 10; i++) out.push({ name: `gzip-bomb-${i}`, kind: 'huge', handle: send(zlib.gzipSync(Buffer.alloc(2_000_000, 'a')), { 'content-encoding': 'gzip' }) });
  for (let i = 0; i < 5; i++) out.push({ name: `slow-${i}`, kind: 'slow', handle: (_q, res) => { res.writeHead(200); res.write('<?xml version="1.0"?><rss>'); } });
  for (let i = 0; i < 5; i++) out.push({ name: `hang-${i}`, kind: 'slow', handle: () => {} });
  for (let i = 0; i < 10; i++) out.push({ name: `loop-${i}`, kind: 'redirect loop', handle: (req, res) => res.writeHead(302, { location: req.url! }).end() });
  for (let i = 0; i < 5; i++) out.push({ name: `redirect-private-${i}`, kind: 'redirect to private', handle: (_q, res) => res.writeHead(301, { location: `http://10.0.0.${i + 1}/feed` }).end() });
  const nonXml = ['', '{"items": []}', '<!doctype html><html><body>Login</body></html>', 'Service temporarily unavailable', '   ', '<rss', 'null'];
  for (let i = 0; i < 35; i++) out.push({ name: `non-xml-${i}`, kind: 'non-XML', handle: send(nonXml[i % nonXml.length]!) });
  for (let i = 0; i < 10; i++) out.push({ name: `entities-${i}`, kind: 'XML entities', handle: send(`<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "${'a'.repeat(10)}"><!ENTITY b "&a;&a;&a;&a;">]><rss><channel><title>&b;</title></channel></rss>`) });
  for (let i = 0; i < 10; i++) out.push({ name: `fake-gzip-${i}`, kind: 'bad encoding', handle: send(valid, { 'content-encoding': ['gzip', 'br', 'deflate'][i % 3]! }) });
  for (let i = 0; i < 20; i++) out.push({ name: `status-${i}`, kind: 'HTTP error', handle: send('nope', {}, [500, 502, 503, 404, 410, 401, 403, 429, 418, 400][i % 10]!) });
  for (let i = 0; i < 10; i++) out.push({ name: `empty-channel-${i}`, kind: 'empty but valid', handle: send('<?xml version="1.0"?><rss version="2.0"><channel><title>t</title></channel></rss>') });
  return out;
}

const KNOWN_ERRORS = /HTTP \d{3}|not an RSS\/Atom document|invalid feed XML|exceeds the \d+-byte cap|no response within|body not complete|more than \d+ redirects|refused 10\.0\.0\.\d|declares XML entities|cannot read body|connection aborted/;

describe('feed robustness (fuzz)', () => {
  const all = cases();
  let base = '';
  let close = async () => {};
  let dir = '';
  beforeAll(async () => {
    const byName = new Map(all.map((c) => [c.name, c]));
    const s = await serve((req, res) => {
      const name = req.url!.split('/')[1]!.split('?')[0]!;
      const c = byName.get(name);
      if (name === 'good') return res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(valid);
      if (!c) return res.writeHead(404).end();
      c.handle(req, res);
    });
    base = s.url;
    close = s.close;
    dir = mkdtempSync(path.join(tmpdir(), 'sw-fuzz-'));
  });
  afterAll(async () => {
    await close();
    rmSync(dir, { recursive: true, force: true });
  });

  it(`${all.length} malformed feeds each fail alone with a clear error; nothing crashes`, async () => {
    const store = createSqliteStore({ dir, warn: () => {} });
    const opts = { ...DEFAULT_FETCH_OPTIONS, policy: { allow: ['127.0.0.1'] }, totalTimeoutMs: 400, connectTimeoutMs: 300, maxBytes: 64 * 1024 };
    const deps: PollDeps = {
      store, log: createLogger({ out: new PassThrough() }), now: () => new Date(), intervalMs: 60_000,
      fetch: (url, prev) => fetchFeed(url, prev, opts), parse: (xml, url, identity) => parseFeed(xml, url, undefined, identity),
    };
    const tally: Record<string, Record<string, number>> = {};
    const unclear: string[] = [];
    const queue = [...all];
    await Promise.all(Array.from({ length: 16 }, async () => {
      for (let c = queue.shift(); c; c = queue.shift()) {
        const outcome = await pollFeed(deps, { id: c.name, url: `${base}/${c.name}` });
        const t = (tally[c.kind] ??= {});
        t[outcome.status] = (t[outcome.status] ?? 0) + 1;
        if (outcome.status === 'failed' && !KNOWN_ERRORS.test(outcome.error ?? '')) unclear.push(`${c.name}: ${outcome.error}`);
        if (outcome.status === 'new') expect(outcome.articles.every((a) => typeof a.content === 'string' && a.id)).toBe(true);
      }
    }));
    console.log(`figures: fuzz outcomes by kind ${JSON.stringify(tally)}`);
    expect(unclear).toEqual([]);
    for (const kind of ['random bytes', 'huge', 'slow', 'redirect loop', 'redirect to private', 'non-XML', 'XML entities', 'HTTP error']) {
      expect(Object.keys(tally[kind]!), kind).toEqual(['failed']);
    }
    expect(tally['empty but valid']).toEqual({ new: 10 });
    // The process is healthy: a good feed still polls.
    const good = await pollFeed(deps, { id: 'good', url: `${base}/good` });
    expect(good).toMatchObject({ status: 'new' });
    expect(good.articles).toHaveLength(6);
  }, 120_000);

  it('decodes a feed in a legacy charset declared by the server', async () => {
    const cyr = '<?xml version="1.0" encoding="windows-1251"?><rss version="2.0"><channel><title>Київ</title><item><title>Рада ратифікувала угоду</title><guid>1</guid><description>Текст.</description></item></channel></rss>';
    const bytes = Buffer.from(new Uint8Array([...cyr].map((ch) => {
      const code = ch.charCodeAt(0);
      if (code < 128) return code;
      // windows-1251: А..я are 0xC0..0xFF; і/ї/є and capitals sit elsewhere.
      const special: Record<string, number> = { 'і': 0xb3, 'ї': 0xbf, 'є': 0xba, 'І': 0xb2, 'Ї': 0xaf, 'Є': 0xaa };
      return special[ch] ?? code - 0x410 + 0xc0;
    })));
    const s = await serve((_q, res) => res.writeHead(200, { 'content-type': 'text/xml' }).end(bytes));
    try {
      const r = await fetchFeed(`${s.url}/`, {}, { ...DEFAULT_FETCH_OPTIONS, policy: { allow: ['127.0.0.1'] } });
      expect(r.kind).toBe('ok');
      const feed = await parseFeed(r.kind === 'ok' ? r.body : '', `${s.url}/`);
      expect(feed.title).toBe('Київ');
      expect(feed.articles[0]!.title).toBe('Рада ратифікувала угоду');
    } finally {
      await s.close();
    }
  });
});
