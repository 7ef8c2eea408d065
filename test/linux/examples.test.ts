// The examples natively on Linux, unchanged: the cases of test/fixtures/examples-suite.ts, in every Linux build of
// Node the suite covers.
import { join } from 'node:path';
import { describe } from 'vitest';
import { describeExamples, EXAMPLES } from '../fixtures/examples-suite.js';
import { onLinux, runtime, uniqueName, versions } from './harness.js';

describe.runIf(onLinux)('on Linux', () => {
  describeExamples({
    os: 'linux',
    label: 'Linux node',
    versions,
    run: (version, script, args = [], nodeOptions) =>
      runtime.runNode(version, join(EXAMPLES, script), args, nodeOptions ? { env: { NODE_OPTIONS: nodeOptions } } : {}),
    uniqueName,
    openedViewLength: 1024,
    granularity: 4096n,
  });
});
