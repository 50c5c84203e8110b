/**
 * Scores decisions against a labelled stream exactly as ../shared/tools/score.py does,
 * so `npm run eval` and the shared scorer print the same numbers: precision, recall and
 * F1 of new-development alerts, relevance accuracy, key-fact coverage, and the wrong
 * alerts split into off-topic, duplicate (a development already alerted) and rehash.
 * Adds development grouping, which the shared scorer does not report. Pure.
 */

export interface Label {
  relevant: boolean;
  novel: boolean;
  dev: string | null;
  keys: string[];
}

export interface Prediction {
  id: string;
  relevant: boolean;
  novel: boolean;
  developmentId?: string | null;
  summary: string;
  facts: string[];
}

export interface Scores {
  articles: number;
  alerts: number;
  tp: number;
  fp: number;
  fn: number;
  precision: number;
  recall: number;
  f1: number;
  relevanceAccuracy: number;
  /** True positives whose summary or facts contain one of the article's key words. */
  keyFactHits: number;
  offTopicAlerts: number;
  duplicateAlerts: number;
  rehashAlerts: number;
  groupingAccuracy: number;
  missed: string[];
  wrongAlerts: string[];
}

/** @param order the stream's article ids in publication order (duplicates are judged against earlier ones). */
export function score(labels: Record<string, Label>, predictions: Prediction[], order: string[] = predictions.map((p) => p.id)): Scores {
  const byId = new Map(predictions.map((p) => [p.id, p]));
  const s: Scores = {
    articles: order.length, alerts: 0, tp: 0, fp: 0, fn: 0, precision: 0, recall: 0, f1: 0, relevanceAccuracy: 0, keyFactHits: 0,
    offTopicAlerts: 0, duplicateAlerts: 0, rehashAlerts: 0, groupingAccuracy: 1, missed: [], wrongAlerts: [],
  };
  const alertedDevs = new Set<string>();
  let relevantRight = 0;
  for (const id of order) {
    const l = labels[id];
    if (!l) continue;
    const p = byId.get(id);
    const alert = Boolean(p?.relevant) && Boolean(p?.novel);
    const want = l.relevant && l.novel;
    if (Boolean(p?.relevant) === l.relevant) relevantRight++;
    if (alert && want) {
      s.tp++;
      const text = `${p!.summary ?? ''} ${(p!.facts ?? []).join(' ')}`.toLowerCase();
      if (l.keys.some((k) => text.includes(k.toLowerCase()))) s.keyFactHits++;
    } else if (alert) {
      s.fp++;
      s.wrongAlerts.push(id);
      if (!l.relevant) s.offTopicAlerts++;
      else if (l.dev && alertedDevs.has(l.dev)) s.duplicateAlerts++;
      else s.rehashAlerts++;
    } else if (want) {
      s.fn++;
      s.missed.push(id);
    }
    // score.py: "duplicate" means an earlier article of the same development was labelled novel.
    if (l.dev && l.novel) alertedDevs.add(l.dev);
  }
  s.alerts = s.tp + s.fp;
  s.precision = s.tp + s.fp ? s.tp / (s.tp + s.fp) : 0;
  s.recall = s.tp + s.fn ? s.tp / (s.tp + s.fn) : 0;
  s.f1 = s.precision + s.recall ? (2 * s.precision * s.recall) / (s.precision + s.recall) : 0;
  s.relevanceAccuracy = order.length ? relevantRight / order.length : 0;
  s.groupingAccuracy = grouping(labels, order, byId);
  return s;
}

/** Share of follow-ups and copies that land in the development of their breaking article. */
function grouping(labels: Record<string, Label>, order: string[], byId: Map<string, Prediction>): number {
  const breaking = new Map<string, string | null | undefined>();
  let total = 0;
  let right = 0;
  for (const id of order) {
    const l = labels[id];
    const p = byId.get(id);
    if (!l?.dev) continue;
    if (l.novel && !breaking.has(l.dev)) {
      breaking.set(l.dev, p?.developmentId);
      continue;
    }
    if (!breaking.has(l.dev)) continue;
    total++;
    const target = breaking.get(l.dev);
    if (target && p?.developmentId === target) right++;
  }
  return total ? right / total : 1;
}

/** Rounds to 3 places as Python's round() does: exact halves go to the even neighbour. */
export function round3(n: number): number {
  const x = n * 1000;
  const floor = Math.floor(x);
  const r = x - floor === 0.5 ? (floor % 2 === 0 ? floor : floor + 1) : Math.round(x);
  return r / 1000;
}
