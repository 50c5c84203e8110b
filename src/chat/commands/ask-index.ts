/**
 * What `ask` and `timeline` search: every relevant article the story recorded (and the seed
 * corpus) as a report of its development, with its event date, and its sentences in an
 * inverted index (BM25 over the engine's own stems). It is topped up from the knowledge
 * log's cursor, so a call reads only what arrived since the last one; a query reads only
 * the postings of its own words, newest first and capped, so its cost does not grow with
 * the story's history.
 */
import { extractNumberFacts } from '../../analysis/facts.js';
import { readArticle } from '../../analysis/profile.js';
import type { CorpusDocument } from '../../domain/story.js';
import type { ProcessedArticle, StateStore } from '../../store/ports.js';
import { searchKey, searchKeys } from './question.js';

export interface Report {
  /** Position in the index (log order; the seed corpus first). */
  n: number;
  articleId: string;
  headline: string;
  url: string;
  source: string;
  feedId: string;
  /** Publication time (ms, NaN when undated). */
  published: number;
  /** The first calendar day the headline or lede gives, else the publication time. */
  eventTime: number;
  /** The words that gave the event date ("On May 8"), when the text gave one. */
  eventText: string | undefined;
  /** The event date is a calendar date the text states (not a weekday, not the publication time). */
  eventExact: boolean;
  developmentId: string;
  novel: boolean;
  corpus: boolean;
  /** The engine's facts for it ("vote: 338 votes"). */
  facts: string[];
  sentences: string[];
  /** Index of this report's first sentence in the sentence table. */
  firstSentence: number;
}

export interface SentenceHit {
  report: Report;
  /** Position of the sentence in its article (0: the headline). */
  pos: number;
  text: string;
  /** BM25 of the sentence, of its article's headline, and of the sentence before it. */
  own: number;
  headline: number;
  before: number;
  /** The question words it, its headline or the sentence before contain. */
  matched: Set<string>;
}

/** Sentences kept per article: the answer to a question is near the top of a news story. */
const MAX_SENTENCES = 12;
/** Postings read per query word, newest first: a common word adds little and costs most. */
const POSTING_SCAN = 2_000;
/** Beyond this many reports the index is rebuilt from the newest KEEP_REPORTS. */
export const MAX_REPORTS = 100_000;
const KEEP_REPORTS = 60_000;
const YIELD_EVERY = 200;
const K1 = 1.2;
const B = 0.75;

const yieldToLoop = () => new Promise<void>((r) => setImmediate(r));

export class AskIndex {
  reports: Report[] = [];
  cursor = 0;
  private sentenceReport: number[] = [];
  private sentenceTerms: string[][] = [];
  private postings = new Map<string, number[]>();
  private headlinePostings = new Map<string, number[]>();
  private totalLength = 0;
  private nextN = 0;
  /** Reports per development, in log order. */
  readonly developments = new Map<string, Report[]>();
  /** Report positions sorted by event time, for "what happened in May" without a scan. */
  private byTime: number[] = [];

  get size(): number {
    return this.reports.length;
  }

  addCorpus(corpus: CorpusDocument[]): void {
    for (const d of corpus) {
      this.add({ id: d.id, title: d.title || d.content.slice(0, 80), url: d.url, source: d.source, publishedAt: d.publishedAt ?? '', content: d.content },
        { feedId: '', developmentId: `seed-${d.id}`, novel: false, corpus: true, facts: [] });
    }
  }

  addEntry(e: ProcessedArticle): void {
    if (!e.decision.relevant || !e.decision.developmentId) return;
    this.add(e.article, { feedId: e.feedId, developmentId: e.decision.developmentId, novel: e.decision.novel, corpus: false, facts: e.decision.facts });
  }

  private add(article: ProcessedArticle['article'], meta: Pick<Report, 'feedId' | 'developmentId' | 'novel' | 'corpus' | 'facts'>): void {
    const text = readArticle(article);
    const headline = text.headline || text.body[0] || article.title;
    const sentences = [headline, ...text.body.slice(0, MAX_SENTENCES)];
    const event = eventDate(sentences.slice(0, 3), text.time);
    const report: Report = {
      n: this.nextN++, articleId: article.id, headline, url: article.url, source: article.source, published: text.time,
      eventTime: event?.time ?? text.time, eventText: event?.text, eventExact: event?.exact ?? false, ...meta, sentences, firstSentence: this.sentenceTerms.length,
    };
    const idx = this.reports.length;
    this.reports.push(report);
    // Reports mostly arrive in time order: the insertion point is usually the end.
    let at = this.byTime.length;
    while (at > 0 && this.reports[this.byTime[at - 1]!]!.eventTime > report.eventTime) at--;
    if (!Number.isNaN(report.eventTime)) this.byTime.splice(at, 0, idx);
    const dev = this.developments.get(report.developmentId);
    if (dev) dev.push(report);
    else this.developments.set(report.developmentId, [report]);
    for (const [pos, s] of sentences.entries()) {
      const terms = searchKeys(s);
      const sid = this.sentenceTerms.length;
      this.sentenceTerms.push(terms);
      this.sentenceReport.push(idx);
      this.totalLength += terms.length;
      for (const t of new Set(terms)) push(this.postings, t, sid);
      if (pos === 0) for (const t of new Set(terms)) push(this.headlinePostings, t, idx);
    }
  }

