import os from 'node:os';
import { defineConfig } from 'vitest/config';

// Native addons and worker threads: 'forks' isolates each test file in a child process, the
// documented choice for addons. Tests import the built JS (dist/) so workers run real files.
export default defineConfig({
  test: {
    pool: 'forks',
    // vitest's default is one file per core less one: a single file at a time on a 2-core machine. Most
    // files wait on children, workers or the disk part of the time, so one per core keeps both busy.
    maxWorkers: os.availableParallelism(),
    include: ['test/**/*.test.ts'],
    reporters: ['default', './test/support/unfinished-reporter.ts'],
    // The tests import the built JS (dist/), plain ES modules: Node loads them itself, as the engine's
    // workers and users do, instead of vite transforming and serving every module again to each test
    // file's fork (a third of a small file's time went there).
    server: { deps: { external: [/\/dist\//] } },
    // Soak and stress tests (hundreds of processes) run in `npm run test:soak`, which CI runs too.
    exclude: ['test/soak/**', '**/node_modules/**'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
