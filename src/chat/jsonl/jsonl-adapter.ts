/**
 * JSONL adapter: target "jsonl:/path/file.jsonl" appends one JSON line per delivered
 * alert. For audit trails and pipelines into other tools; the tests count deliveries
 * across worker processes with it. One small append per alert is atomic with O_APPEND.
 */
import { appendFileSync } from 'node:fs';
import type { ChatAdapter } from '../ports.js';

export function createJsonlAdapter(): ChatAdapter {
  return {
    name: 'jsonl',
    handles: (target) => target.startsWith('jsonl:') && target.length > 'jsonl:'.length,
    async postAlert(target, alert) {
      const file = target.slice('jsonl:'.length);
      appendFileSync(file, `${JSON.stringify({ target, alert, deliveredAt: new Date().toISOString(), pid: process.pid })}\n`);
      return {};
    },
    async postNotice(target, text) {
      appendFileSync(target.slice('jsonl:'.length), `${JSON.stringify({ target, notice: text, at: new Date().toISOString(), pid: process.pid })}\n`);
    },
    async close() {},
  };
}
