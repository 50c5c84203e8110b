/**
 * Store ports: everything the pipeline persists. The file store (embedded default)
 * and the Redis store (scale-out) implement the same interfaces and pass one
 * contract suite.
 */
import type { Alert, DecisionSummary } from '../domain/alert.js';
import type { Article } from '../domain/article.js';

export interface FeedState {
  feedId: string;
  url: string;
  finalUrl?: string | undefined;
  etag?: string | undefined;
  lastModified?: string | undefined;
  bodyHash?: string | undefined;
  /** False until the first successful poll has loaded the backlog silently. */
  primed: boolean;
  lastPollAt?: string | undefined;
  lastSuccessAt?: string | undefined;
  consecutiveFailures: number;
  lastError?: string | undefined;
  /** Earliest time of the next poll (backoff, Retry-After). */
  nextPollAt?: string | undefined;
}

export interface ProcessedArticle {
  article: Article;
  feedId: string;
  decision: DecisionSummary;
  processedAt: string;
}

export interface AlertRecord {
  alert: Alert;
  /** Channels the alert goes to, e.g. "console", "discord:123", "slack:C01". */
  targets: string[];
  createdAt: string;
}

export interface StateStore {
  getFeedState(feedId: string): Promise<FeedState | undefined>;
  putFeedState(state: FeedState): Promise<void>;
  /** True once an article id has been recorded (whatever the decision). */
  hasSeen(articleId: string): Promise<boolean>;
  /**
   * Records an analysed article and, if it raised one, its alert, in one step:
   * after a crash either both are there or neither is.
   */
  recordArticle(entry: ProcessedArticle, alert?: AlertRecord): Promise<void>;
  /** Relevant articles in processing order, to rebuild the engine's knowledge. */
  knowledge(): Promise<ProcessedArticle[]>;
  /** Alert/target pairs not yet delivered. */
  pendingDeliveries(): Promise<Array<{ record: AlertRecord; target: string }>>;
  markDelivered(alertId: string, target: string): Promise<void>;
  recentAlerts(limit: number): Promise<AlertRecord[]>;
  close(): Promise<void>;
}
