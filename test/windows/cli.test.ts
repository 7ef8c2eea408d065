// The filemapping command in Windows node.exe (under Wine on Linux): the cases of test/fixtures/cli-suite.ts.
import { join } from 'node:path';
import { describe } from 'vitest';
import { ROOT } from '../../scripts/windows-runtime.mjs';
import { type CliPlatform, describeCli, describeLargeCli } from '../fixtures/cli-suite.js';
import { runtime, uniqueName, versions, VIEW_MODES } from './harness.js';

const CLI = join(ROOT, 'bin', 'filemapping.cjs');

const windows = (version: string): CliPlatform => ({
  cli: (args, env = {}, input) => runtime.runNode(version, CLI, args, { env, input }),
  uniqueName,
  notFound: 'ERROR_FILE_NOT_FOUND',
  openedSizeRounded: true,
});

// Every command that maps a view runs in both view modes, as Electron's main process would force copy mode.
const version = versions[versions.length - 1] as string;
for (const [mode, env] of VIEW_MODES) describeCli(`the filemapping command, Windows node ${version}, ${mode} mode`, windows(version), env);

describe.each(versions)('Windows node %s', (v) => {
  describeLargeCli('the filemapping command on a 5 GiB section', windows(v));
});
