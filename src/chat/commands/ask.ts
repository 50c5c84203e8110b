/**
 * `ask`: answers from what the story knows (seed corpus and every relevant article
 * recorded since), by quoting the sentences that best match the question's rarer
 * words, newest first among equals, each with its source link. No generation: every
 * word of the answer is a quote.
 */
import { contentTerms, splitSentences } from '../../analysis/text.js';
import type { CommandDeps } from './handlers.js';

interface Candidate {
  text: string;
  title: string;
  url: string;
  order: number;
  terms: Set<string>;
}

export async function answerQuestion(deps: Pick<CommandDeps, 'store' | 'corpus'>, question: string): Promise<string> {
  const q = [...new Set(contentTerms(question))];
  if (!q.length) return 'That question has no words to search for; ask about people, steps, amounts or dates.';
  const docs = [
    ...deps.corpus.map((d) => ({ title: d.title || d.content.slice(0, 80), url: d.url, content: d.content })),
    ...(await deps.store.knowledgeSince(0)).entries.filter((e) => e.decision.relevant).map((e) => ({ title: e.article.title, url: e.article.url, content: e.article.content })),
  ];
  const candidates: Candidate[] = [];
  docs.forEach((d, order) => {
    for (const text of splitSentences(d.content)) candidates.push({ text, title: d.title, url: d.url, order, terms: new Set(contentTerms(text)) });
  });
  const df = new Map<string, number>();
  for (const c of candidates) for (const t of q) if (c.terms.has(t)) df.set(t, (df.get(t) ?? 0) + 1);
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
