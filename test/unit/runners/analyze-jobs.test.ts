/** How a poll's new items become analyze jobs (src/runners/bullmq/names.ts). */
import { describe, expect, it } from 'vitest';
import type { Article } from '../../../src/domain/article.js';
import { ANALYZE_BATCH, analyzeItems, analyzeJobId, analyzeJobs, itemFeed } from '../../../src/runners/bullmq/names.js';

const article = (id: string): Article => ({ id, title: `t ${id}`, url: `https://example.test/${id}`, source: 'example.test', publishedAt: '2026-01-01T00:00:00Z', content: `c ${id}` });
const items = (n: number, from = 0) => Array.from({ length: n }, (_, i) => ({ article: article(`a${from + i}`), backlog: i % 2 === 0 }));

describe('analyze jobs', () => {
  it('a single new item keeps the job id and the data older versions gave it', () => {
    const [job, ...rest] = analyzeJobs('feed:1', items(1), 'other-story');
    expect(rest).toEqual([]);
    expect(job!.jobId).toBe(analyzeJobId('feed:1', 'a0', 'other-story'));
    expect(job!.data).toEqual({ feedId: 'feed:1', story: 'other-story', article: article('a0'), backlog: true });
    expect(analyzeItems(job!.data)).toEqual(items(1));
  });

  it('a poll\'s items are one job, in order, with each item\'s backlog flag', () => {
    const jobs = analyzeJobs('f', items(7));
    expect(jobs).toHaveLength(1);
    expect(analyzeItems(jobs[0]!.data)).toEqual(items(7));
    expect(jobs[0]!.data.story).toBeUndefined();
    // No ':' in a BullMQ custom id.
    expect(jobs[0]!.jobId).toMatch(/^[A-Za-z0-9_.-]+$/);
  });

  it('the same items give the same id (a second poll queues no second job); other items another', () => {
    expect(analyzeJobs('f', items(5))[0]!.jobId).toBe(analyzeJobs('f', items(5))[0]!.jobId);
    expect(analyzeJobs('f', items(5))[0]!.jobId).not.toBe(analyzeJobs('f', items(6))[0]!.jobId);
    expect(analyzeJobs('f', items(5), 's')[0]!.jobId).not.toBe(analyzeJobs('f', items(5))[0]!.jobId);
  });

  it(`splits more than ${ANALYZE_BATCH} items into jobs of at most ${ANALYZE_BATCH}, keeping their order`, () => {
    const all = items(2 * ANALYZE_BATCH + 1);
    const jobs = analyzeJobs('f', all);
    expect(jobs.map((j) => analyzeItems(j.data).length)).toEqual([ANALYZE_BATCH, ANALYZE_BATCH, 1]);
    expect(jobs.flatMap((j) => analyzeItems(j.data))).toEqual(all);
  });

  it('a round\'s items of several feeds are one job that names each item\'s feed; one feed\'s batch is named as before', () => {
    const round = items(3).map((it, i) => ({ ...it, feedId: `feed-${i % 2}` }));
    const [job, ...rest] = analyzeJobs('feed-0', round, 's');
    expect(rest).toEqual([]);
    expect(job!.jobId).toMatch(/^s\.s\.round-batch-/);
    expect(analyzeItems(job!.data).map((it) => itemFeed(job!.data, it))).toEqual(['feed-0', 'feed-1', 'feed-0']);
    // The same articles from other feeds are other items: another job.
    expect(analyzeJobs('feed-0', round.map((it) => ({ ...it, feedId: 'feed-9' })), 's')[0]!.jobId).not.toBe(job!.jobId);
    const oneFeed = analyzeJobs('f', items(4).map((it) => ({ ...it, feedId: 'f' })))[0]!;
    expect(oneFeed.jobId).toBe(analyzeJobs('f', items(4))[0]!.jobId);
    expect(analyzeItems(oneFeed.data)).toEqual(items(4));
  });

  it('a job without articles has no items (the processor refuses it)', () => {
    expect(analyzeItems({ feedId: 'f' })).toEqual([]);
  });
});
