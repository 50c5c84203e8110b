import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';
import { redisPlan, redisTestFiles, reportSkipped } from './test/setup/redis-plan.js';

const root = fileURLToPath(new URL('.', import.meta.url));
const plan = await redisPlan();
const noRedis = plan.kind === 'absent' ? redisTestFiles(root, 'test/reliability') : [];
reportSkipped(root, noRedis, plan.kind === 'absent' ? plan.why : undefined, 'skipped-files-reliability.json');

export default defineConfig({
  test: {
    include: ['test/reliability/**/*.test.ts'],
    exclude: ['**/node_modules/**', ...noRedis],
    globalSetup: ['test/setup/global-setup.ts'],
    testTimeout: 300_000,
    hookTimeout: 60_000,
    // Two files at a time: the suite mostly waits (kills, restarts, Retry-After, platform
    // pacing), and each file has its own Redis prefix or server, processes and data dirs.
    fileParallelism: true,
    maxWorkers: 2,
    // Processes the tests start must not read a developer's own ./.env.
    env: { STORYWATCH_ENV_FILE: 'off' },
    reporters: ['default', ['json', { outputFile: '.test-results/reliability.json' }]],
  },
});
