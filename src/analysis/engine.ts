/**
 * The novelty engine: for each article, in time order, decide whether it is about the
 * story, which of the story's developments (events) it reports, or whether it opens a
 * new one: that is the alert. The seed corpus opens the first developments. Pure:
 * state lives in the development index the engine owns; nothing here does I/O.
 */
import type { DecisionSummary } from '../domain/alert.js';
import type { Article } from '../domain/article.js';
import type { CorpusDocument, StoryDefinition } from '../domain/story.js';
import { decide, scoreMatches, type DecideModel, type Match, type Verdict } from './decide.js';
import { DECIDE_WEIGHTS } from './weights.js';
import { DevelopmentIndex, type Development } from './developments.js';
import { explainVerdict, type FollowerKind } from './explain.js';
import { articleNames, conceptWords, frameArticle, prepareArticle, readArticle, type ArticleText, type Profile } from './profile.js';
import { AnchorStats } from './anchors.js';
import { WORD } from './frame.js';
import { beyondReach, leansOnAnchors, matchGroups, scoreRelevance, type GroupMatch } from './relevance.js';
import { newFacts, whatHappened } from './summary.js';
import { hash32 } from './text.js';
import { decodeState, encodeState, engineFingerprint, retireBefore } from './snapshot.js';

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
  /**
   * Learns an article already judged (by `analyze`, once the store has recorded it; or on
   * replay after a restart), without judging it again: afterwards the engine is as if
   * `classify` had judged it. `novel` marks a development it opened as alerted.
   */
  remember(article: Article, developmentId: string | null, novel?: boolean): void;
  /**
   * The per-article work that needs no shared state (headline, sentences, event frame,
   * terms, names): any worker may do it, in parallel, before the ordered decision step.
   */
  prepare(article: Article): PreparedArticle;
  /** `classify` on a prepared article: only the decision against the developments is left. */
  classifyPrepared(prepared: PreparedArticle): Decision;
  /** `analyze` on a prepared article. */
  analyzePrepared(prepared: PreparedArticle): Decision;
  /** `remember` with the profile already prepared (by this or another worker). */
  rememberPrepared(prepared: PreparedArticle, developmentId: string | null, novel?: boolean): void;
  /** Number of articles the story knows (corpus + accepted). */
  readonly knownArticles: number;
  /** Number of developments the story knows. */
  readonly knownDevelopments: number;
  /** The story's developments, oldest first: what `ask`, `timeline` and `latest` read. */
  developments(): DevelopmentView[];
  /** Names this engine, story and corpus: a snapshot with another fingerprint is not loaded. */
  readonly fingerprint: string;
  /** What the engine learned, as one buffer (see snapshot.ts). */
  snapshot(): Uint8Array;
  /** A new engine of the same story, corpus and model, knowing only its corpus (to rebuild into). */
  blank(): Engine;
  /** Replaces what the engine learned with a snapshot's; false (nothing changed) if it is not this engine's. */
  restore(data: Uint8Array): boolean;
  /**
   * Retention: developments last reported before `before` (ms) leave what new articles are
   * judged against. Cheap to call per article: it acts once the cut-off has moved a day.
   */
  retire(before: number): number;
}

/**
 * An article read and framed for one story: plain data (JSON-safe once `time` NaN is
 * restored), so it may be handed to the decision step as is.
 */
export interface PreparedArticle {
  article: Article;
  text: ArticleText;
  /** Which concept groups it names (the first test of relevance). */
  groups: GroupMatch;
  /** Absent when the article names none of the story's concepts (off-topic on sight). */
  profile: Profile | undefined;
}

/** A development as the chat commands see it (a copy: changing it changes nothing). */
export interface DevelopmentView {
  id: string;
  /** The headline that opened it. */
  headline: string;
  /** Opened by a seed article (known coverage) or by the stream. */
  origin: 'corpus' | 'stream';
  alerted: boolean;
  /** First and latest report (ms; NaN when undated). */
  first: number;
  last: number;
  /** "sign/happened", "ratify/planned" … with how many reports named each. */
  actions: Record<string, number>;
  /** Amounts, percentages and votes its reports named ("#vote:338"). */
  numbers: string[];
  names: string[];
  sources: string[];
  reports: number;
  /** The opener and the latest reports. */
  members: Array<{ id: string; title: string; url: string; source: string; time: number }>;
}

