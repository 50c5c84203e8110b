/**
 * `story check <id>`: what each group and term of a story matches, in its seeds and in
 * any labelled stream under eval/<id>/ (on-topic and off-topic apart), which terms never
 * match, and which off-topic items come close to being taken as the story's.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { createEngine } from '../analysis/engine.js';
import { sentences } from '../analysis/nlp.js';
import { matchGroups } from '../analysis/relevance.js';
import { loadStory } from '../config/story.js';
import type { StoryDefinition } from '../domain/story.js';
import { EVAL_DIR, loadStream } from '../eval/streams.js';

export interface TermCount { term: string; seeds: number; onTopic: number; offTopic: number }
export interface GroupCheck { name: string; seeds: number; onTopic: number; offTopic: number; terms: TermCount[] }

export interface CheckReport {
  id: string;
  seeds: number;
  stream?: { dir: string; onTopic: number; offTopic: number } | undefined;
  groups: GroupCheck[];
  /** Seeds that miss a required group: the story does not recognise its own coverage. */
  seedMisses: Array<{ title: string; missing: string[] }>;
  /** Off-topic stream items that scored as relevant or within 0.1 of the bar. */
  close: Array<{ id: string; title: string; score: number; relevant: boolean }>;
  /** On-topic stream items the story refuses. */
  missed: Array<{ id: string; title: string; score: number }>;
  minRelevance: number;
}

const single = (story: StoryDefinition, terms: string[]): StoryDefinition => ({ ...story, groups: [{ name: 'x', required: true, terms }] });
const mentions = (story: StoryDefinition, text: string[]) => matchGroups(story, text).matched.length > 0;

export function checkStory(id: string, root?: string, evalRoot = EVAL_DIR): CheckReport {
  const { story, corpus } = loadStory(id, root);
  const docs = corpus.map((d) => [d.title, ...sentences(d.content)].filter(Boolean));
  const streamDir = path.join(evalRoot, story.id);
  const stream = existsSync(path.join(streamDir, 'stream.jsonl')) && existsSync(path.join(streamDir, 'labels.json')) ? loadStream(streamDir) : undefined;
  const items = (stream?.articles ?? []).map((a) => ({ a, text: [a.title, ...sentences(a.content)].filter(Boolean), on: stream!.labels[a.id]?.relevant === true }));
  const count = (terms: string[]) => {
    const s = single(story, terms);
    return {
      seeds: docs.filter((d) => mentions(s, d)).length,
      onTopic: items.filter((x) => x.on && mentions(s, x.text)).length,
      offTopic: items.filter((x) => !x.on && mentions(s, x.text)).length,
    };
  };
  const groups = story.groups.map((g) => ({ name: g.name, ...count(g.terms), terms: g.terms.map((term) => ({ term, ...count([term]) })) }));
  const seedMisses = corpus.map((d, i) => ({ title: d.title || d.id, missing: matchGroups(story, docs[i]!).missing })).filter((x) => x.missing.length);
  const engine = createEngine(story, corpus);
  const decided = items.map((x) => ({ ...x, d: engine.classify(x.a) }));
  const close = decided.filter((x) => !x.on && (x.d.relevant || x.d.relevance >= story.minRelevance - 0.1))
    .map((x) => ({ id: x.a.id, title: x.a.title, score: x.d.relevance, relevant: x.d.relevant })).sort((a, b) => b.score - a.score);
  const missed = decided.filter((x) => x.on && !x.d.relevant).map((x) => ({ id: x.a.id, title: x.a.title, score: x.d.relevance }));
  return {
    id: story.id, seeds: corpus.length, groups, seedMisses, close, missed, minRelevance: story.minRelevance,
    stream: stream ? { dir: streamDir, onTopic: items.filter((x) => x.on).length, offTopic: items.filter((x) => !x.on).length } : undefined,
  };
}

export function formatCheck(r: CheckReport): string {
  const s = r.stream;
  const cols = (c: { seeds: number; onTopic: number; offTopic: number }) => `${c.seeds}/${r.seeds} seeds${s ? `, ${c.onTopic}/${s.onTopic} on-topic, ${c.offTopic}/${s.offTopic} off-topic` : ''}`;
  const lines = [`story ${r.id}: ${r.seeds} seed(s)${s ? `; labelled stream ${s.dir} (${s.onTopic} on-topic, ${s.offTopic} off-topic)` : '; no labelled stream under eval/' + r.id}`];
  for (const g of r.groups) {
    lines.push(`  group ${g.name}: ${cols(g)}`);
    for (const t of g.terms) lines.push(`    ${t.term.padEnd(28)} ${cols(t)}`);
  }
  const never = r.groups.flatMap((g) => g.terms.filter((t) => t.seeds === 0 && t.onTopic === 0 && t.offTopic === 0).map((t) => `${g.name}:${t.term}`));
  lines.push(never.length ? `terms that never match: ${never.join(', ')}` : 'every term matches somewhere');
  const broad = r.groups.flatMap((g) => g.terms.filter((t) => s && t.offTopic > 0 && t.offTopic >= t.onTopic).map((t) => `${g.name}:${t.term} (${t.offTopic} off-topic, ${t.onTopic} on-topic)`));
  if (broad.length) lines.push(`terms matching off-topic items as often as on-topic ones: ${broad.join(', ')}`);
  for (const m of r.seedMisses) lines.push(`seed "${m.title.slice(0, 70)}" misses ${m.missing.join(', ')}: add the word it uses`);
  if (s) {
    lines.push(r.close.length ? `off-topic items taken or close to the bar (minRelevance ${r.minRelevance}):` : 'no off-topic item comes close to the bar');
    for (const c of r.close.slice(0, 10)) lines.push(`    ${c.score.toFixed(3)} ${c.relevant ? 'TAKEN' : 'close'}  ${c.id} ${c.title.slice(0, 80)}`);
    if (r.missed.length) lines.push(`on-topic items refused (${r.missed.length}): ${r.missed.slice(0, 8).map((m) => `${m.id} ${m.score.toFixed(3)} "${m.title.slice(0, 50)}"`).join('; ')}`);
  }
  return lines.join('\n');
}
