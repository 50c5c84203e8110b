import { fileURLToPath } from 'node:url';
import path from 'node:path';

/** Project root, the same from src/ (tests) and dist/ (built): both sit one level down. */
export const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export const CONFIG_DIR = path.join(PROJECT_ROOT, 'config');
export const STORIES_DIR = path.join(CONFIG_DIR, 'stories');
