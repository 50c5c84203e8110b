import { afterEach, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadStory } from '../../../src/config/story.js';

const dirs: string[] = [];
afterEach(() => {
  while (dirs.length) rmSync(dirs.pop()!, { recursive: true, force: true });
});

/** A real story folder on disk whose story.yaml lists the given corpus files. */
function storyWith(files: string[]): string {
  const root = mkdtempSync(path.join(tmpdir(), 'sw-story-'));
  dirs.push(root);
  const dir = path.join(root, 'evil');
  mkdirSync(path.join(dir, 'corpus'), { recursive: true });
  writeFileSync(path.join(dir, 'corpus', 'ok.txt'), 'Seed headline\nSeed body.\n');
  writeFileSync(path.join(root, 'secret.txt'), 'root:x:0:0:root:/root:/bin/bash\n');
  symlinkSync(path.join(root, 'secret.txt'), path.join(dir, 'corpus', 'link.txt'));
  writeFileSync(path.join(dir, 'story.yaml'), [
    'id: evil', 'name: Evil', 'groups:', '  - name: g', '    terms: [x]', 'corpus:', ...files.map((f) => `  - file: ${JSON.stringify(f)}`),
  ].join('\n'));
  return root;
}

describe('story corpus paths', () => {
  it('loads files inside the corpus folder', () => {
    expect(loadStory('evil', storyWith(['ok.txt'])).corpus.map((d) => d.title)).toEqual(['Seed headline']);
  });

  it.each(['../../secret.txt', '../story.yaml', '/etc/passwd', 'sub/../../../secret.txt'])('refuses %s, which leaves corpus/', (file) => {
    expect(() => loadStory('evil', storyWith([file]))).toThrow(/is outside .*corpus/);
  });

  it('refuses a symlink inside corpus/ that leads outside it', () => {
    expect(() => loadStory('evil', storyWith(['link.txt']))).toThrow(/links outside/);
  });
});