const DAY = 86_400_000;

interface State {
  story: StoryDefinition;
  index: DevelopmentIndex;
  byId: Map<string, Development>;
  facts: Set<string>;
  /** Newest seed article: events before it are background. */
  corpusNewest: number;
  known: number;
  model: DecideModel;
  anchors: AnchorStats;
  concepts: Set<string>;
  /** False while `analyze` looks without learning. */
  learning: boolean;
  retiredBefore: number;
}

interface Judgement {
  decision: Decision;
  /** Undefined for an article judged off-topic on its concepts alone. */
  profile: Profile | undefined;
  verdict: Verdict | undefined;
  /** Whether its names may count as story anchors (see teachesAnchors). */
  teachesAnchors: boolean;
}

export function createEngine(story: StoryDefinition, corpus: CorpusDocument[], model: DecideModel = DECIDE_WEIGHTS): Engine {
  const state: State = {
    story, index: new DevelopmentIndex(), byId: new Map(), facts: new Set(), corpusNewest: Number.NaN, known: 0, model, anchors: new AnchorStats(story.groups.flatMap((g) => g.terms)), learning: true, retiredBefore: Number.NEGATIVE_INFINITY,
    concepts: conceptWords(story.groups.flatMap((g) => g.terms)),
  };
  const seeds = corpus
    .map((doc) => prepareArticle({ ...doc, publishedAt: doc.publishedAt ?? '' }, state))
    .sort((a, b) => (a.time || 0) - (b.time || 0));
  for (const p of seeds) {
    const verdict = decide(scoreMatches(state.index, p, model));
    learn(state, p, verdict, `seed-${p.id}`, 'corpus', false);
    if (!Number.isNaN(p.time)) state.corpusNewest = Number.isNaN(state.corpusNewest) ? p.time : Math.max(state.corpusNewest, p.time);
  }
  const fingerprint = engineFingerprint(story, corpus, model);
  return {
    story,
    fingerprint,
    snapshot: () => encodeState(fingerprint, state),
    blank: () => createEngine(story, corpus, model),
    restore: (data) => decodeState(fingerprint, data, state),
    retire: (before) => retireBefore(state, before),
    get knownArticles() {
      return state.known;
    },
    get knownDevelopments() {
      return state.index.size;
    },
    developments: () => state.index.developments.map(view),
    prepare: (article) => prepare(state, article),
    analyze: (article) => look(state, article),
    analyzePrepared: (prepared) => look(state, prepared.article, prepared),
    remember(article, developmentId, novel = false) {
      if (!developmentId) return rememberOffTopic(state, article);
      const text = readArticle(article);
      const p = frameArticle(text, state);
      rememberProfile(state, p, developmentId, novel, teachesAnchors(state, text, p.names));
    },
    rememberPrepared(prepared, developmentId, novel = false) {
      if (!developmentId) return rememberOffTopic(state, prepared.article, prepared.text);
      const p = prepared.profile ?? frameArticle(prepared.text, state);
      rememberProfile(state, p, developmentId, novel, teachesAnchors(state, prepared.text, p.names, prepared.groups));
    },
    classify: (article) => classify(state, article),
    classifyPrepared: (prepared) => classify(state, prepared.article, prepared),
  };
}

/** Judges without learning (the store records first; `remember` teaches afterwards). */
function look(state: State, article: Article, prepared?: PreparedArticle): Decision {
  state.learning = false;
  try {
    return judge(state, article, prepared).decision;
  } finally {
    state.learning = true;
  }
}

function rememberProfile(state: State, p: Profile, developmentId: string, novel: boolean, teaches: boolean): void {
  const dev = state.byId.get(developmentId);
  if (dev) {
    learnInto(state, p, dev, 'stream', teaches);
    if (novel) {
      dev.alerted = true;
      dev.awaitsNews = false;
    }
  } else learn(state, p, undefined, developmentId, 'stream', novel, teaches);
}

