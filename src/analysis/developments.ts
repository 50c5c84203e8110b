/**
 * The story's developments: clusters of articles that report one event. Each keeps a
 * few member profiles (headline + lede terms, actions), its time span and sources, and
 * is reachable from an inverted index of its terms. The engine's state is this set,
 * not every article ever seen: members per development and postings per term are
 * capped, so cost and memory stay flat as history grows.
 */
import type { Action } from './frame.js';
import { ENCODED, type Profile } from './profile.js';
import { distinctIds, termCounts, Vocabulary, type SparseVector, type TermCounts, type VocabularyState } from './vectors.js';

export interface Member {
  id: string;
  title: string;
  url: string;
  source: string;
  time: number;
  /** Counted term ids of headline + lede, and of the headline (see Encoded). */
  terms: TermCounts;
  headlineTerms: TermCounts;
  origin: 'corpus' | 'stream';
  /** tf-idf vectors, weighed when the member joins and at each vocabulary generation (see DevelopmentIndex.count). */
  vectors: { terms: SparseVector; headlineTerms: SparseVector };
}

export interface Development {
  id: string;
  /**
   * Its slot in the index, in creation order: posting lists name developments by slot, and
   * a slot stays put while others retire (see DevelopmentIndex.retire).
   */
  index: number;
  /**
   * The terms whose posting lists name it, for a stream development (seed ones never
   * retire): retiring it edits those lists and no others.
   */
  posted: Set<number>;
  opener: Member;
  /** The first member and the most recent ones (capped). */
  members: Member[];
  /** Actions of the members' frames: "sign/happened", "ratify/planned". */
  actions: Map<string, number>;
  /** Main actions of its reports (the headline's event, else the lede's), by how many reported each. */
  mains: Map<string, number>;
  /** Number keys ("#money:usd:75000000") and names its members gave (capped). */
  numbers: Set<string>;
  names: Set<string>;
  first: number;
  last: number;
  size: number;
  sources: string[];
  /** Opened by a stream article that was alerted. */
  alerted: boolean;
  /**
   * Opened by a genre piece (analysis, explainer) before any news report of its event, as
   * feeds polled at different times deliver them: its first news report is the alert.
   */
  awaitsNews?: boolean;
  origin: 'corpus' | 'stream';
}

const MAX_MEMBERS = 5;
const MAX_SOURCES = 12;
const MAX_KEYS = 64;
/** Postings read per term: the most recent developments that use it. */
const POSTING_SCAN = 100;
/** How many of the article's rarest terms seed the candidate search. */
const SEED_TERMS = 10;
const MAX_CANDIDATES = 8;
/** Developments active within this window are always candidates. */
const RECENT_WINDOW = 3 * 86_400_000;
const MAX_RECENT = 12;

export function actionKey(a: Pick<Action, 'action' | 'status'>): string {
  return `${a.action}/${a.status}`;
}

export class DevelopmentIndex {
  readonly developments: Development[] = [];
  /** By term id: the developments using the term, oldest first. */
  private readonly postings: Array<number[] | undefined> = [];
  /** Developments by slot; a retired one leaves a hole until the slots are renumbered. */
  private slots: Array<Development | undefined> = [];

  private readonly vocab = new Vocabulary();
  /** Most recently joined developments, newest last. */
  private recent: Development[] = [];
  /** Copy keys (see profile.copyKeys) of every kept report: a re-post of any of them is that development. */
  private copies = new Map<number, Development>();
  /** Scratch: candidate scores by development index, all zero between searches. */
  private scores = new Float64Array(0);

  get size(): number {
    return this.developments.length;
  }

  /** Inverse document frequency over the story's own articles (headline + lede terms). */
  idf(term: string): number {
    return this.vocab.idf(term);
  }

  /**
   * Counts an article's terms into the story's document frequencies. When the story has
   * grown a tenth, every member is weighed again, here and not on first use: what a member
   * weighs then depends on what was counted, not on which articles happened to compare to it.
   */
  count(p: Profile): void {
    const generation = this.vocab.generation;
    this.vocab.countIds(this.encode(p).distinct);
    if (this.vocab.generation === generation) return;
    for (const d of this.developments) for (const m of d.members) m.vectors = this.weighMember(m);
  }

  /** A profile's term ids (interned on first use, then cached with the profile). */
  encode(p: Profile): Encoded {
    // Kept on the profile (a WeakMap cost more than the interning it saved).
    const cached = p[ENCODED] as (Encoded & { by: DevelopmentIndex }) | undefined;
    if (cached?.by === this) return cached;
    const ids = this.vocab.internAll(p.terms);
    // A profile's terms open with its headline's (see frameArticle): no second lookup for those.
    const h = p.headlineTerms;
    const prefix = h.length <= p.terms.length && h.every((t, i) => p.terms[i] === t);
    const headline = prefix ? ids.slice(0, h.length) : this.vocab.internAll(h);
    const e = { by: this, terms: termCounts(ids), headline: termCounts(headline), distinct: distinctIds(ids) };
    p[ENCODED] = e;
    return e;
  }

