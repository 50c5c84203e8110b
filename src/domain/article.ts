/** The article every runner hands to the analysis engine, whatever its source. */
export interface Article {
  id: string;
  title: string;
  url: string;
  source: string;
  /** ISO 8601 timestamp; may be empty when a feed gives none. */
  publishedAt: string;
  content: string;
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: string };

const FIELDS = ['id', 'title', 'url', 'source', 'publishedAt', 'content'] as const;

/** Validates one untrusted JSON value as an Article, naming the first problem found. */
export function toArticle(raw: unknown): ParseResult<Article> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { ok: false, error: 'expected a JSON object with id, title, url, source, publishedAt, content' };
  }
  const rec = raw as Record<string, unknown>;
  if (typeof rec.id !== 'string' && typeof rec.id !== 'number') {
    return { ok: false, error: 'field "id" is missing or not a string' };
  }
  const out: Record<string, string> = { id: String(rec.id) };
  for (const f of FIELDS.slice(1)) {
    const v = rec[f] ?? '';
    if (typeof v !== 'string') return { ok: false, error: `field "${f}" must be a string, got ${typeof v}` };
    out[f] = v;
  }
  if (!out.id!.trim()) return { ok: false, error: 'field "id" is empty' };
  if (!out.title!.trim() && !out.content!.trim()) {
    return { ok: false, error: 'article has neither "title" nor "content" text' };
  }
  if (out.publishedAt && Number.isNaN(Date.parse(out.publishedAt))) {
    return { ok: false, error: `field "publishedAt" is not a date: ${JSON.stringify(out.publishedAt).slice(0, 60)}` };
  }
  return { ok: true, value: out as unknown as Article };
}

/** Parses one JSONL line into an Article. */
export function parseArticleLine(line: string): ParseResult<Article> {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch (err) {
    return { ok: false, error: `not valid JSON (${(err as Error).message})` };
  }
  return toArticle(raw);
}
