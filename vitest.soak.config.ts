import { defineConfig } from 'vitest/config';

// `npm run test:soak`: the slow stress tests (hundreds of child processes, pool teardown races) kept
// out of `npm test` so the contributor's loop stays short; `.ci/run` runs them after `npm test`.
export default defineConfig({
  test: {
    pool: 'forks',
    include: ['test/soak/**/*.test.ts'],
    testTimeout: 600_000,
    hookTimeout: 60_000,
  },
});
