import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';
import { availableParallelism } from 'node:os';
import { redisPlan, redisTestFiles, reportSkipped } from './test/setup/redis-plan.js';

const root = fileURLToPath(new URL('.', import.meta.url));
// No Redis and no way to start one: the files that need it are left out, named, and
// reported (.ci/run fails on them); everything else still runs.
const plan = await redisPlan();
const noRedis = plan.kind === 'absent' ? redisTestFiles(root, 'test').filter((f) => !f.startsWith('test/reliability/')) : [];
reportSkipped(root, noRedis, plan.kind === 'absent' ? plan.why : undefined, 'skipped-files.json');

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The reliability suite has its own config and script (npm run test:reliability).
    exclude: ['test/reliability/**', '**/node_modules/**', ...noRedis],
    // Starts a redis-server of the suite's own when none answers (see test/setup/).
    globalSetup: ['test/setup/global-setup.ts'],
    // At least two files at a time: most of the suite waits on processes, sockets and Redis,
    // and vitest's default (cores - 1) runs it file by file on a 2-core machine (6 min, not 3).
    maxWorkers: Math.max(2, availableParallelism() - 1),
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Processes the tests start must not read a developer's own ./.env (tests that want one set it).
    env: { STORYWATCH_ENV_FILE: 'off' },
    // The JSON report lets .ci/run print a plain "N passed, N failed" closing line.
    reporters: ['default', ['json', { outputFile: '.test-results/vitest.json' }]],
  },
});
