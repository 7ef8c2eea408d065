// Runs scenario scripts natively on Linux, in each Linux build of Node the suite covers (scripts/linux-runtime.mjs).
// The scenario files are the ones the Windows suite runs under Wine wherever they apply.
import { randomBytes } from 'node:crypto';
import { provisionLinux, run } from '../../scripts/linux-runtime.mjs';
import { scenarioRunner, SCENARIOS, VIEW_MODES, type RunResult } from '../fixtures/scenario-runner.js';

/** The Linux runtime: provisioned at import on Linux (downloads Node 22 and 24 once); empty elsewhere. */
export const runtime = provisionLinux();

/** The Node versions the Linux suite runs under (none off Linux: the suites are then reported as skipped). */
export const versions: string[] = runtime.versions;

export const onLinux = process.platform === 'linux';

export const { runScenario, scenario } = scenarioRunner(runtime.runNode);
export { SCENARIOS, VIEW_MODES, type RunResult };

let names = 0;

/** A section name no other test or run uses (a bare name: what Python and C programs use too). */
export function uniqueName(tag: string): string {
  return `filemapping-test-${tag}-${process.pid}-${names++}-${randomBytes(4).toString('hex')}`;
}

export { run };
