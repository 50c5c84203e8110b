/**
 * A write cut short by the file size limit (RLIMIT_FSIZE, set on a live process with
 * prlimit) must leave no partial record, and after the limit is lifted and the process
 * restarted, nothing is delivered twice (issue 11, item 5).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { createFileStore } from '../../src/store/file/file-store.js';
import { ROOT } from '../helpers/paths.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

/** A child process driving the built file store, one command per stdin line. */
const CHILD = `
import { createFileStore } from ${JSON.stringify(path.join(ROOT, 'dist/store/file/file-store.js'))};
import { createInterface } from 'node:readline';
const store = createFileStore({ dir: process.argv[1], warn: (m) => console.log('warn ' + m) });
const entry = (id) => ({ article: { id, title: 't' + id, url: 'https://x/' + id, source: 's', publishedAt: '', content: 'x'.repeat(300) }, feedId: 'f',
  decision: { relevant: true, novel: true, developmentId: 'dev-' + id, duplicateOf: null, relevance: 1, novelty: 1, summary: '', facts: [], reasons: [] }, processedAt: '' });
const alert = (id) => ({ alert: { id: 'dev-' + id + ':' + id, developmentId: 'dev-' + id, kind: 'development' }, targets: ['console'], createdAt: '' });
for await (const line of createInterface({ input: process.stdin })) {
  const [cmd, id] = line.split(' ');
  try {
    if (cmd === 'record') await store.recordArticle(entry(id), alert(id));
    if (cmd === 'deliver') await store.markDelivered('dev-' + id + ':' + id, 'console');
    if (cmd === 'pending') {
      console.log('pending ' + (await store.pendingDeliveries()).map((p) => p.record.alert.id).join(','));
      continue;
    }
    if (cmd === 'exit') { await store.close(); process.exit(0); }
    console.log('ok ' + line);
  } catch (err) {
    console.log('failed ' + line + ' ' + err.code);
  }
}`;

function child(dir: string) {
  const proc = spawn(process.execPath, ['--input-type=module', '-e', CHILD, dir], { stdio: ['pipe', 'pipe', 'inherit'] });
  cleanups.push(() => proc.kill('SIGKILL'));
  const lines = createInterface({ input: proc.stdout! })[Symbol.asyncIterator]();
  const log: string[] = [];
  const send = async (cmd: string) => {
    proc.stdin!.write(`${cmd}\n`);
    for (;;) {
      const next = await lines.next();
      if (next.done) throw new Error(`child exited during "${cmd}"; it said ${log.join(' | ')}`);
      log.push(next.value);
      if (next.value.startsWith('ok ') || next.value.startsWith('failed ') || next.value.startsWith('pending ')) return next.value;
    }
  };
  const limit = (bytes: number | 'unlimited') => execFileSync('prlimit', ['--pid', String(proc.pid), `--fsize=${bytes}:unlimited`]);
  const exit = async () => {
    proc.stdin!.write('exit\n');
    await new Promise((r) => proc.once('exit', r));
  };
  return { send, limit, exit, log };
}

function wholeLines(file: string): unknown[] {
  const text = readFileSync(file, 'utf8');
  expect(text.endsWith('\n')).toBe(true);
  return text.trimEnd().split('\n').map((l) => JSON.parse(l));
}

describe('file store under the file size limit', () => {
  it('a record cut short is removed at once; once the limit is lifted the retry is one whole line', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sw-torn-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const c = child(dir);
    expect(await c.send('record a1')).toBe('ok record a1');
    const size = statSync(path.join(dir, 'articles.jsonl')).size;
    c.limit(size + 100);
    expect(await c.send('record a2')).toBe('failed record a2 EFBIG');
    // Nothing of the failed record stays behind.
    expect(statSync(path.join(dir, 'articles.jsonl')).size).toBe(size);
    c.limit('unlimited');
    expect(await c.send('record a2')).toBe('ok record a2');
    await c.exit();
    expect(wholeLines(path.join(dir, 'articles.jsonl'))).toHaveLength(2);
    const warnings: string[] = [];
    const reopened = createFileStore({ dir, warn: (m) => warnings.push(m) });
    expect(await reopened.hasSeen('a2')).toBe(true);
    expect(warnings).toEqual([]);
  });

  it('a delivery mark cut short is written whole later, delivery waits meanwhile, and after a restart nothing is posted again', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sw-torn-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const c = child(dir);
    for (const id of ['a1', 'a2', 'a3']) await c.send(`record ${id}`);
    await c.send('deliver a1');
    c.limit(statSync(path.join(dir, 'deliveries.jsonl')).size + 20);
    // The post of a2 happened; its mark cannot be written whole.
    await c.send('deliver a2');
    // Posting a3 now would only post it again after a restart: delivery waits.
    expect(await c.send('pending')).toBe('pending ');
    c.limit('unlimited');
    expect(await c.send('pending')).toBe('pending dev-a3:a3');
    await c.send('deliver a2');
    await c.send('deliver a3');
    await c.exit();
    const marks = wholeLines(path.join(dir, 'deliveries.jsonl')) as Array<{ alertId: string }>;
    expect(marks.map((m) => m.alertId)).toEqual(['dev-a1:a1', 'dev-a2:a2', 'dev-a3:a3']);
    const reopened = createFileStore({ dir, warn: () => {} });
    expect(await reopened.pendingDeliveries()).toEqual([]);
  });

  it('a tail left by a crash mid-write is cut off at start, not sealed into an unreadable line', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sw-torn-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const c = child(dir);
    await c.send('record a1');
    await c.exit();
    const file = path.join(dir, 'articles.jsonl');
    const whole = readFileSync(file);
    // A crash in the middle of the second record's write.
    execFileSync('sh', ['-c', `printf '%s' '{"entry":{"article":{"id":"a2"' >> ${file}`]);
    const warnings: string[] = [];
    const b = createFileStore({ dir, warn: (m) => warnings.push(m) });
    expect(warnings).toEqual([expect.stringMatching(/articles\.jsonl: an incomplete last record \(\d+ bytes, a write cut short\) was removed/)]);
    expect(readFileSync(file)).toEqual(whole);
    expect(await b.hasSeen('a1')).toBe(true);
  });
});
