/**
 * Everything at once on the BullMQ runner: two worker processes post to a fake Slack
 * that answers storms of 429s and 5xx, five feeds hang, a worker is SIGKILLed and Redis
 * is restarted mid-run. Every alert must reach both targets exactly once.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { startFixtureServer } from '../../src/demo/fixture-server.js';
import { generateStream } from '../../src/bench/generate.js';
import { serve } from '../helpers/http.js';
import { startDedicatedRedis } from '../helpers/redis-server.js';
import { countLines, startWorker, waitFor, type WorkerProc } from '../helpers/workers.js';
import { printTable, rows } from './report.js';

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});
afterAll(() => printTable());

interface SlackFake {
  url: string;
  posted: string[][];
  storm: { rateLimited: number; serverErrors: number };
  close: () => Promise<void>;
}

/** Slack's Web API with a storm: every 4th post gets 429, every 7th a 5xx, for the first 200 posts. */
async function slackFake(): Promise<SlackFake> {
  const posted: string[][] = [];
  const storm = { rateLimited: 0, serverErrors: 0 };
  let n = 0;
  const s = await serve((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      const json = (o: unknown, status = 200, h: Record<string, string> = {}) => res.writeHead(status, { 'content-type': 'application/json', ...h }).end(JSON.stringify(o));
      if (req.url === '/api/auth.test') return json({ ok: true, user_id: 'UBOT', team_id: 'T1', bot_id: 'B1' });
      if (req.url !== '/api/chat.postMessage') return json({ ok: false, error: 'unknown_method' });
      n++;
      if (n <= 200 && n % 4 === 0) {
        storm.rateLimited++;
        return json({ ok: false, error: 'ratelimited' }, 429, { 'retry-after': '1' });
      }
      if (n <= 200 && n % 7 === 0) {
        storm.serverErrors++;
        return json({ ok: false, error: 'internal_error' }, [500, 502, 503][n % 3]!);
      }
      const body = req.headers['content-type']?.includes('json') ? JSON.parse(raw) : Object.fromEntries(new URLSearchParams(raw));
      const meta = typeof body.metadata === 'string' ? JSON.parse(body.metadata) : body.metadata;
      posted.push(meta?.event_payload?.merged_ids ?? []);
      json({ ok: true, channel: body.channel, ts: `1700000000.${String(n).padStart(6, '0')}` });
    });
  });
  return { url: s.url, posted, storm, close: s.close };
}

describe('reliability: storms, kills and restarts together', () => {
  it('no alert is lost or duplicated on either target', async () => {
    const redis = await startDedicatedRedis('storm');
    cleanups.push(() => redis.cleanup());
    const { url, probe, dir } = redis;

    const slack = await slackFake();
    cleanups.push(slack.close);
    const hang = await serve(() => {});
    cleanups.push(hang.close);
    const total = 300;
    const articles = generateStream(total, 21).map((a, i) => ({ ...a, source: `feed${i % 100}` }));
    const feeds = await startFixtureServer(articles, { initiallyVisible: 100 });
    cleanups.push(() => feeds.close());
    const config = path.join(dir, 'storm.yaml');
    writeFileSync(config, 'story: minerals-deal\nfetch:\n  totalTimeoutMs: 1000\n  connectTimeoutMs: 500\n');
    const sink = path.join(dir, 'alerts.jsonl');
    const hanging = Array.from({ length: 5 }, (_, i) => `${hang.url}/hang${i}.xml`);
    const env = {
      REDIS_URL: url, STORYWATCH_CONFIG: config, STORYWATCH_QUEUE_PREFIX: 'storm', STORYWATCH_POLL_INTERVAL: '1',
      STORYWATCH_FEEDS: [...Object.values(feeds.feedUrls), ...hanging].join(','), STORYWATCH_ALLOW_PRIVATE_HOSTS: '127.0.0.1',
      STORYWATCH_PER_HOST_INTERVAL_MS: '0', STORYWATCH_FOLLOWUP_MERGE_SECONDS: '0', STORYWATCH_SWEEP_SECONDS: '2',
      STORYWATCH_TARGETS: `slack:C1,jsonl:${sink}`, STORYWATCH_COMMANDS: 'off', STORYWATCH_LOG_LEVEL: 'warn', STORYWATCH_DATA_DIR: dir,
      SLACK_BOT_TOKEN: 'xoxb-storm-test', SLACK_SIGNING_SECRET: 'storm-secret', SLACK_API_URL: `${slack.url}/api/`,
    };
    const workers: WorkerProc[] = [startWorker(env), startWorker(env)];
    cleanups.push(() => workers.forEach((w) => w.proc.kill('SIGKILL')));
    const seen = () => probe.zcard('storm:minerals-deal:seen');
    await waitFor('the backlog', async () => (await seen()) === 100, 60_000);

    const t0 = performance.now();
    feeds.reveal(200);
    await waitFor('some of the new articles', async () => (await seen()) >= 150, 90_000);
    workers[0]!.proc.kill('SIGKILL');
    await redis.restart();
    workers.push(startWorker(env));
    feeds.reveal(total);
    await waitFor('all articles analysed', async () => (await seen()) === total, 180_000);
    const alerts = await probe.hlen('storm:minerals-deal:alerts');
    await waitFor('every delivery done', async () => (await probe.scard('storm:minerals-deal:pending')) === 0, 180_000);
    const secs = (performance.now() - t0) / 1000;

    const lines = countLines(sink).map((l) => JSON.parse(l) as { alert?: { id: string; mergedIds?: string[] }; notice?: string });
    // Notices (the hanging feeds get paused, and the channels are told) carry no alert.
    const notices = lines.filter((l) => l.notice).length;
    const toFile = lines.flatMap((l) => (l.alert ? l.alert.mergedIds ?? [l.alert.id] : []));
    const toSlack = slack.posted.flat();
    const lost = (alerts - new Set(toFile).size) + (alerts - new Set(toSlack).size);
    const duplicates = (toFile.length - new Set(toFile).size) + (toSlack.length - new Set(toSlack).size);
    rows.push({
      scenario: '2 workers: storms, kill, restart',
      inputs: total + hanging.length,
      faults: `worker SIGKILL; Redis restart; ${slack.storm.rateLimited}×429 and ${slack.storm.serverErrors}×5xx from Slack; ${hanging.length} hanging feeds (${notices} pause notices)`,
      load: `${((total - 100) / secs).toFixed(0)} articles/s, ${alerts} alerts × 2 targets`,
      lost,
      duplicates,
    });
    expect(alerts).toBeGreaterThan(0);
    expect(slack.storm.rateLimited).toBeGreaterThan(0);
    expect(slack.storm.serverErrors).toBeGreaterThan(0);
    expect(lost).toBe(0);
    expect(duplicates).toBe(0);
    const failures = await probe.hgetall('storm:minerals-deal:feeds');
    expect(Object.values(failures).map((v) => JSON.parse(v)).filter((f) => f.url.includes('/hang')).every((f) => f.consecutiveFailures >= 1 && /no response within/.test(f.lastError))).toBe(true);
  });
});
