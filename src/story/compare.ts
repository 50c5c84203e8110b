/**
 * Drafted against hand-written: every labelled stream whose folder holds a hand-written
 * story/ is scored twice, once with that story and once with a story drafted by
 * `story new` from the same seed files (their dates given as @ suffixes), both with the
 * model fitted without the story (leave one story out). The gap is what a user loses by
 * not writing the groups by hand.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { heldOutModels, evaluateStream } from '../eval/loso.js';
import { devStreams, streamStory, type DevStream } from '../eval/streams.js';
import { VIEWS, type View } from '../eval/views.js';
import { draftStory } from './draft.js';
import type { Seed } from './seeds.js';
import { writeStory } from './write.js';

export interface CompareRow {
  story: string;
  view: View;
  handF1: number;
  draftF1: number;
}

/** The hand-written story's seeds, as `story new` would read them from its corpus files. */
export function seedsOf(s: DevStream): Seed[] {
  const { corpus } = streamStory(s);
  return corpus.map((d) => ({
    source: d.id, title: d.title, content: d.content,
    publishedAt: new Date(d.publishedAt ?? 0), dateFrom: '@ suffix',
  }));
}

export function compareDrafted(views: readonly View[] = VIEWS, progress?: (m: string) => void): CompareRow[] {
  const all = devStreams();
  // Every real stream with a hand-written story: its own story/ folder, or the tracked story it names.
  const withStory = all.filter((s) => !s.synthetic && existsSync(path.join(s.storyDir, 'story.yaml')));
  const models = heldOutModels(all, progress);
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'storywatch-drafted-'));
  const rows: CompareRow[] = [];
  try {
    for (const s of withStory) {
      progress?.(`drafting and scoring ${s.story}`);
      const seeds = seedsOf(s);
      const dir = writeStory(tmp, s.story, s.story, seeds, draftStory(seeds), true);
      const model = models.get(s.story);
      const hand = evaluateStream(s, views, model);
      const drafted = evaluateStream({ ...s, storyDir: dir }, views, model);
      for (const view of views) {
        const f1 = (r: typeof hand) => { const v = r.views.find((x) => x.view === view)!; return (v.heldOut ?? v.storywatch).f1; };
        rows.push({ story: s.story, view, handF1: f1(hand), draftF1: f1(drafted) });
      }
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return rows;
}

export function formatComparison(rows: CompareRow[]): string {
  const f = (n: number) => n.toFixed(3);
  const lines = [`  ${'story'.padEnd(28)}${'view'.padEnd(10)}${'hand'.padStart(8)}${'drafted'.padStart(9)}${'gap'.padStart(8)}`];
  for (const r of rows) lines.push(`  ${r.story.padEnd(28)}${r.view.padEnd(10)}${f(r.handF1).padStart(8)}${f(r.draftF1).padStart(9)}${f(r.draftF1 - r.handF1).padStart(8)}${r.draftF1 < r.handF1 - 0.05 ? '  > 0.05 below' : ''}`);
  for (const view of new Set(rows.map((r) => r.view))) {
    const vs = rows.filter((r) => r.view === view);
    const mean = (g: (r: CompareRow) => number) => vs.reduce((a, r) => a + g(r), 0) / vs.length;
    lines.push(`  ${'mean'.padEnd(28)}${view.padEnd(10)}${f(mean((r) => r.handF1)).padStart(8)}${f(mean((r) => r.draftF1)).padStart(9)}${f(mean((r) => r.draftF1 - r.handF1)).padStart(8)}`);
  }
  const within = rows.filter((r) => r.draftF1 >= r.handF1 - 0.05).length;
  lines.push(`  ${within} of ${rows.length} story/view pairs within 0.05 of the hand-written story (held-out model for both)`);
  return lines.join('\n');
}
