/**
 * Worker-thread entry for page extraction: DOM building and Readability are synchronous and
 * can run long on hostile markup, so they run here, where the pool can terminate them at
 * their budget without the bot's event loop ever waiting.
 */
import { parentPort } from 'node:worker_threads';
import { extractArticle } from './extract.js';

interface Task { id: number; html: string; maxChars: number }

parentPort?.on('message', (task: Task) => {
  try {
    parentPort!.postMessage({ id: task.id, result: extractArticle(task.html, task.maxChars) ?? null });
  } catch (err) {
    // A stack overflow on deep markup lands here: the worker stays usable.
    parentPort!.postMessage({ id: task.id, error: (err as Error).message || String(err) });
  }
});