  open(id: string, p: Profile, origin: 'corpus' | 'stream', alerted: boolean): Development {
    const member = this.toMember(p, origin);
    const dev: Development = {
      id, index: this.slots.length, posted: new Set(), opener: member, members: [member], actions: new Map(), mains: new Map(), numbers: new Set(), names: new Set(),
      first: p.time, last: p.time, size: 0, sources: [], alerted, origin,
    };
    this.developments.push(dev);
    this.slots.push(dev);
    this.join(dev, p, origin, true);
    return dev;
  }

  join(dev: Development, p: Profile, origin: 'corpus' | 'stream', opening = false): void {
    if (!opening) {
      dev.members.push(this.toMember(p, origin));
      // Keep the opener and the most recent members: the event as first told, and as now told.
      if (dev.members.length > MAX_MEMBERS) dev.members.splice(1, 1);
    }
    dev.size++;
    for (const k of p.copyKeys) if (!this.copies.has(k)) this.copies.set(k, dev);
    this.recent = this.recent.filter((d) => d !== dev);
    this.recent.push(dev);
    if (this.recent.length > MAX_RECENT) this.recent.shift();
    // Every action the frame names ("to vote on ratifying" is a vote and a ratification, both planned).
    for (const a of new Set([...(p.main ? [actionKey(p.main)] : []), ...p.actions.map(actionKey)])) dev.actions.set(a, (dev.actions.get(a) ?? 0) + 1);
    if (p.main) dev.mains.set(actionKey(p.main), (dev.mains.get(actionKey(p.main)) ?? 0) + 1);
    if (!Number.isNaN(p.time)) {
      dev.first = Number.isNaN(dev.first) ? p.time : Math.min(dev.first, p.time);
      dev.last = Number.isNaN(dev.last) ? p.time : Math.max(dev.last, p.time);
    }
    for (const t of p.terms) if (t.startsWith('#') && dev.numbers.size < MAX_KEYS) dev.numbers.add(t);
    for (const n of p.names) if (dev.names.size < MAX_KEYS) dev.names.add(n);
    if (p.source && !dev.sources.includes(p.source) && dev.sources.length < MAX_SOURCES) dev.sources.push(p.source);
    for (const t of this.encode(p).distinct) {
      const list = this.postings[t];
      if (!list) {
        this.postings[t] = [dev.index];
        if (dev.origin === 'stream') dev.posted.add(t);
      } else if (list[list.length - 1] !== dev.index) {
        list.push(dev.index);
        if (dev.origin === 'stream') dev.posted.add(t);
        if (list.length > POSTING_SCAN * 4) list.splice(0, list.length - POSTING_SCAN);
      }
    }
  }

  /** The development that already holds a copy of this article's headline or first sentence. */
  copyOf(p: Profile): Development | undefined {
    for (const k of p.copyKeys) {
      const d = this.copies.get(k);
      if (d) return d;
    }
    return undefined;
  }

  /**
   * Developments sharing the article's rarer terms, most shared idf mass first, plus the
   * most recently active ones: a rewrite may share none of the rare words.
   */
  candidates(p: Profile): Development[] {
    const time = p.time;
    const found = this.byTerms(this.encode(p).distinct);
    const seen = new Set(found.map((d) => d.index));
    for (const d of this.recent) {
      if (!seen.has(d.index) && !Number.isNaN(time) && Math.abs(time - d.last) <= RECENT_WINDOW) found.push(d);
    }
    return found;
  }

  private byTerms(distinct: readonly number[]): Development[] {
    // A term in a tenth of the story's developments or more points at none of them.
    const common = Math.log(10);
    const usable: Array<{ id: number; idf: number }> = [];
    for (const id of distinct) {
      const n = this.postings[id]?.length;
      if (n !== undefined && (n < 8 || Math.log(this.developments.length / n) >= common)) usable.push({ id, idf: this.vocab.idfOf(id) });
    }
    const seeds = usable.sort((a, b) => b.idf - a.idf).slice(0, SEED_TERMS);
    // Scores by development index in a reused array: no map of numbers per article.
    if (this.scores.length < this.slots.length) this.scores = new Float64Array(Math.max(1024, this.slots.length * 2));
    const score = this.scores;
    const touched: number[] = [];
    for (const { id, idf: w } of seeds) {
      const list = this.postings[id]!;
      for (let i = list.length - 1, n = 0; i >= 0 && n < POSTING_SCAN; i--, n++) {
        const d = list[i]!;
        if (score[d] === 0) touched.push(d);
        score[d] = score[d]! + w;
      }
    }
    const best = topK(touched, score, MAX_CANDIDATES);
    for (const d of touched) score[d] = 0;
    return best.map((i) => this.slots[i]!);
  }

