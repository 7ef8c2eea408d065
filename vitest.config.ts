import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    // Each Windows test starts node.exe processes under Wine (about 0.3 s each, more on a loaded machine). This bound
    // only turns a hung peer into a failure instead of a stuck run; no test asserts on time.
    testTimeout: 300_000,
    hookTimeout: 600_000,
  },
});
