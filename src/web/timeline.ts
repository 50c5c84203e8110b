/**
 * A story as a timeline, from what the store recorded: its developments in time order,
 * each with its one-line summary, new facts, first report and every later report (copy,
 * rewrite or follow-up). Pure: built from the knowledge log and, when the engine is at
 * hand, its development views (for the kind of event: progress, setback, planned).
 * Nothing from channel settings or feed URLs: they can carry secrets.
 */
import type { DevelopmentView } from '../analysis/engine.js';
import type { ProcessedArticle } from '../store/ports.js';

export type DevelopmentKind = 'progress' | 'setback' | 'planned';
export type ReportRelation = 'first' | 'copy' | 'rewrite' | 'follow-up';

export interface TimelineReport {
  id: string;
  title: string;
  outlet: string;
  url: string;
  publishedAt: string;
  relation: ReportRelation;
}

export interface TimelineDevelopment {
  id: string;
  kind: DevelopmentKind;
  summary: string;
  facts: string[];
  first: TimelineReport;
  /** Later reports, newest first. */
  later: TimelineReport[];
  /** Time of its first report (ms). */
  at: number;
}

export interface StoryTimeline {
  id: string;
  name: string;
  /** Newest first. */
  developments: TimelineDevelopment[];
}

/** Below this novelty a later report of the same event says nothing new: a rewrite of it. */
const REWRITE_NOVELTY = 0.35;

/** The development's kind: what most of its reports' events did ("sign/happened"). */
export function kindOf(view: DevelopmentView | undefined): DevelopmentKind {
  if (!view) return 'progress';
  const tally = { happened: 0, failed: 0, planned: 0 };
  for (const [action, n] of Object.entries(view.actions)) {
    const status = action.split('/')[1] as keyof typeof tally | undefined;
    if (status && status in tally) tally[status] += n;
  }
  if (tally.failed > tally.happened && tally.failed >= tally.planned) return 'setback';
  if (tally.planned > tally.happened) return 'planned';
  return 'progress';
}

const time = (iso: string) => {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? 0 : t;
};

function report(e: ProcessedArticle, relation: ReportRelation): TimelineReport {
  const a = e.article;
  return { id: a.id, title: a.title, outlet: a.source, url: safeLink(a.url), publishedAt: a.publishedAt || e.processedAt, relation };
}

/** Only http(s) links are links: "javascript:" and the like become nothing. */
export function safeLink(url: string): string {
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : '';
  } catch {
    return '';
  }
}

export function buildTimeline(story: { id: string; name: string }, entries: ProcessedArticle[], views: DevelopmentView[] = []): StoryTimeline {
  const byId = new Map(views.map((v) => [v.id, v]));
  const groups = new Map<string, ProcessedArticle[]>();
  for (const e of entries) {
    const dev = e.decision.developmentId;
    if (!e.decision.relevant || !dev) continue;
    groups.set(dev, [...(groups.get(dev) ?? []), e]);
  }
  const developments: TimelineDevelopment[] = [];
  for (const [id, members] of groups) {
    // The report that opened it (the alert) is the first; else the earliest.
    const sorted = [...members].sort((a, b) => time(a.article.publishedAt) - time(b.article.publishedAt));
    const opener = members.find((m) => m.decision.novel) ?? sorted[0]!;
    const later = members.filter((m) => m !== opener)
      .map((m) => report(m, m.decision.duplicateOf ? 'copy' : m.decision.novelty < REWRITE_NOVELTY ? 'rewrite' : 'follow-up'))
      .sort((a, b) => time(b.publishedAt) - time(a.publishedAt));
    const first = report(opener, 'first');
    developments.push({
      id, kind: kindOf(byId.get(id)), summary: opener.decision.summary || opener.article.title,
      facts: opener.decision.facts, first, later, at: time(first.publishedAt),
    });
  }
  developments.sort((a, b) => b.at - a.at);
  return { id: story.id, name: story.name, developments };
}