function classify(state: State, article: Article, prepared?: PreparedArticle): Decision {
  const j = judge(state, article, prepared);
  const d = j.decision;
  if (d.relevant && d.developmentId && j.profile) rememberProfile(state, j.profile, d.developmentId, d.novel, j.teachesAnchors);
  return d;
}

function learn(state: State, p: Profile, verdict: Verdict | undefined, id: string, origin: 'corpus' | 'stream', alerted: boolean, teaches = true): void {
  if (verdict?.kind === 'join') return learnInto(state, p, verdict.match.dev, origin, teaches);
  state.index.count(p);
  if (teaches) state.anchors.addStory(p.names);
  const dev = state.index.open(id, p, origin, alerted);
  // From the profile alone, so a replay of recorded decisions (remember) marks it the same.
  if (origin === 'stream' && !alerted && (p.genre !== 'news' || eventless(p)) && !isBackground(state, p)) dev.awaitsNews = true;
  state.byId.set(id, dev);
  for (const f of p.facts) state.facts.add(f.key);
  state.known++;
}

/**
 * A headline that tells of no event (no event verb: "Nearly 3 weeks into strike, workers'
 * resolve holds", "The fight over a lost pension plan") reports a state of things or
 * discusses one: it is no development of its own, and the event's first report is the news.
 */
function eventless(p: Profile): boolean {
  return p.headlineOnly && !p.main;
}

/** Why a report discusses a development rather than opens one, if it does. */
function followerKind(p: Profile, background: boolean): FollowerKind | undefined {
  if (p.genre !== 'news') return `${p.genre} piece`;
  if (background) return 'background';
  if (p.restated) return 'restatement';
  return eventless(p) ? 'no event' : undefined;
}

function learnInto(state: State, p: Profile, dev: Development, origin: 'corpus' | 'stream' = 'stream', teaches = true): void {
  state.index.count(p);
  if (teaches) state.anchors.addStory(p.names);
  state.index.join(dev, p, origin);
  for (const f of p.facts) state.facts.add(f.key);
  state.known++;
}

function prepare(state: State, article: Article): PreparedArticle {
  const text = readArticle(article);
  const groups = matchGroups(state.story, [text.headline, ...text.body], true);
  return { article, text, groups, profile: groups.matched.length ? frameArticle(text, state) : undefined };
}

