/** A platform-neutral alert: what every chat adapter renders in its own format. */
import type { Article } from './article.js';

export interface AlertSource {
  name: string;
  url: string;
}

export interface Alert {
  /** Stable id: one alert per development and breaking article. */
  id: string;
  storyId: string;
  storyName: string;
  headline: string;
  whatIsNew: string;
  newFacts: string[];
  sources: AlertSource[];
  link: string;
  developmentId: string;
  /** 0..1: the engine's novelty score. */
  confidence: number;
  /** One line: why this was flagged. */
  reason: string;
  publishedAt: string;
}

export interface DecisionSummary {
  relevant: boolean;
  novel: boolean;
  developmentId: string | null;
  duplicateOf: string | null;
  relevance: number;
  novelty: number;
  summary: string;
  facts: string[];
  reasons: string[];
}

export function buildAlert(story: { id: string; name: string }, article: Article, d: DecisionSummary): Alert {
  const reason = d.reasons.find((r) => r.startsWith('new development:')) ?? d.reasons[0] ?? '';
  return {
    id: `${d.developmentId}:${article.id}`,
    storyId: story.id,
    storyName: story.name,
    headline: article.title || d.summary.slice(0, 120),
    whatIsNew: d.summary,
    newFacts: d.facts,
    sources: [{ name: article.source, url: article.url }],
    link: article.url,
    developmentId: d.developmentId ?? '',
    confidence: d.novelty,
    reason: reason.replace(/^new development:\s*/, ''),
    publishedAt: article.publishedAt,
  };
}
