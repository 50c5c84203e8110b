/**
 * Per-audience delivery (issue 22, item 1) at the post: a follow-up of a development a
 * channel was never sent goes there as the development (with its notify mention); one
 * whose development's own alert is still pending there waits for it (BullMQ delivers the
 * two from separate jobs), then goes into the thread. Real SQLite stores.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { postBatch } from '../../../src/pipeline/deliver-alert.js';
import { channelGate } from '../../../src/pipeline/channel-policy.js';
import { createSqliteStore } from '../../../src/store/sqlite/sqlite-store.js';
import { createSqliteChannelStore } from '../../../src/store/sqlite/channel-store.js';
import { createLogger } from '../../../src/log.js';
import type { Alert } from '../../../src/domain/alert.js';
import type { ChatAdapter, PostExtras } from '../../../src/chat/ports.js';
import type { ProcessedArticle } from '../../../src/store/ports.js';
import { sampleAlert } from '../../helpers/alerts.js';

const dirs: string[] = [];
afterEach(() => {
  while (dirs.length) rmSync(dirs.pop()!, { recursive: true, force: true });
});

const entry = (id: string): ProcessedArticle => ({
  article: { id, title: id, url: `https://x/${id}`, source: 's', publishedAt: '', content: '' }, feedId: 'f', processedAt: '2026-12-01T10:00:00Z',
  decision: { relevant: true, novel: false, developmentId: 'dev-1', duplicateOf: null, relevance: 1, novelty: 0, summary: '', facts: [], reasons: [] },
});

describe('postBatch: what a channel knows', () => {
  it('a follow-up waits for its development\'s pending alert there, goes into its thread after it, and opens it where it was never sent', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sw-deliver-aud-'));
    dirs.push(dir);
    const store = createSqliteStore({ dir, warn: () => {} });
    const channels = createSqliteChannelStore({ dir, warn: () => {} });
    await channels.putChannel({ channel: 'slack:C2', watch: [], feeds: [], notify: { mention: { kind: 'usergroup', id: 'S1' }, minConfidence: 0.5 } });
    const posted: Array<{ target: string; alert: Alert; extras?: PostExtras | undefined }> = [];
    const adapter: ChatAdapter = { name: 'rec', handles: () => true, postAlert: async (target, alert, extras) => (posted.push({ target, alert, extras }), {}), postNotice: async () => {}, close: async () => {} };
    const deps = { store, log: createLogger({ out: new PassThrough() }), gate: channelGate(channels, 'minerals-deal', () => new Date('2026-12-01T12:00:00Z')) };
    const opener = sampleAlert({ id: 'dev-1:a0', kind: 'development' });
    const followUp: Alert = { ...opener, id: 'dev-1:a1', kind: 'follow-up', headline: 'Second report', reason: 'follow-up of this development', sources: [{ name: 'Other', url: 'https://o.example/1' }] };
    await store.recordArticle(entry('a0'), { alert: opener, targets: ['slack:C1'], createdAt: '2026-12-01T10:00:00Z' });
    await store.recordArticle(entry('a1'), { alert: followUp, targets: ['slack:C1', 'slack:C2'], createdAt: '2026-12-01T10:01:00Z' });
    const rec = async (id: string) => (await store.getAlert(id))!;
    // C1's development alert is still pending: its follow-up waits, nothing posted.
    expect((await postBatch(deps, adapter, 'slack:C1', [await rec('dev-1:a1')])).ok).toBe(false);
    expect(posted).toEqual([]);
    expect((await postBatch(deps, adapter, 'slack:C1', [await rec('dev-1:a0')])).ok).toBe(true);
    expect((await postBatch(deps, adapter, 'slack:C1', [await rec('dev-1:a1')])).ok).toBe(true);
    expect(posted.map((p) => [p.target, p.alert.kind])).toEqual([['slack:C1', 'development'], ['slack:C1', 'follow-up']]);
    // C2 was never sent dev-1: the follow-up is its development, with its mention.
    expect((await postBatch(deps, adapter, 'slack:C2', [await rec('dev-1:a1')])).ok).toBe(true);
    expect(posted[2]).toMatchObject({ target: 'slack:C2', alert: { kind: 'development', headline: 'Second report', reason: 'first report of this development here' }, extras: { mention: { id: 'S1' } } });
    expect(await channels.wasSent('slack:C2', 'dev-1')).toBe(true);
    expect(await store.pendingDeliveries()).toEqual([]);
  });
});
