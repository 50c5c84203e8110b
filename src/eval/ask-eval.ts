/**
 * Scores `ask` on a labelled stream in process, the way tools/ask_score.py does through the
 * running bot: the engine classifies the stream in order into a real SQLite store, then each
 * question is answered and counts when the first `chars` characters of the reply (the
 * question's own text removed, lower case) hold a term of every `must` group. Fast enough
 * for a test; the Python scorer stays the reference (it also goes through Slack).
 *
 * `node dist/eval/ask-eval.js <stream dir> <questions.jsonl> [--chars N] [--show]`
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createEngine } from '../analysis/engine.js';
import { answerQuestion } from '../chat/commands/ask.js';
import { parseArticleLine } from '../domain/article.js';
import { createSqliteStore } from '../store/sqlite/sqlite-store.js';
import { streamInfo, streamStory } from './streams.js';

export interface AskQuestion {
  id: string;
  q: string;
  must: string[][];
}

export interface AskResult {
  id: string;
  q: string;
  ok: boolean;
  reply: string;
}

/** Whether a reply answers: every `must` group has a term in its first `chars` characters. */
export function answers(reply: string, q: AskQuestion, chars: number): boolean {
  const escaped = q.q.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const text = reply.replace(new RegExp(escaped, 'gi'), ' ').slice(0, chars).toLowerCase();
  return q.must.every((group) => group.some((t) => text.includes(t.toLowerCase())));
}

export async function askEval(streamDir: string, questionsFile: string, chars = 160): Promise<AskResult[]> {
  const { story, corpus } = streamStory(streamInfo(streamDir));
  const engine = createEngine(story, corpus);
  const dir = mkdtempSync(path.join(tmpdir(), 'sw-ask-eval-'));
  const store = createSqliteStore({ dir, warn: () => {} });
  try {
    for (const line of readFileSync(path.join(streamDir, 'stream.jsonl'), 'utf8').split('\n')) {
      if (!line.trim()) continue;
      const parsed = parseArticleLine(line);
      if (!parsed.ok) throw new Error(`${streamDir}/stream.jsonl: ${parsed.error}`);
      const d = engine.classify(parsed.value);
      const { closest: _closest, id: _id, ...decision } = d;
      await store.recordArticle({ feedId: 'stream', processedAt: new Date().toISOString(), article: parsed.value, decision });
    }
    const questions = readFileSync(questionsFile, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as AskQuestion);
    const out: AskResult[] = [];
    for (const q of questions) {
      const reply = await answerQuestion({ store, corpus, story }, q.q);
      out.push({ id: q.id, q: q.q, ok: answers(reply, q, chars), reply });
    }
    return out;
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(argv: string[]): Promise<void> {
  const [streamDir, questions] = argv.filter((a) => !a.startsWith('--') && !/^\d+$/.test(a));
  if (!streamDir || !questions) throw new Error('usage: ask-eval <stream dir> <questions.jsonl> [--chars N] [--show]');
  const at = argv.indexOf('--chars');
  const results = await askEval(streamDir, questions, at >= 0 ? Number(argv[at + 1]) : 160);
  for (const r of results) {
    process.stdout.write(`${r.id} ${r.ok ? 'ok  ' : 'MISS'} ${r.q}\n`);
    if (argv.includes('--show')) process.stdout.write(`    ${r.reply.slice(0, 400).replace(/\n/g, ' | ')}\n`);
  }
  process.stdout.write(`answered=${results.filter((r) => r.ok).length}/${results.length}\n`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main(process.argv.slice(2));
