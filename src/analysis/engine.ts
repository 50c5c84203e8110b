/**
 * The novelty engine: for each article, in time order, against the story's corpus and
 * everything accepted since, decide relevance, copy/rehash vs new development, what is
 * new, and which development it belongs to. Pure: state lives in the knowledge index
 * the engine owns, and nothing here reads or writes outside it.
 */
import type { DecisionSummary } from '../domain/alert.js';
import type { Article } from '../domain/article.js';
import type { CorpusDocument, StoryDefinition } from '../domain/story.js';
import { containment, hamming, shingles, simhash } from './dedup.js';
import { extractFacts, type Fact } from './facts.js';
import { KnowledgeBase } from './knowledge.js';
import { analyzeSentences, decideNovelty, type SentenceAnalysis } from './novelty.js';
import { absentGroups, matchGroups, scoreRelevance } from './relevance.js';
import { summarize } from './summary.js';
import { contentTerms, hash32, splitSentences } from './text.js';

/** The engine's verdict: the public decision fields plus the closest known article. */
export interface Decision extends DecisionSummary {
  id: string;
  /** The known article closest to this one, for explanations and threading. */
  closest: { id: string; title: string; url: string; similarity: number } | null;
}

export interface Engine {
  readonly story: StoryDefinition;
  /** Analyses an article and adds it to what the story knows (if relevant). */
  classify(article: Article): Decision;
  /** Analyses without learning from it (used by `explain`). */
  analyze(article: Article): Decision;
  /** Learns an article already judged (state replay after a restart), without judging it again. */
  remember(article: Article, developmentId: string | null): void;
  /** Number of articles the story knows (corpus + accepted). */
  readonly knownArticles: number;
}

interface Prepared {
  article: Article;
  sentences: Array<{ text: string; terms: string[]; facts: Fact[]; isTitle: boolean }>;
  shingles: Uint32Array;
  simhash: ReturnType<typeof simhash>;
}

export function createEngine(story: StoryDefinition, corpus: CorpusDocument[]): Engine {
  const kb = new KnowledgeBase();
  for (const doc of corpus) learn(kb, prepare(doc), `seed-${doc.id}`, 'corpus');
  return {
    story,
    get knownArticles() {
      return kb.size;
    },
    analyze: (article) => judge(story, kb, prepare(article)).decision,
    remember: (article, developmentId) => learn(kb, prepare(article), developmentId, 'stream'),
    classify(article) {
      const prepared = prepare(article);
      const { decision } = judge(story, kb, prepared);
      if (decision.relevant) learn(kb, prepared, decision.developmentId, 'stream');
      return decision;
    },
  };
}

function prepare(article: Article | CorpusDocument): Prepared {
  const publishedAt = article.publishedAt ? new Date(article.publishedAt) : undefined;
  const body = splitSentences(article.content);
  const title = article.title.trim();
  // Seed files often repeat their headline as the first line of the body.
  const texts = title && body[0]?.trim() !== title ? [title, ...body] : body;
  const sentences = texts.map((text, i) => ({
    text,
    terms: contentTerms(text),
    facts: extractFacts(text, { publishedAt }),
    isTitle: i === 0 && texts[0] === title && title !== '',
  }));
  const sh = shingles(`${article.title}\n${article.content}`);
  return { article: article as Article, sentences, shingles: sh, simhash: simhash(sh) };
}

function learn(kb: KnowledgeBase, p: Prepared, developmentId: string | null, origin: 'corpus' | 'stream'): void {
  kb.add({
    meta: { id: p.article.id, title: p.article.title, url: p.article.url, origin, developmentId },
    sentenceTerms: p.sentences.map((s) => s.terms),
    shingles: p.shingles,
    simhash: p.simhash,
    facts: p.sentences.flatMap((s) => s.facts),
  });
}

