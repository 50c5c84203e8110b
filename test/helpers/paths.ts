import { fileURLToPath } from 'node:url';
import path from 'node:path';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const BIN = path.join(ROOT, 'bin/storywatch.js');
export const EVAL_DEV = path.join(ROOT, 'test/fixtures/eval-dev');
export const EVAL_SYNTHETIC = path.join(ROOT, 'test/fixtures/eval-synthetic');