function judge(state: State, article: Article, prepared?: PreparedArticle): Judgement {
  const text = prepared?.text ?? readArticle(article);
  const groups = prepared?.groups ?? matchGroups(state.story, [text.headline, ...text.body], true);
  // Missing every concept: off-topic, and nothing else about it matters.
  if (groups.matched.length === 0) {
    const quick = scoreRelevance(state.story, groups, 0);
    return { decision: offTopic(text.id, quick.score, quick.reason), profile: undefined, verdict: undefined, teachesAnchors: false };
  }
  // A prepared profile already holds them (frameArticle reads them with the same options).
  const names = prepared?.profile?.names ?? articleNames(text, state);
  const anchors = state.anchors.find(names);
  // A headline's first word has its capital whatever it is: as a stranger it proves little.
  const first = (text.headline.match(WORD)?.[0] ?? '').toLowerCase().replace(/'s$/, '');
  const short = isShort(text) ? { strangers: state.anchors.strangers(names).filter((n) => n !== first) } : undefined;
  // Missing two required concepts is off-topic whatever the text resembles: skip the index.
  if (beyondReach(groups, anchors, short)) {
    const quick = scoreRelevance(state.story, groups, 0, anchors, short);
    return nearMiss(state, names, offTopic(text.id, quick.score, quick.reason));
  }
  const p = prepared?.profile ?? frameArticle(text, state, names);
  const matches = scoreMatches(state.index, p, state.model);
  const relevance = scoreRelevance(state.story, groups, matches[0]?.similarity ?? 0, anchors, short);
  if (!relevance.relevant) return nearMiss(state, names, offTopic(p.id, relevance.score, relevance.reason));
  let verdict = decide(matches, state.index.copyOf(p), p.headlineOnly);
  const copy = verdict.kind === 'join' && verdict.why === 'copy';
  const background = isBackground(state, p);
  const follows = followerKind(p, background);
  const follower = follows !== undefined;
  // Genre pieces, restatements, background reports and reports of no event discuss a development; they do not open one.
  if (verdict.kind === 'open' && follower && matches[0] && matches[0].similarity > 0.1) {
    verdict = { kind: 'join', match: matches[0], why: follows };
  }
  // A development only discussed so far (an analysis piece that came first, as feeds polled
  // at different times deliver them) has had no alert: its first news report is the news.
  const unannounced = verdict.kind === 'join' && verdict.match.dev.awaitsNews === true && !copy;
  const novel = (verdict.kind === 'open' || unannounced) && !follower;
  const match: Match | undefined = verdict.kind === 'join' ? verdict.match : verdict.best;
  const developmentId = verdict.kind === 'join'
    ? verdict.match.dev.id
    : `dev-${hash32(`${state.story.id}:${p.id}`).toString(16).padStart(8, '0')}`;
  const facts = newFacts(p, state.facts, novel);
  const reasons = [relevance.reason, explainVerdict(p, verdict, { novel, corpusNewest: state.corpusNewest, duplicate: copy, follows })];
  if (match) reasons.push(`closest known article: ${match.member.id} "${match.member.title}" (${Math.round(match.similarity * 100)}% similar)`);
  const duplicate = copy && verdict.kind === 'join' ? verdict.match.member.id : null;
  return {
    profile: p,
    verdict,
    teachesAnchors: !leansOnAnchors(groups, anchors, short !== undefined),
    decision: {
      id: p.id,
      relevant: true,
      novel,
      developmentId,
      duplicateOf: duplicate,
      relevance: relevance.score,
      novelty: round(Math.max(0, Math.min(1, 1 - (match?.score ?? 0)))),
      summary: novel ? whatHappened(p) : '',
      facts,
      reasons,
      closest: match ? { id: match.member.id, title: match.member.title, url: match.member.url, similarity: round(match.similarity) } : null,
    },
  };
}

/** What `classify` learns from an off-topic article: its names, when it was a near miss. */
function rememberOffTopic(state: State, article: Article, read?: ArticleText): void {
  const text = read ?? readArticle(article);
  if (matchGroups(state.story, [text.headline, ...text.body], true).matched.length > 0) state.anchors.addNearMiss(articleNames(text, state));
}

/** An off-topic article that named some of the story's concepts teaches which words are not anchors. */
function nearMiss(state: State, names: string[], decision: Decision): Judgement {
  if (state.learning) state.anchors.addNearMiss(names);
  return { decision, profile: undefined, verdict: undefined, teachesAnchors: false };
}

/**
 * An article that is about the story only because story anchors stood in for a concept it
 * lacks teaches no anchors: else one stray sub-story (another case of the same company, a
 * strike at another plant) teaches itself its own names and lets its next report in too.
 */
function teachesAnchors(state: State, text: ArticleText, names: string[], groups = matchGroups(state.story, [text.headline, ...text.body], true)): boolean {
  return !leansOnAnchors(groups, state.anchors.find(names), isShort(text));
}

/** A headline alone or with one sentence: one anchor stands in for a concept, and strangers count. */
function isShort(text: ArticleText): boolean {
  return text.body.length <= 1;
}

/** Published no later than the newest seed, or reporting an event dated before it. */
function isBackground(state: State, p: Profile): boolean {
  if (Number.isNaN(state.corpusNewest)) return false;
  if (!Number.isNaN(p.time) && p.time <= state.corpusNewest) return true;
  return p.eventTime !== undefined && p.eventTime < state.corpusNewest - DAY;
}

function view(d: Development): DevelopmentView {
  return {
    id: d.id, headline: d.opener.title, origin: d.origin, alerted: d.alerted, first: d.first, last: d.last,
    actions: Object.fromEntries(d.actions), numbers: [...d.numbers], names: [...d.names], sources: [...d.sources], reports: d.size,
    members: d.members.map(({ id, title, url, source, time }) => ({ id, title, url, source, time })),
  };
}

function offTopic(id: string, relevance: number, reason: string): Decision {
  return {
    id, relevant: false, novel: false, developmentId: null, duplicateOf: null, relevance, novelty: 0,
    summary: '', facts: [], reasons: [reason], closest: null,
  };
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}