function judge(story: StoryDefinition, kb: KnowledgeBase, p: Prepared): { decision: Decision } {
  // Missing two required concepts is off-topic whatever the text resembles: skip the index.
  const groups = matchGroups(story, p.sentences.map((s) => s.text));
  if (absentGroups(groups) >= 2) {
    const quick = scoreRelevance(story, groups, 0);
    return { decision: offTopic(p.article.id, quick.score, quick.reason) };
  }
  const analysis = analyzeSentences(kb, p.sentences, story.novelty);
  const closest = closestArticle(analysis.sentences);
  const relevance = scoreRelevance(story, groups, analysis.contentCoverage);
  const duplicate = findDuplicate(kb, p, closest?.article, story.novelty.duplicateContainment);
  const verdict = decideNovelty(analysis, story.novelty, relevance.relevant, duplicate);
  const closestMeta = closest ? kb.articles[closest.article]! : undefined;
  const reasons = [relevance.reason, ...verdict.reasons];
  if (closestMeta && closest) {
    reasons.push(`closest known article: ${closestMeta.id} "${closestMeta.title}" (${Math.round(closest.similarity * 100)}% overlap)`);
  }
  const novel = verdict.novel;
  const developmentId = !relevance.relevant
    ? null
    : novel
      ? `dev-${hash32(`${story.id}:${p.article.id}`).toString(16).padStart(8, '0')}`
      : (duplicate ? kb.articles[duplicate.article]!.developmentId : closestMeta?.developmentId) ?? null;
  return {
    decision: {
      id: p.article.id,
      relevant: relevance.relevant,
      novel,
      developmentId,
      duplicateOf: relevance.relevant && duplicate ? kb.articles[duplicate.article]!.id : null,
      relevance: relevance.score,
      novelty: relevance.relevant ? verdict.score : 0,
      summary: novel ? summarize(analysis.sentences, story.novelty.novelSentenceCoverage) : '',
      facts: relevance.relevant ? displayFacts(verdict.newFacts) : [],
      reasons,
      closest: closestMeta && closest
        ? { id: closestMeta.id, title: closestMeta.title, url: closestMeta.url, similarity: round(closest.similarity) }
        : null,
    },
  };
}

function offTopic(id: string, relevance: number, reason: string): Decision {
  return {
    id, relevant: false, novel: false, developmentId: null, duplicateOf: null, relevance, novelty: 0,
    summary: '', facts: [], reasons: [reason], closest: null,
  };
}

/** The known article that contains most of this one, summing best matches per sentence. */
function closestArticle(sentences: SentenceAnalysis[]): { article: number; similarity: number } | undefined {
  const perArticle = new Map<number, number>();
  let total = 0;
  for (const s of sentences) {
    total += s.information;
    const bestByArticle = new Map<number, number>();
    for (const m of s.matches) {
      bestByArticle.set(m.article, Math.max(bestByArticle.get(m.article) ?? 0, m.coverage));
    }
    for (const [a, c] of bestByArticle) perArticle.set(a, (perArticle.get(a) ?? 0) + c * s.information);
  }
  let best: { article: number; similarity: number } | undefined;
  for (const [article, sum] of perArticle) {
    const similarity = total ? sum / total : 0;
    // Later articles win ties: they carry the development the story is now in.
    if (!best || similarity > best.similarity || (similarity === best.similarity && article > best.article)) {
      best = { article, similarity };
    }
  }
  return best;
}

export interface DuplicateHit {
  article: number;
  containment: number;
}

function findDuplicate(kb: KnowledgeBase, p: Prepared, closest: number | undefined, threshold: number): DuplicateHit | undefined {
  const candidates = new Set(kb.simhashCandidates(p.simhash).filter((a) => hamming(p.simhash, kb.simhashOf(a)) <= 3));
  if (closest !== undefined) candidates.add(closest);
  let best: DuplicateHit | undefined;
  for (const a of candidates) {
    const c = containment(p.shingles, kb.shinglesOf(a));
    if (c >= threshold && (!best || c > best.containment)) best = { article: a, containment: round(c) };
  }
  return best;
}

/** One line per new fact; a step that repeats its event's words adds nothing to read. */
function displayFacts(facts: Fact[]): string[] {
  const eventTexts = new Set(facts.filter((f) => f.kind === 'event').map((f) => f.text));
  return facts.filter((f) => !(f.kind === 'step' && eventTexts.has(f.text))).map((f) => `${f.kind}: ${f.text}`);
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}
