import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    // Each Windows test starts node.exe processes under Wine (about 0.3 s each, more on a loaded machine). This bound
    // only turns a hung peer into a failure instead of a stuck run; no test asserts on time.
    testTimeout: 300_000,
    // Most of a test's time is spent waiting for the processes it started (under Wine, their start-up), so more files
    // run at once than there are cores. Measured CI runs on a 2-core machine: one file at a time 16.5 min, two 13.8 min
    // (CPU 62% busy), three 11.5 min.
    maxWorkers: Math.max(3, availableParallelism() - 1),
    hookTimeout: 600_000,
  },
});
