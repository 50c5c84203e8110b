/**
 * analyzeArticle: judge one article, record the outcome (and its alert, if it is a new
 * development) in one store write, and only then teach the engine. Idempotent by article
 * id: when the write fails the engine has learned nothing, so the retry judges the
 * article exactly as the first attempt did (and not as a copy of itself).
 */
import type { Engine, PreparedArticle } from '../analysis/engine.js';
import { buildAlert, buildFollowUp, type Alert, type DecisionSummary } from '../domain/alert.js';
import type { Article } from '../domain/article.js';
import type { AlertRecord, StateStore } from '../store/ports.js';
import type { Metrics } from '../observability/metrics.js';
import { retireFor } from './catch-up.js';
import { unnameArticles } from '../domain/redact.js';

/**
 * An alert's "why" line names no article of the stream: the closest one may come from a
 * channel's private feed, and one record goes to every channel. The seed corpus is public.
 */
function whyUnnamed(alert: Alert, closest: { id: string; title: string } | null | undefined): Alert {
  if (!closest || alert.reason.includes(`"${closest.title}" (seed corpus,`)) return alert;
  return { ...alert, reason: unnameArticles(alert.reason, [closest]) };
}

export interface AnalyzeDeps {
  engine: Engine;
  store: StateStore;
  targets: string[];
  /** Channels that asked for this alert (watch terms, channel feeds). */
  channelTargets?: (alert: Alert) => Promise<string[]>;
  /**
   * Everyone entitled to an alert from this feed; when set it replaces `targets` and
   * `channelTargets`, so a channel's private feed reaches only that channel.
   */
  audience?: (alert: Alert, feedId: string) => Promise<string[]>;
  now: () => Date;
  metrics?: Metrics;
  /** Days the engine keeps developments that get no new report (default 180). */
  retentionDays?: number | undefined;
}

export interface AnalyzeOutcome {
  skipped: boolean;
  decision?: DecisionSummary;
  alert?: AlertRecord;
}

/**
 * `prepared`: the article already read and framed (engine.prepare, on any worker), so only
 * the decision against the story's developments is left for this ordered step.
 */
export async function analyzeArticle(deps: AnalyzeDeps, article: Article, feedId: string, opts: { silent: boolean; prepared?: PreparedArticle | undefined; unseen?: boolean }): Promise<AnalyzeOutcome> {
  // `unseen`: the caller has just asked (the record is atomic and refuses a second one anyway).
  if (!opts.unseen && (await deps.store.hasSeen(article.id))) return { skipped: true };
  const started = performance.now();
  const { prepared } = opts;
  const { closest, id: _id, ...decision } = prepared ? deps.engine.analyzePrepared(prepared) : deps.engine.analyze(article);
  const seconds = (performance.now() - started) / 1000;
  const at = deps.now().toISOString();
  let alert: AlertRecord | undefined;
  if (decision.novel && !opts.silent && decision.developmentId) {
    const built = whyUnnamed(buildAlert(deps.engine.story, article, decision), closest);
    const targets = deps.audience ? await deps.audience(built, feedId)
      : [...new Set([...deps.targets, ...(deps.channelTargets ? await deps.channelTargets(built) : [])])];
    // Recorded even when no channel wants it yet: it is the development's record, so a later
    // report reaches a channel that follows, resumes or changes its terms (as the development there).
    alert = { alert: built, targets, createdAt: at, feedId };
  } else if (decision.relevant && !opts.silent && decision.developmentId) {
    // More coverage of a development already alerted: to everyone this article's feed may
    // reach (a channel's private feed stays there). Where the development went, into its
    // thread; where it has not been sent yet, delivery posts it as the development.
    const original = await deps.store.findDevelopmentAlert(decision.developmentId);
    if (original) {
      const followUp = buildFollowUp(original.alert, article, decision);
      const targets = deps.audience ? await deps.audience(followUp, feedId) : original.targets;
      if (targets.length) alert = { alert: followUp, targets, createdAt: at, feedId };
    }
  }
  const recorded = await deps.store.recordArticle({ article, feedId, decision, processedAt: at }, alert);
  // Committed: now (and not before) the engine may learn it. Not recorded means another
  // process did; it reaches this engine through the knowledge log (catchUp).
  // Off-topic ones too: a near miss teaches which names are not the story's (as classify does).
  if (recorded) {
    const dev = decision.relevant ? decision.developmentId : null;
    if (prepared) deps.engine.rememberPrepared(prepared, dev, decision.novel);
    else deps.engine.remember(article, dev, decision.novel);
    // As catch-up does for the same entry, so a replay retires exactly what this did.
    retireFor(deps.engine, article, at, deps.retentionDays);
  }
  if (!recorded) return { skipped: true };
  deps.metrics?.analysed(!decision.relevant ? 'off-topic' : alert ? alert.alert.kind ?? 'development' : 'relevant', seconds);
  return alert ? { skipped: false, decision, alert } : { skipped: false, decision };
}
