// The examples in Windows node.exe (under Wine on Linux): the cases of test/fixtures/examples-suite.ts.
import { join } from 'node:path';
import { describeExamples, EXAMPLES } from '../fixtures/examples-suite.js';
import { runtime, uniqueName, versions } from './harness.js';

describeExamples({
  os: 'win32',
  label: 'Windows node',
  versions,
  run: (version, script, args = [], nodeOptions) =>
    runtime.runNode(version, join(EXAMPLES, script), args, nodeOptions ? { env: { NODE_OPTIONS: nodeOptions } } : {}),
  uniqueName,
  openedViewLength: 4096,
  granularity: 65536n,
});
