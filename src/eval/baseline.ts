/**
 * The baselines ../shared/tools/score.py runs beside the project, ported line for line
 * so both print the same figures:
 * - keyword: alert on every article whose text hits the story keywords, dedup by URL
 *   (what a keyword alert service or an RSS filter bot does);
 * - fsd: classic first-story detection (TDT): tf-idf cosine of headline + first sentence
 *   against every earlier relevant article and the seeds; novel below 0.25.
 */
import type { Article } from '../domain/article.js';
import type { Prediction } from './score.js';

export const DEFAULT_KW = String.raw`\b(mineral|rare earth|critical minerals|resources? (deal|agreement|pact))`;
export const DEFAULT_KW2 = String.raw`\b(ukrain|kyiv|zelensk)`;

export interface Keywords {
  kw: string;
  kw2: string;
}

function hits(a: Article, k: Keywords): boolean {
  const text = `${a.title} ${a.content}`;
  return new RegExp(k.kw, 'i').test(text) && new RegExp(k.kw2, 'i').test(text);
}

export function keywordBaseline(articles: Article[], k: Keywords): Prediction[] {
  const seen = new Set<string>();
  return articles.map((a) => {
    const hit = hits(a, k);
    const novel = hit && !seen.has(a.url);
    seen.add(a.url);
    return { id: a.id, relevant: hit, novel, summary: a.content.slice(0, 300), facts: [] };
  });
}

const FSD_STOP = new Set(
  ('the a an of to in and or for on with by at from as is was were be been has have had that this it its their ' +
    'his her will would could said says say after before over into than but not no more most also about which who ' +
    'whom what when where while').split(' '),
);

function fsdTokens(t: string): string[] {
  return (t.toLowerCase().match(/[a-z0-9$]+/g) ?? []).filter((w) => !FSD_STOP.has(w) && w.length > 1).map((w) => w.replace(/(ing|ed|es|s)$/, ''));
}

function fsdLede(title: string, content: string): string {
  return `${title} ${content.trim().split(/(?<=[.!?])\s+/)[0] ?? ''}`;
}

/** @param seeds the seed corpus files' texts, in file-name order. */
export function fsdBaseline(articles: Article[], seeds: string[], k: Keywords, threshold = 0.25): Prediction[] {
  const docs: string[][] = [];
  const df = new Map<string, number>();
  const add = (tt: string[]) => {
    for (const t of new Set(tt)) df.set(t, (df.get(t) ?? 0) + 1);
    docs.push(tt);
  };
  const vec = (tt: string[]) => {
    const c = new Map<string, number>();
    for (const t of tt) c.set(t, (c.get(t) ?? 0) + 1);
    const v = new Map<string, number>();
    for (const [t, n] of c) v.set(t, (1 + Math.log(n)) * Math.log((docs.length + 2) / ((df.get(t) ?? 0) + 1)));
    const norm = Math.sqrt([...v.values()].reduce((a, x) => a + x * x, 0)) || 1;
    for (const [t, x] of v) v.set(t, x / norm);
    return v;
  };
  for (const text of seeds) {
    // Python's splitlines(), as the shared scorer reads the seeds.
    const lines = text.split(/\r\n|[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]/).filter((l) => l.trim());
    if (lines.length) add(fsdTokens(fsdLede(lines[0]!, lines.slice(1).join(' '))));
  }
  return articles.map((a) => {
    const rel = hits(a, k);
    const tt = fsdTokens(fsdLede(a.title, a.content));
    let best = 0;
    if (rel) {
      const v = vec(tt);
      for (const d of docs) {
        const w = vec(d);
        let dot = 0;
        for (const [t, x] of v) dot += x * (w.get(t) ?? 0);
        best = Math.max(best, dot);
      }
      add(tt);
    }
    return { id: a.id, relevant: rel, novel: rel && best < threshold, summary: fsdLede(a.title, a.content), facts: [] };
  });
}
