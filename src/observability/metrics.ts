/**
 * Prometheus metrics (prom-client), one registry per process. The pipeline reports
 * through this small interface; nothing else imports prom-client.
 */
import client from 'prom-client';

export interface Metrics {
  registry: client.Registry;
  /** A feed poll finished: new | not-modified | unchanged | failed | not-due. */
  polled(status: string): void;
  /** An article was analysed: off-topic | relevant | development | follow-up. */
  analysed(outcome: string, seconds: number): void;
  /** A delivery attempt: ok | retry | permanent. */
  delivered(result: string, platform: string): void;
  /** A chat platform answered 429. */
  rateLimited(platform: string): void;
  /** Queue depth is read when /metrics is scraped. */
  setQueueDepth(read: () => Promise<Record<string, number>>): void;
}

export function createMetrics(): Metrics {
  const registry = new client.Registry();
  // prom-client's names already say process_ / nodejs_: storywatch_process_cpu_seconds_total, not storywatch_process_process_….
  client.collectDefaultMetrics({ register: registry, prefix: 'storywatch_' });
  const fetches = new client.Counter({ name: 'storywatch_feed_polls_total', help: 'Feed polls by outcome', labelNames: ['outcome'], registers: [registry] });
  let fetched = 0;
  let notModified = 0;
  new client.Gauge({
    name: 'storywatch_feed_304_ratio', help: 'Share of fetched polls answered 304 Not Modified (since start)', registers: [registry],
    collect() {
      this.set(fetched ? notModified / fetched : 0);
    },
  });
  const analysed = new client.Counter({ name: 'storywatch_articles_analysed_total', help: 'Articles analysed by outcome', labelNames: ['outcome'], registers: [registry] });
  const latency = new client.Histogram({
    name: 'storywatch_analysis_seconds', help: 'Time to analyse one article', registers: [registry],
    buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.5],
  });
  const deliveries = new client.Counter({ name: 'storywatch_deliveries_total', help: 'Delivery attempts by result and platform', labelNames: ['result', 'platform'], registers: [registry] });
  const limited = new client.Counter({ name: 'storywatch_chat_rate_limited_total', help: '429 answers from chat platforms', labelNames: ['platform'], registers: [registry] });
  let readDepth: (() => Promise<Record<string, number>>) | undefined;
  new client.Gauge({
    name: 'storywatch_queue_depth', help: 'Jobs waiting, active or delayed per queue', labelNames: ['queue'], registers: [registry],
    async collect() {
      if (!readDepth) return;
      for (const [queue, n] of Object.entries(await readDepth().catch(() => ({})))) this.set({ queue }, n);
    },
  });
  return {
    registry,
    polled(status) {
      fetches.inc({ outcome: status });
      if (status !== 'not-due' && status !== 'failed') fetched++;
      if (status === 'not-modified') notModified++;
    },
    analysed(outcome, seconds) {
      analysed.inc({ outcome });
      latency.observe(seconds);
    },
    delivered: (result, platform) => deliveries.inc({ result, platform }),
    rateLimited: (platform) => limited.inc({ platform }),
    setQueueDepth(read) {
      readDepth = read;
    },
  };
}

export function platformOf(target: string): string {
  return target.split(':')[0] ?? target;
}
