import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/reliability/**/*.test.ts'],
    testTimeout: 300_000,
    hookTimeout: 60_000,
    fileParallelism: false,
    // Processes the tests start must not read a developer's own ./.env.
    env: { STORYWATCH_ENV_FILE: 'off' },
    reporters: ['default', ['json', { outputFile: '.test-results/reliability.json' }]],
  },
});