  /** A member's vector as last weighed (idf drifts slowly: weighing per comparison cost more than it told). */
  memberVector(m: Member, which: 'terms' | 'headlineTerms'): SparseVector {
    return m.vectors[which];
  }

  private weighMember(m: Pick<Member, 'terms' | 'headlineTerms'>): Member['vectors'] {
    return { terms: this.vocab.weigh(m.terms), headlineTerms: this.vocab.weigh(m.headlineTerms) };
  }

  /** The tf-idf vectors of a profile's headline + lede and of its headline. */
  vectors(p: Profile): { terms: SparseVector; headline: SparseVector } {
    const e = this.encode(p);
    return { terms: this.vocab.weigh(e.terms), headline: this.vocab.weigh(e.headline) };
  }

  private toMember(p: Profile, origin: 'corpus' | 'stream'): Member {
    const e = this.encode(p);
    const counts = { terms: e.terms, headlineTerms: e.headline };
    return { id: p.id, title: p.headline || p.title, url: p.url, source: p.source, time: p.time, ...counts, origin, vectors: this.weighMember(counts) };
  }

  /**
   * Stream developments last reported before `before` leave the index (the candidate set,
   * the postings, the recent list): what judges a new article is bounded by the retention
   * window, not by history. Seed developments stay: they are the story's definition.
   * Only the leaving developments' own posting lists are edited, so a daily retirement
   * costs what leaves, not what the story has seen; slots are renumbered (keeping their
   * order) once the holes outnumber the kept developments.
   */
  retire(before: number): Development[] {
    const gone = this.developments.filter((d) => d.origin === 'stream' && d.last < before);
    if (!gone.length) return gone;
    const left = new Set(gone);
    const keep = this.developments.filter((d) => !left.has(d));
    this.developments.length = 0;
    for (const d of keep) this.developments.push(d);
    for (const d of gone) {
      this.slots[d.index] = undefined;
      for (const t of d.posted) {
        const list = this.postings[t];
        if (!list) continue;
        // The oldest developments leave, and lists run oldest first: found near the front.
        for (let at = list.indexOf(d.index); at >= 0; at = list.indexOf(d.index, at)) list.splice(at, 1);
        if (!list.length) this.postings[t] = undefined;
      }
    }
    this.recent = this.recent.filter((d) => !left.has(d));
    for (const [k, d] of this.copies) if (left.has(d)) this.copies.delete(k);
    if (this.slots.length > 2 * this.developments.length + 1024) this.renumber();
    return gone;
  }

  /** Slots 0..n-1 for the kept developments, in their order; postings follow. */
  private renumber(): void {
    const remap = new Int32Array(this.slots.length).fill(-1);
    this.developments.forEach((d, i) => {
      remap[d.index] = i;
      d.index = i;
    });
    this.slots = [...this.developments];
    this.postings.forEach((list, t) => {
      if (list) this.postings[t] = list.map((i) => remap[i]!);
    });
  }

  /** Everything learned, as plain data for an engine snapshot (snapshot.ts). */
  exportState(): DevelopmentIndexState {
    return { developments: this.developments, postings: this.postings, vocab: this.vocab.exportState(), recent: this.recent.map((d) => d.index), copies: this.copies };
  }

  /** Replaces everything learned with a snapshot's. */
  importState(s: DevelopmentIndexState): void {
    this.developments.length = 0;
    this.slots = [];
    for (const d of s.developments) {
      this.developments.push(d);
      this.slots[d.index] = d;
    }
    this.postings.length = 0;
    s.postings.forEach((list, t) => (this.postings[t] = list ?? undefined));
    this.vocab.importState(s.vocab);
    this.recent = s.recent.map((i) => this.slots[i]!);
    this.copies = s.copies;
  }
}

export interface DevelopmentIndexState {
  developments: Development[];
  /** By term id (see Vocabulary). */
  postings: Array<number[] | undefined | null>;
  vocab: VocabularyState;
  /** Slots of the recently joined developments, newest last. */
  recent: number[];
  /** Copy keys to their development (the same objects as in `developments`). */
  copies: Map<number, Development>;
}

/** The k best-scored keys, best first (ties: the newer development); k is small. */
function topK(keys: number[], score: Float64Array, k: number): number[] {
  const best: number[] = [];
  const before = (a: number, b: number) => score[a]! > score[b]! || (score[a] === score[b] && a > b);
  for (const key of keys) {
    if (best.length === k && !before(key, best[k - 1]!)) continue;
    let i = best.length === k ? k - 1 : best.length;
    while (i > 0 && before(key, best[i - 1]!)) {
      best[i] = best[i - 1]!;
      i--;
    }
    best[i] = key;
  }
  return best;
}

/** A profile's terms as vocabulary ids. */
export interface Encoded {
  terms: TermCounts;
  headline: TermCounts;
  /** The distinct ids of `terms`, in order of first appearance. */
  distinct: readonly number[];
}
