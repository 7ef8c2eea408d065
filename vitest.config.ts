import { availableParallelism } from 'node:os';
import { relative } from 'node:path';
import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * The test files that take longest, longest first: run first, they overlap the many short files instead of running
 * alone at the end. Without a cache of past durations (a fresh clone, as in CI) Vitest orders files by project name,
 * then by size, which started the slowest (the Windows ones, the command's and the examples' among the last: their
 * cases are in test/fixtures) after every Linux and unit file. Seconds per file, measured on the 2-core machine beside
 * other work (Windows: Node 20 and 24 under Wine, counted for four versions): Windows channel ~200, Linux channel ~180,
 * Windows sync ~140, Windows examples ~120, Windows command ~80, Linux command ~70, Linux sections and sync ~50 each;
 * the next are under 50.
 */
export const SLOWEST_FIRST = [
  'test/windows/channel.test.ts',
  'test/linux/channel.test.ts',
  'test/windows/sync.test.ts',
  'test/windows/examples.test.ts',
  'test/windows/cli.test.ts',
  'test/linux/cli.test.ts',
  'test/linux/sections.test.ts',
  'test/linux/sync.test.ts',
];

/** Vitest's order, but the files of SLOWEST_FIRST first, in that order. */
class SlowestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (file: TestSpecification) => {
      const index = SLOWEST_FIRST.indexOf(relative(file.project.config.root, file.moduleId).replaceAll('\\', '/'));
      return index === -1 ? SLOWEST_FIRST.length : index;
    };
    return (await super.sort(files)).sort((a, b) => rank(a) - rank(b));
  }
}

// One project per runtime a test needs, each provisioning only that runtime in its global setup, so that
// `vitest run --project unit` (`npm run test:unit`) needs neither Wine nor the Linux builds of Node, and `vitest run`
// (`npm test`) runs every project and fails, with the command that installs Wine, when Wine is missing.
export default defineConfig({
  test: {
    // Each Windows test starts node.exe processes under Wine (about 0.3 s each, more on a loaded machine). This bound
    // only turns a hung peer into a failure instead of a stuck run; no test asserts on time.
    testTimeout: 300_000,
    // Most of a test's time is spent waiting for the processes it started (under Wine, their start-up), so more files
    // run at once than there are cores. Measured CI runs on a 2-core machine: one file at a time 16.5 min, two 13.8 min
    // (CPU 62% busy), three 11.5 min.
    maxWorkers: Math.max(3, availableParallelism() - 1),
    sequence: { sequencer: SlowestFirst },
    // The global setups download runtimes on a first run.
    hookTimeout: 600_000,
    projects: [
      // Pure logic against fake backends: runs anywhere, in seconds, with nothing provisioned.
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      // The real Linux kernel, in each Linux build of Node (downloaded once); the benchmarks' smoke run is native too.
      {
        extends: true,
        test: { name: 'linux', include: ['test/linux/**/*.test.ts', 'test/bench/**/*.test.ts'], globalSetup: ['test/setup/linux.ts'] },
      },
      // Everything that runs Windows node.exe: under Wine on Linux, provisioned here only. exports.test.ts loads the
      // package in node.exe too, and the demo's --wine cases start Wine.
      {
        extends: true,
        test: {
          name: 'windows',
          include: ['test/windows/**/*.test.ts', 'test/package/exports.test.ts', 'test/demo.test.ts'],
          globalSetup: ['test/setup/windows.ts'],
        },
      },
      // Checks on the repository in this Node: the package as published, the docs, and that every test file is in a
      // project (test/package/projects.test.ts). Nothing to provision.
      {
        extends: true,
        test: {
          name: 'repo',
          include: [
            'test/package/hygiene.test.ts',
            'test/package/projects.test.ts',
            'test/package/types.test.ts',
            'test/package/prerequisites.test.ts',
            'test/docs/**/*.test.ts',
          ],
        },
      },
    ],
  },
});
