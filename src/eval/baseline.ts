/**
 * The keyword-alert baseline every news monitor starts from: any article that names
 * one of the story's terms is an alert, unless its headline was already alerted.
 */
import type { Article } from '../domain/article.js';
import type { StoryDefinition } from '../domain/story.js';
import type { Prediction } from './score.js';

export function keywordBaseline(story: StoryDefinition, articles: Article[]): Prediction[] {
  const terms = story.groups.flatMap((g) => g.terms).map((t) => t.toLowerCase());
  const seenTitles = new Set<string>();
  return articles.map((a) => {
    const text = `${a.title}\n${a.content}`.toLowerCase();
    const relevant = terms.some((t) => text.includes(t));
    const title = a.title.trim().toLowerCase();
    const novel = relevant && !seenTitles.has(title);
    seenTitles.add(title);
    return { id: a.id, relevant, novel, developmentId: novel ? a.id : null, summary: a.title, facts: [] };
  });
}
