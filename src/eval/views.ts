/**
 * The three shapes real feeds deliver, exactly as ../shared/tools/score.py makes them:
 * `full` text, a `snippet` (the first two sentences, as a publisher's RSS description),
 * and `headline` only ("<title>  <source>", as a Google News item carries).
 */
import type { Article } from '../domain/article.js';

export const VIEWS = ['full', 'snippet', 'headline'] as const;
export type View = (typeof VIEWS)[number];

export function shape(article: Article, view: View): Article {
  if (view === 'headline') return { ...article, content: `${article.title}\u00a0\u00a0${article.source}` };
  if (view === 'snippet') return { ...article, content: article.content.split(/(?<=[.!?])\s+/).slice(0, 2).join(' ') };
  return article;
}
