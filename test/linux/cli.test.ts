// The filemapping command natively on Linux: the same cases as under Wine (test/fixtures/cli-suite.ts), in every
// Linux build of Node the suite covers.
import { join } from 'node:path';
import { describe } from 'vitest';
import { ROOT } from '../../scripts/linux-runtime.mjs';
import { type CliPlatform, describeCli, describeLargeCli } from '../fixtures/cli-suite.js';
import { onLinux, runtime, uniqueName, versions, VIEW_MODES } from './harness.js';

const CLI = join(ROOT, 'bin', 'filemapping.cjs');

const linux = (version: string): CliPlatform => ({
  cli: (args, env = {}, input) => runtime.runNode(version, CLI, args, { env, input }),
  uniqueName,
  notFound: 'ENOENT',
  openedSizeRounded: false,
});

// Every version in zero-copy mode; copy mode (as Electron's main process forces it) in the newest.
describe.runIf(onLinux).each(versions)('Linux node %s', (version) => {
  for (const [mode, env] of VIEW_MODES) {
    if (mode === 'zero-copy' || version === versions[versions.length - 1]) describeCli(`the filemapping command, ${mode} mode`, linux(version), env);
  }
  describeLargeCli('the filemapping command on a 5 GiB section', linux(version));
});
