/** Recording an analysed article: shared by the store and the one-time JSONL import. */
import type { AlertRecord, ProcessedArticle } from '../ports.js';
import type { Db } from './database.js';

/** Milliseconds of an ISO time; now when it is missing or unreadable. */
export function time(iso: string | undefined): number {
  const t = iso ? Date.parse(iso) : Number.NaN;
  return Number.isNaN(t) ? Date.now() : t;
}

/**
 * One transaction: the seen id, the knowledge-log row, the development's row, the alert
 * and one delivery row per target. False (and nothing written) if the id was seen before.
 */
export function recorder(db: Db): (entry: ProcessedArticle, alert: AlertRecord | undefined, at: number) => boolean {
  const see = db.prepare('INSERT OR IGNORE INTO seen (id, at) VALUES (?, ?)');
  const addArticle = db.prepare('INSERT INTO articles (id, feed_id, url, development_id, at, entry) VALUES (?, ?, ?, ?, ?, ?)');
  const touchDev = db.prepare(`INSERT INTO developments (id, headline, first_at, last_at, reports, alert_id) VALUES (?, ?, ?, ?, 1, ?)
    ON CONFLICT (id) DO UPDATE SET last_at = max(last_at, excluded.last_at), reports = reports + 1, alert_id = coalesce(alert_id, excluded.alert_id)`);
  const addAlert = db.prepare('INSERT OR IGNORE INTO alerts (id, development_id, follow_up, at, record) VALUES (?, ?, ?, ?, ?)');
  const addDelivery = db.prepare('INSERT OR IGNORE INTO deliveries (alert_id, target) VALUES (?, ?)');
  return db.transaction((entry: ProcessedArticle, alert: AlertRecord | undefined, at: number): boolean => {
    if (see.run(entry.article.id, at).changes === 0) return false;
    const d = entry.decision;
    const devId = d.relevant ? d.developmentId : null;
    addArticle.run(entry.article.id, entry.feedId, entry.article.url, devId, at, JSON.stringify(entry));
    const announces = alert && alert.alert.kind !== 'follow-up' ? alert.alert.id : null;
    if (devId) touchDev.run(devId, alert?.alert.headline ?? entry.article.title, at, at, announces);
    if (alert) {
      addAlert.run(alert.alert.id, alert.alert.developmentId ?? devId, announces ? 0 : 1, time(alert.createdAt), JSON.stringify(alert));
      for (const t of alert.targets) addDelivery.run(alert.alert.id, t);
    }
    return true;
  });
}
