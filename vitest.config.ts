import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Most of the end-to-end files wait on child processes and loopback servers rather than the CPU, so
    // two files at a time keep a two-core machine busy without starving the bots they spawn.
    maxWorkers: 2,
  },
});
