import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { deliverPending } from '../../../src/pipeline/deliver-alert.js';
import { createSqliteStore } from '../../../src/store/sqlite/sqlite-store.js';
import { createLogger } from '../../../src/log.js';
import type { Alert } from '../../../src/domain/alert.js';
import { RateLimitedDeliveryError, type ChatAdapter } from '../../../src/chat/ports.js';
import type { ProcessedArticle } from '../../../src/store/ports.js';

const dirs: string[] = [];
afterEach(() => {
  while (dirs.length) rmSync(dirs.pop()!, { recursive: true, force: true });
});

const base: Alert = {
  id: 'dev-1:a0', kind: 'development', storyId: 's', storyName: 'n', headline: 'Breaking', whatIsNew: 'w', newFacts: [],
  sources: [{ name: 'First', url: 'https://first.example/0' }], link: '', developmentId: 'dev-1', confidence: 1, reason: '', publishedAt: '',
};
const entry = (id: string): ProcessedArticle => ({
  article: { id, title: id, url: `https://x/${id}`, source: 's', publishedAt: '', content: '' }, feedId: 'f', processedAt: '',
  decision: { relevant: true, novel: false, developmentId: 'dev-1', duplicateOf: null, relevance: 1, novelty: 0, summary: '', facts: [], reasons: [] },
});

describe('deliverPending', () => {
  it('posts a development at once, and merges a burst of its copies into one post listing every source', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sw-deliver-'));
    dirs.push(dir);
    const store = createSqliteStore({ dir, warn: () => {} });
    const posted: Alert[] = [];
    const adapter: ChatAdapter = { name: 'rec', handles: () => true, postAlert: async (_t, a) => (posted.push(a), {}), postNotice: async () => {}, close: async () => {} };
    const deps = { store, adapters: [adapter], log: createLogger({ out: new PassThrough() }), mergeWindowMs: 60_000 };
    await store.recordArticle(entry('a0'), { alert: base, targets: ['slack:C1'], createdAt: '2025-05-01T10:00:00Z' });
    for (const [i, at] of [[1, '10:00:10'], [2, '10:00:20'], [3, '10:00:30']] as const) {
      const copy: Alert = { ...base, id: `dev-1:a${i}`, kind: 'follow-up', headline: `Copy ${i}`, sources: [{ name: `Outlet ${i}`, url: `https://o${i}.example/` }] };
      await store.recordArticle(entry(`a${i}`), { alert: copy, targets: ['slack:C1'], createdAt: `2025-05-01T${at}Z` });
    }
    // 10:01:00: the development goes; the burst waits (its newest copy is 30 s old).
    expect(await deliverPending(deps, new Date('2025-05-01T10:01:00Z'))).toEqual({ delivered: 1, failed: 0 });
    expect(posted.map((a) => a.headline)).toEqual(['Breaking']);
    // 10:02:00: the burst is quiet for a minute: one post, three sources.
    expect(await deliverPending(deps, new Date('2025-05-01T10:02:00Z'))).toEqual({ delivered: 3, failed: 0 });
    expect(posted[1]).toMatchObject({ kind: 'follow-up', headline: '3 more reports', mergedIds: ['dev-1:a1', 'dev-1:a2', 'dev-1:a3'] });
    expect(posted[1]!.sources.map((s) => s.name)).toEqual(['Outlet 1', 'Outlet 2', 'Outlet 3']);
    expect(await store.pendingDeliveries()).toEqual([]);
  });

  it('a 429 backs the channel off for Retry-After and keeps the alert pending: posted once, later', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sw-deliver-'));
    dirs.push(dir);
    const store = createSqliteStore({ dir, warn: () => {} });
    let limited = 1;
    const posted: string[] = [];
    const adapter: ChatAdapter = {
      name: 'rec', handles: () => true, postNotice: async () => {}, close: async () => {},
      postAlert: async (t, a) => {
        if (limited-- > 0) throw new RateLimitedDeliveryError(t, 30_000);
        posted.push(a.id);
        return {};
      },
    };
    const backOffs: Array<[string, number]> = [];
    const pace = { run: <T>(_t: string, fn: () => Promise<T>) => fn(), backOff: (t: string, ms: number) => void backOffs.push([t, ms]) };
    const deps = { store, adapters: [adapter], log: createLogger({ out: new PassThrough() }), mergeWindowMs: 0, pace };
    await store.recordArticle(entry('a0'), { alert: base, targets: ['slack:C1'], createdAt: '2025-05-01T10:00:00Z' });
    expect(await deliverPending(deps)).toEqual({ delivered: 0, failed: 1 });
    expect(backOffs).toEqual([['slack:C1', 30_000]]);
    expect((await store.pendingDeliveries()).map((p) => p.record.alert.id)).toEqual(['dev-1:a0']);
    expect(await deliverPending(deps)).toEqual({ delivered: 1, failed: 0 });
    expect(posted).toEqual(['dev-1:a0']);
    expect(await store.pendingDeliveries()).toEqual([]);
  });
});
