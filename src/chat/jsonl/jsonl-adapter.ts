/**
 * JSONL adapter: target "jsonl:/path/file.jsonl" appends one JSON line per delivered
 * alert. For audit trails and pipelines into other tools; the tests count deliveries
 * across worker processes with it. One small append per alert is atomic with O_APPEND.
 */
import { appendFileSync, closeSync, existsSync, fstatSync, openSync, readSync } from 'node:fs';
import type { Alert } from '../../domain/alert.js';
import type { ChatAdapter } from '../ports.js';

/** How much of the file's end a lookup reads: an interrupted post is among the last lines. */
const TAIL_BYTES = 4 * 1024 * 1024;

export function createJsonlAdapter(): ChatAdapter {
  return {
    name: 'jsonl',
    handles: (target) => target.startsWith('jsonl:') && target.length > 'jsonl:'.length,
    async postAlert(target, alert) {
      const file = target.slice('jsonl:'.length);
      appendFileSync(file, `${JSON.stringify({ target, alert, deliveredAt: new Date().toISOString(), pid: process.pid })}\n`);
      return {};
    },
    // A process killed between the append and the delivery mark: the line is there, and a
    // second append would deliver the alert twice.
    async findPosted(target, alert, since) {
      return posted(target.slice('jsonl:'.length), alert, since);
    },
    async postNotice(target, text) {
      appendFileSync(target.slice('jsonl:'.length), `${JSON.stringify({ target, notice: text, at: new Date().toISOString(), pid: process.pid })}\n`);
    },
    async close() {},
  };
}

/** Of the ids `alert` stands for, those in alert lines of `file` delivered since `since`. */
function posted(file: string, alert: Alert, since: string): string[] {
  const wanted = new Set(alert.mergedIds ?? [alert.id]);
  const found = new Set<string>();
  for (const line of tail(file).split('\n')) {
    if (!line.includes('"alert"')) continue;
    try {
      const l = JSON.parse(line) as { alert?: Alert; deliveredAt?: string };
      if (!l.alert || (l.deliveredAt ?? '') < since) continue;
      for (const id of l.alert.mergedIds ?? [l.alert.id]) if (wanted.has(id)) found.add(id);
    } catch {
      // The first line of the tail may be cut; another process's line is whole (O_APPEND).
    }
  }
  return [...found];
}

function tail(file: string): string {
  if (!existsSync(file)) return '';
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    const length = Math.min(size, TAIL_BYTES);
    const buf = Buffer.alloc(length);
    readSync(fd, buf, 0, length, size - length);
    return buf.toString('utf8');
  } finally {
    closeSync(fd);
  }
}
