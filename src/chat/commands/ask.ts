/**
 * `ask`: answers from what the story knows (seed corpus and every relevant article
 * recorded since), by quoting the sentences that best match the question's rarer
 * words, newest first among equals, each with its source link. No generation: every
 * word of the answer is a quote.
 *
 * Bounded per call: only the newest MAX_ARTICLES relevant articles are searched, they are
 * split into sentences once (kept between calls, topped up from the knowledge log's
 * cursor), and long loops yield to the event loop so other commands and polls go on.
 */
import { contentTerms, splitSentences } from '../../analysis/text.js';
import type { StateStore } from '../../store/ports.js';
import type { CommandDeps } from './handlers.js';

interface Candidate {
  text: string;
  title: string;
  url: string;
  order: number;
  terms: Set<string>;
  /** The feed the article came from ('' for the seed corpus). */
  feedId: string;
}

/** How many of the most recent relevant articles `ask` searches. */
export const MAX_ARTICLES = 2_000;
const YIELD_EVERY = 100;

interface Index {
  cursor: number;
  order: number;
  /** Sentences of the newest relevant articles, oldest first, grouped per article. */
  docs: Candidate[][];
}

const indexes = new WeakMap<StateStore, Promise<Index>>();
const corpusCache = new WeakMap<object, Candidate[]>();
const yieldToLoop = () => new Promise<void>((r) => setImmediate(r));

function sentencesOf(d: { title: string; url: string; content: string; feedId?: string }, order: number): Candidate[] {
  return splitSentences(d.content).map((text) => ({ text, title: d.title, url: d.url, order, terms: new Set(contentTerms(text)), feedId: d.feedId ?? '' }));
}

/** Tops the store's index up with what was recorded since the last call (one call at a time). */
function refresh(store: StateStore): Promise<Index> {
  const previous = indexes.get(store) ?? Promise.resolve({ cursor: 0, order: 1_000_000, docs: [] });
  const next = previous.then(async (ix) => {
    const { entries, cursor } = await store.knowledgeSince(ix.cursor);
    const fresh = entries.filter((e) => e.decision.relevant).slice(-MAX_ARTICLES);
    for (const [i, e] of fresh.entries()) {
      ix.docs.push(sentencesOf({ title: e.article.title, url: e.article.url, content: e.article.content, feedId: e.feedId }, ix.order++));
      if (i % YIELD_EVERY === YIELD_EVERY - 1) await yieldToLoop();
    }
    if (ix.docs.length > MAX_ARTICLES) ix.docs = ix.docs.slice(-MAX_ARTICLES);
    ix.cursor = cursor;
    return ix;
  }, () => ({ cursor: 0, order: 1_000_000, docs: [] }));
  indexes.set(store, next);
  return next;
}

/** `hidden`: feeds private to other channels, whose articles this caller may not be quoted. */
export async function answerQuestion(deps: Pick<CommandDeps, 'store' | 'corpus'>, question: string, hidden: Set<string> = new Set()): Promise<string> {
  const q = [...new Set(contentTerms(question))];
  if (!q.length) return 'That question has no words to search for; ask about people, steps, amounts or dates.';
  let corpus = corpusCache.get(deps.corpus);
  if (!corpus) {
    corpus = deps.corpus.flatMap((d, order) => sentencesOf({ title: d.title || d.content.slice(0, 80), url: d.url, content: d.content }, order));
    corpusCache.set(deps.corpus, corpus);
  }
  const { docs } = await refresh(deps.store);
  const candidates: Candidate[] = [...corpus];
  for (const d of docs) if (!hidden.has(d[0]?.feedId ?? '')) candidates.push(...d);
  const df = new Map<string, number>();
  for (const [i, c] of candidates.entries()) {
    for (const t of q) if (c.terms.has(t)) df.set(t, (df.get(t) ?? 0) + 1);
    if (i % (YIELD_EVERY * 20) === 0) await yieldToLoop();
  }
  const idf = (t: string) => Math.log((candidates.length + 1) / ((df.get(t) ?? 0) + 0.5));
  const scored = candidates
    .map((c) => ({ c, score: q.reduce((a, t) => a + (c.terms.has(t) ? idf(t) : 0), 0) }))
    .filter((x) => x.score > 0)
    .sort((a, b) => b.score - a.score || b.c.order - a.c.order);
  const best = scored[0]?.score ?? 0;
  const picked = scored.filter((x) => x.score >= best * 0.6).slice(0, 3);
  if (!picked.length) return `Nothing storywatch knows about "${question}". Try other words, or \`/storywatch latest\`.`;
  const quotes = picked.map(({ c }) => `> ${c.text}\n— ${c.title}${/^https?:/.test(c.url) ? ` ${c.url}` : ' (seed corpus)'}`);
  return `From what storywatch knows:\n${quotes.join('\n')}`;
}
