/**
 * The preview `feeds add` gives before saving a feed: it is fetched once (through the
 * SSRF guard), parsed, and its newest items judged by the engine without learning them,
 * so the admin sees what storywatch would have said of each. A feed that cannot be
 * fetched or parsed is refused with the reason, and nothing is saved.
 */
import type { Engine } from '../../analysis/engine.js';
import type { Article } from '../../domain/article.js';

export interface FeedPreview {
  title: string;
  articles: Article[];
}

const PREVIEW_ITEMS = 3;

function clip(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}

export function verdictOf(engine: Engine, article: Article): string {
  const d = engine.analyze(article);
  if (!d.relevant) return 'off-topic';
  if (d.novel) return 'new development';
  const dev = d.developmentId ? engine.developments().find((v) => v.id === d.developmentId) : undefined;
  return dev ? `follow-up of "${clip(dev.headline, 80)}"` : 'about the story, not new';
}

export async function previewFeed(deps: { engine: Engine; fetchFeed: (url: string) => Promise<FeedPreview> }, url: string): Promise<{ ok: boolean; text: string }> {
  let feed: FeedPreview;
  try {
    feed = await deps.fetchFeed(url);
  } catch (err) {
    return { ok: false, text: `Refused ${url}: ${clip((err as Error).message, 300)}. Nothing was saved; check the URL is the feed itself (RSS or Atom), not a web page.` };
  }
  const items = feed.articles.slice(0, PREVIEW_ITEMS).map((a) => `• ${clip(a.title || a.url, 160)} (${a.publishedAt.slice(0, 10) || 'undated'}) — ${verdictOf(deps.engine, a)}`);
  const head = `*${clip(feed.title || url, 120)}*: ${feed.articles.length} item${feed.articles.length === 1 ? '' : 's'}.`;
  const body = items.length ? `The latest ${items.length}, and what storywatch would have said of each:\n${items.join('\n')}` : 'No items yet.';
  return { ok: true, text: `${head}\n${body}` };
}
