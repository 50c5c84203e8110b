/**
 * Scores a run of `classify` against a labelled stream: precision/recall/F1 of
 * new-development alerts, relevance accuracy, off-topic and duplicate alerts, key-fact
 * coverage and development grouping. Pure: predictions and labels in, numbers out.
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
  developmentId: string | null;
  summary: string;
  facts: string[];
}

export interface Scores {
  articles: number;
  alerts: number;
  truePositives: number;
  precision: number;
  recall: number;
  f1: number;
  relevanceAccuracy: number;
  offTopicAlerts: number;
  duplicateAlerts: number;
  keyFactCoverage: number;
  groupingAccuracy: number;
  missed: string[];
  wrongAlerts: string[];
}

/** Folds British/American spellings so "authorised" meets the key "authoriz". */
export function canonicalSpelling(s: string): string {
  return s.toLowerCase().replace(/(?<=[a-z]{3})is(?=(e|ed|es|er|ing|ation|ations)?\b)/g, 'iz');
}

export function score(labels: Record<string, Label>, predictions: Prediction[]): Scores {
  const labelled = predictions.filter((p) => labels[p.id]);
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let offTopic = 0;
  let dupes = 0;
  let relevantRight = 0;
  const missed: string[] = [];
  const wrong: string[] = [];
  for (const p of labelled) {
    const l = labels[p.id]!;
    const alert = p.relevant && p.novel;
    if (p.relevant === l.relevant) relevantRight++;
    if (alert && l.novel) tp++;
    if (alert && !l.novel) {
      fp++;
      wrong.push(p.id);
      if (!l.relevant) offTopic++;
      else dupes++;
    }
    if (!alert && l.novel) {
      fn++;
      missed.push(p.id);
    }
  }
  const precision = tp + fp ? tp / (tp + fp) : 1;
  const recall = tp + fn ? tp / (tp + fn) : 1;
  return {
    articles: labelled.length,
    alerts: tp + fp,
    truePositives: tp,
    precision,
    recall,
    f1: precision + recall ? (2 * precision * recall) / (precision + recall) : 0,
    relevanceAccuracy: labelled.length ? relevantRight / labelled.length : 0,
    offTopicAlerts: offTopic,
    duplicateAlerts: dupes,
    keyFactCoverage: keyCoverage(labels, labelled),
    groupingAccuracy: grouping(labels, labelled),
    missed,
    wrongAlerts: wrong,
  };
}

function keyCoverage(labels: Record<string, Label>, preds: Prediction[]): number {
  let total = 0;
  let found = 0;
  for (const p of preds) {
    const l = labels[p.id]!;
    if (!l.novel) continue;
    const keys = [...new Set(l.keys.map(canonicalSpelling))];
    const text = canonicalSpelling(p.relevant && p.novel ? `${p.summary}\n${p.facts.join('\n')}` : '');
    total += keys.length;
    found += keys.filter((k) => text.includes(k)).length;
  }
  return total ? found / total : 1;
}

/** Share of follow-ups and copies that land in the development of their breaking article. */
function grouping(labels: Record<string, Label>, preds: Prediction[]): number {
  const breaking = new Map<string, string | null>();
  for (const p of preds) {
    const l = labels[p.id]!;
    if (l.novel && l.dev && !breaking.has(l.dev)) breaking.set(l.dev, p.developmentId);
  }
  let total = 0;
  let right = 0;
  for (const p of preds) {
    const l = labels[p.id]!;
    if (l.novel || !l.dev || !breaking.has(l.dev)) continue;
    total++;
    const target = breaking.get(l.dev);
    if (target && p.developmentId === target) right++;
  }
  return total ? right / total : 1;
}