  /** Reads what the knowledge log recorded since the last call. */
  async refresh(store: StateStore, corpus: CorpusDocument[]): Promise<void> {
    const { entries, cursor } = await store.knowledgeSince(this.cursor);
    for (const [i, e] of entries.entries()) {
      this.addEntry(e);
      if (i % YIELD_EVERY === YIELD_EVERY - 1) await yieldToLoop();
    }
    this.cursor = cursor;
    if (this.reports.length > MAX_REPORTS) this.rebuild(corpus);
  }

  /** Keeps the seed corpus and the newest reports; rare, so its cost is spread over many calls. */
  private rebuild(corpus: CorpusDocument[]): void {
    const keep = this.reports.filter((r) => !r.corpus).slice(-KEEP_REPORTS);
    const cursor = this.cursor;
    Object.assign(this, new AskIndex());
    this.cursor = cursor;
    this.addCorpus(corpus);
    for (const r of keep) {
      this.add({ id: r.articleId, title: r.headline, url: r.url, source: r.source, publishedAt: Number.isNaN(r.published) ? '' : new Date(r.published).toISOString(), content: r.sentences.slice(1).join('\n') },
        { feedId: r.feedId, developmentId: r.developmentId, novel: r.novel, corpus: false, facts: r.facts });
    }
  }

  /** Reports whose event time lies in [from, to], oldest first. */
  between(from: number, to: number): Report[] {
    let lo = 0;
    let hi = this.byTime.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.reports[this.byTime[mid]!]!.eventTime < from) lo = mid + 1;
      else hi = mid;
    }
    const out: Report[] = [];
    for (let i = lo; i < this.byTime.length; i++) {
      const r = this.reports[this.byTime[i]!]!;
      if (r.eventTime > to) break;
      out.push(r);
    }
    return out;
  }

  /** The newest reports by event time, newest first. */
  newest(k: number, hidden: Set<string>, before = Infinity): Report[] {
    const out: Report[] = [];
    for (let i = this.byTime.length - 1; i >= 0 && out.length < k; i--) {
      const r = this.reports[this.byTime[i]!]!;
      if (r.eventTime <= before && !hidden.has(r.feedId)) out.push(r);
    }
    return out;
  }

  /** Reports from these feeds (the articles a channel may not be told about). */
  fromFeeds(feeds: Set<string>): Report[] {
    return feeds.size ? this.reports.filter((r) => feeds.has(r.feedId)) : [];
  }

  /** Whether some report of this development comes from a feed not hidden (the seed corpus counts). */
  shows(developmentId: string, hidden: Set<string>): boolean {
    return this.reports.some((r) => r.developmentId === developmentId && !hidden.has(r.feedId));
  }

  /** The years the reports' event times span. */
  years(): number[] {
    if (!this.byTime.length) return [];
    const first = new Date(this.reports[this.byTime[0]!]!.eventTime).getUTCFullYear();
    const last = new Date(this.reports[this.byTime[this.byTime.length - 1]!]!.eventTime).getUTCFullYear();
    return Array.from({ length: Math.min(last - first + 1, 50) }, (_, i) => last - i);
  }

  private idf(df: number, n: number): number {
    return Math.log(1 + (n - df + 0.5) / (df + 0.5));
  }

  /** Inverse document frequency of a word over sentences (for how much a match weighs). */
  weight(term: string): number {
    return this.idf(this.postings.get(term)?.length ?? 0, this.sentenceTerms.length);
  }

  /**
   * Sentences matching the question's words, each with its headline's and its preceding
   * sentence's scores (an answer often follows the sentence that restates the question).
   */
  search(terms: string[], hidden: Set<string>, limit = 80): SentenceHit[] {
    const n = this.sentenceTerms.length;
    if (!n || !terms.length) return [];
    const avg = this.totalLength / n;
    const own = new Map<number, number>();
    const ownTerms = new Map<number, string[]>();
    for (const t of new Set(terms.map(searchKey))) {
      const list = this.postings.get(t);
      if (!list) continue;
      const w = this.idf(list.length, n);
      for (let i = list.length - 1, k = 0; i >= 0 && k < POSTING_SCAN; i--, k++) {
        const sid = list[i]!;
        const st = this.sentenceTerms[sid]!;
        let tf = 0;
        for (const x of st) if (x === t) tf++;
        own.set(sid, (own.get(sid) ?? 0) + (w * tf * (K1 + 1)) / (tf + K1 * (1 - B + (B * st.length) / avg)));
        const m = ownTerms.get(sid);
        if (m) m.push(t);
        else ownTerms.set(sid, [t]);
      }
    }
    const head = new Map<number, number>();
    const headTerms = new Map<number, string[]>();
    for (const t of new Set(terms.map(searchKey))) {
      const list = this.headlinePostings.get(t);
      if (!list) continue;
      const w = this.idf(list.length, this.reports.length);
      for (let i = list.length - 1, k = 0; i >= 0 && k < POSTING_SCAN; i--, k++) {
        head.set(list[i]!, (head.get(list[i]!) ?? 0) + w);
        const m = headTerms.get(list[i]!);
        if (m) m.push(t);
        else headTerms.set(list[i]!, [t]);
      }
    }
    // Candidates: every matching sentence and the one after it.
    const candidates = new Set<number>();
    for (const sid of own.keys()) {
      candidates.add(sid);
      if (sid + 1 < n && this.sentenceReport[sid + 1] === this.sentenceReport[sid]) candidates.add(sid + 1);
    }
    // Scores first, objects only for the best: a common word can touch thousands of sentences.
    const scored: Array<[number, number]> = [];
    for (const sid of candidates) {
      const ri = this.sentenceReport[sid]!;
      const report = this.reports[ri]!;
      if (hidden.has(report.feedId)) continue;
      const pos = sid - report.firstSentence;
      const prev = pos > 1 ? sid - 1 : -1;
      scored.push([score({ own: own.get(sid) ?? 0, headline: pos === 0 ? 0 : head.get(ri) ?? 0, before: prev >= 0 ? own.get(prev) ?? 0 : 0 }), sid]);
    }
    scored.sort((a, b) => b[0] - a[0] || b[1] - a[1]);
    return scored.slice(0, limit).map(([, sid]) => {
      const ri = this.sentenceReport[sid]!;
      const report = this.reports[ri]!;
      const pos = sid - report.firstSentence;
      // The sentence before, unless it is the headline (already counted as such).
      const prev = pos > 1 ? sid - 1 : -1;
      const matched = new Set([...(ownTerms.get(sid) ?? []), ...(headTerms.get(ri) ?? []), ...(prev >= 0 ? ownTerms.get(prev) ?? [] : [])]);
      return {
        report, pos, text: report.sentences[pos]!, own: own.get(sid) ?? 0, headline: pos === 0 ? 0 : head.get(ri) ?? 0,
        before: prev >= 0 ? own.get(prev) ?? 0 : 0, matched,
      };
    });
  }
}

