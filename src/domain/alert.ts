/** A platform-neutral alert: what every chat adapter renders in its own format. */
import type { Article } from './article.js';

export interface AlertSource {
  name: string;
  url: string;
}

export interface Alert {
  /** Stable id: one alert per development and breaking article. */
  id: string;
  /** A new development, or more coverage of one already alerted (posted in its thread). */
  kind?: 'development' | 'follow-up';
  /** Ids of the follow-ups a merged post stands for. */
  mergedIds?: string[] | undefined;
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
  /** The development on the story page (set at delivery when the pages have a public address). */
  page?: string | undefined;
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

/** The article's first sentence, at most 300 characters. */
function lede(content: string): string {
  const first = content.slice(0, 2000).trim().split(/(?<=[.!?])\s+/, 1)[0] ?? '';
  return first.length > 300 ? `${first.slice(0, 299)}…` : first;
}

/** More coverage of an alerted development: goes into that development's thread. */
export function buildFollowUp(original: Alert, article: Article, d: DecisionSummary): Alert {
  return {
    ...original,
    id: `${original.developmentId}:${article.id}`,
    kind: 'follow-up',
    headline: article.title || original.headline,
    // Where it opens the development (a channel not sent it yet), this is what it says.
    whatIsNew: d.summary || lede(article.content),
    newFacts: d.facts,
    sources: [{ name: article.source, url: article.url }],
    link: article.url,
    confidence: d.novelty,
    // Which report it copies is not said: it may be another channel's private one.
    reason: d.duplicateOf ? 'copy of an earlier report' : 'follow-up of this development',
    publishedAt: article.publishedAt,
  };
}

/**
 * Follow-ups posted where their development is not known yet: the first report there
 * opens it, as a new-development alert naming every source of the batch.
 */
export function asNewDevelopment(items: Alert[]): Alert {
  const first = items[0]!;
  const merged = items.length === 1 ? first : mergeFollowUps(items);
  return { ...merged, headline: first.headline, kind: 'development', reason: 'first report of this development here' };
}

/** Several follow-ups of one development merged into one post listing every source. */
export function mergeFollowUps(items: Alert[]): Alert {
  const first = items[0]!;
  const seen = new Set<string>();
  const sources = items.flatMap((a) => a.sources).filter((s) => (seen.has(s.url) ? false : (seen.add(s.url), true)));
  return {
    ...first,
    headline: items.length === 1 ? first.headline : `${items.length} more reports`,
    mergedIds: items.map((a) => a.id),
    sources,
    newFacts: [...new Set(items.flatMap((a) => a.newFacts))],
  };
}
