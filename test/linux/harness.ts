// Runs scenario scripts natively on Linux, in each Linux build of Node the suite covers (scripts/linux-runtime.mjs).
// The scenario files are the ones the Windows suite runs under Wine wherever they apply.
import { join } from 'node:path';
import { expect } from 'vitest';
import { provisionLinux, ROOT, run } from '../../scripts/linux-runtime.mjs';
import { scenarioRunner, SCENARIOS, uniqueName, VIEW_MODES, type RunResult } from '../fixtures/scenario-runner.js';

/** The Linux runtime: provisioned at import on Linux (downloads Node 22 and 24 once); empty elsewhere. */
export const runtime = provisionLinux();

/** The Node versions the Linux suite runs under (none off Linux: the suites are then reported as skipped). */
export const versions: string[] = runtime.versions;

export const onLinux = process.platform === 'linux';

export const { runScenario, scenario } = scenarioRunner(runtime.runNode);
// Names are bare, as Python and C programs use them.
export { SCENARIOS, uniqueName, VIEW_MODES, type RunResult };

export { run };

type Package = typeof import('../../src/index.js');

/** The package as built (dist/), loaded natively in this process: the other side of the in-process Linux tests. */
export async function loadPackage(): Promise<Package> {
  return (await import(join(ROOT, 'dist', 'index.cjs'))) as Package;
}

/**
 * Runs the scenario `script` with `args` in a mount namespace of its own whose /dev/shm is a 4 MiB tmpfs, after
 * `setup` (shell commands run there first, as root), and parses its report.
 */
export async function inSmallShm(script: string, args: string[], setup = 'true'): Promise<Record<string, unknown>> {
  const command = `mount -t tmpfs -o size=4m tmpfs /dev/shm && ${setup} && exec "$0" "$@"`;
  const result = await run('unshare', ['-m', '--propagation', 'private', 'sh', '-c', command, process.execPath, join(SCENARIOS, script), ...args]);
  expect({ code: result.code, signal: result.signal, stderr: result.stderr }).toEqual({ code: 0, signal: null, stderr: '' });
  return JSON.parse(result.stdout.trim().split('\n').pop() ?? '') as Record<string, unknown>;
}