/** How the parts of a hit add up: the sentence itself counts most. */
export function score(h: Pick<SentenceHit, 'own' | 'headline' | 'before'>): number {
  return h.own + 0.6 * h.headline + 0.35 * h.before;
}

function push(map: Map<string, number[]>, key: string, value: number): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/**
 * The first calendar day the headline or lede states. A year the text leaves out is
 * taken from the publication date; a weekday counts back from it.
 */
export function eventDate(sentences: string[], published: number): { time: number; text: string; exact: boolean } | undefined {
  const publishedAt = Number.isNaN(published) ? undefined : new Date(published);
  let weekday: { time: number; text: string; exact: boolean } | undefined;
  for (const s of sentences) {
    for (const f of extractNumberFacts(s, { publishedAt }, false)) {
      const m = /^date:(\d{4})-(\d{2})-(\d{2})$/.exec(f.key);
      if (!m) continue;
      const found = { time: Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), 12), text: f.text, exact: !isWeekday(f.text) };
      // A calendar date the text states beats a weekday counted back from the publication date.
      if (found.exact) return found;
      weekday ??= found;
    }
  }
  return weekday;
}

export function isWeekday(text: string): boolean {
  return /^(on |last |this )?(monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b/i.test(text);
}

/** One index per store, refreshed by one call at a time. */
const indexes = new WeakMap<StateStore, Promise<AskIndex>>();

export function askIndex(store: StateStore, corpus: CorpusDocument[]): Promise<AskIndex> {
  const previous = indexes.get(store);
  const next = (previous ?? Promise.resolve(seeded(corpus))).then(async (ix) => {
    await ix.refresh(store, corpus);
    return ix;
  }, () => seeded(corpus));
  indexes.set(store, next);
  return next;
}

function seeded(corpus: CorpusDocument[]): AskIndex {
  const ix = new AskIndex();
  ix.addCorpus(corpus);
  return ix;
}
