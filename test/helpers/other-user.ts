/**
 * The app as another user (uid 65534) can run it. Tests run as root write whatever a file's
 * mode says, so "read-only" and "non-root" cases run as that user; but a checkout under a
 * private directory (a CI workspace, a mktemp clone) is closed to it. Then the app is copied
 * into a world-readable temp dir (node_modules hard-linked where the disk allows, else copied).
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BIN, ROOT } from './paths.js';

export const NOBODY = { uid: 65534, gid: 65534 };
const PARTS = ['bin', 'dist', 'config', 'node_modules', 'package.json'];

let copy: string | undefined;

/** True when uid 65534 can read the checkout's entry point where it is. */
function openToOthers(): boolean {
  return spawnSync(process.execPath, ['-e', `require('fs').accessSync(${JSON.stringify(BIN)})`], { ...NOBODY, timeout: 10_000 }).status === 0;
}

/** A root holding bin/, dist/, config/, node_modules/ and package.json that uid 65534 may read. */
export function appRootForOthers(): string {
  if (process.getuid?.() !== 0 || openToOthers()) return ROOT;
  if (copy && existsSync(copy)) return copy;
  const dir = mkdtempSync(path.join(tmpdir(), 'sw-app-'));
  chmodSync(dir, 0o755);
  for (const part of PARTS) {
    const from = path.join(ROOT, part);
    const to = path.join(dir, part);
    // Hard links cost nothing but need one filesystem; a copy works anywhere.
    const linked = part === 'node_modules' && spawnSync('cp', ['-al', from, to]).status === 0;
    if (!linked) cpSync(from, to, { recursive: true });
  }
  spawnSync('chmod', ['-R', 'go+rX', dir]);
  copy = dir;
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
