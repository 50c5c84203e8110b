/**
 * The BullMQ runner gets the same enrichment step (it lives in pollFeed): a worker process
 * on real Redis polls a Google News feed of headline-only items, decodes the links through
 * the fake decoder, fetches the publisher pages, and its alerts carry the full text, the
 * outlet and the publisher URL.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { TEST_REDIS_URL } from '../helpers/redis.js';
import { countLines, startWorker, waitFor, workerSandbox } from '../helpers/workers.js';
import { fixturePages, googleNewsFeed, googleNewsId, SITE_HOST, startGoogleNews, startPublisher } from '../helpers/news-sites.js';

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

describe('BullMQ runner with enrichment', () => {
  it('alerts from headline-only Google News items carry the full-text summary, outlet and publisher URL', async () => {
    const pages = fixturePages();
    const pub = await startPublisher();
    cleanups.push(pub.close);
    const items = pages.map((p) => ({ key: p.id, title: p.title, outlet: p.outlet, publishedAt: p.publishedAt, target: `${pub.url}/news/${p.id}.html` }));
    let visible = 1;
    const google = await startGoogleNews(() => new Map(items.map((i) => [googleNewsId(i.key), i.target])), () => googleNewsFeed(items.slice(0, visible)));
    cleanups.push(google.close);
    const { prefix, redis, dir, sink } = workerSandbox(cleanups, 'bq-enrich');
    const config = path.join(dir, 'config.yaml');
    writeFileSync(config, JSON.stringify({ story: 'minerals-deal', feeds: [{ id: 'gnews', url: `${google.url}/rss/search?q=minerals` }], enrich: { googleNewsBaseUrl: google.url } }));
    const worker = startWorker({
      REDIS_URL: TEST_REDIS_URL, STORYWATCH_QUEUE_PREFIX: prefix, STORYWATCH_POLL_INTERVAL: '1', STORYWATCH_CONFIG: config,
      STORYWATCH_ALLOW_PRIVATE_HOSTS: SITE_HOST, STORYWATCH_PER_HOST_INTERVAL_MS: '0', STORYWATCH_TARGETS: `jsonl:${sink}`, STORYWATCH_DATA_DIR: dir, STORYWATCH_FEEDS: '',
    });
    cleanups.push(async () => {
      worker.proc.kill('SIGTERM');
      await worker.exited;
    });
    const seen = `${prefix}:minerals-deal:seen`;
    await waitFor('the backlog item to be learned', async () => (await redis.zcard(seen)) === 1, 60_000);
    visible = items.length;
    await waitFor('every item to be analysed', async () => (await redis.zcard(seen)) === items.length, 60_000);
    await waitFor('alerts to be delivered', () => countLines(sink).length >= 3, 30_000);
    const byUrl = new Map(pages.map((p) => [`${pub.url}/news/${p.id}.html`, p]));
    for (const line of countLines(sink)) {
      const { alert } = JSON.parse(line) as { alert: { headline: string; whatIsNew: string; link: string; sources: Array<{ name: string }> } };
      const page = byUrl.get(alert.link);
      expect(page, `${alert.link}\n${worker.output().slice(-1500)}`).toBeDefined();
      expect(alert.headline).toBe(page!.title);
      expect(alert.sources[0]!.name).toBe(page!.outlet);
      expect(page!.paragraphs.some((p) => alert.whatIsNew.includes(p.slice(0, 60)))).toBe(true);
    }
    expect(google.decoded).toHaveLength(items.length - 1);
  });
});
