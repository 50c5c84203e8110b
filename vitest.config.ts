import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The reliability suite has its own config and script (npm run test:reliability).
    exclude: ['test/reliability/**', '**/node_modules/**'],
    testTimeout: 30_000,
    // Processes the tests start must not read a developer's own ./.env (tests that want one set it).
    env: { STORYWATCH_ENV_FILE: 'off' },
    hookTimeout: 30_000,
    // The JSON report lets .ci/run print a plain "N passed, N failed" closing line.
    reporters: ['default', ['json', { outputFile: '.test-results/vitest.json' }]],
  },
});
