// Runs scenario scripts natively on Linux, in each Linux build of Node the suite covers (scripts/linux-runtime.mjs).
// The scenario files are the ones the Windows suite runs under Wine wherever they apply.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { provisionLinux, ROOT, run } from '../../scripts/linux-runtime.mjs';

export const SCENARIOS = join(ROOT, 'test', 'fixtures', 'scenarios');

/** The Linux runtime: provisioned at import on Linux (downloads Node 22 and 24 once); empty elsewhere. */
export const runtime = provisionLinux();

/** The Node versions the Linux suite runs under (none off Linux: the suites are then reported as skipped). */
export const versions: string[] = runtime.versions;

export const onLinux = process.platform === 'linux';

export interface RunResult {
  code: number;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs `script` from test/fixtures/scenarios in Node `version`. */
export function runScenario(version: string, script: string, args: string[] = [], env: Record<string, string> = {}): Promise<RunResult> {
  return runtime.runNode(version, join(SCENARIOS, script), args, { env });
}

/** Runs a scenario that must succeed, and parses the JSON line it reports. */
export async function scenario<T = Record<string, unknown>>(version: string, script: string, args: string[] = [], env: Record<string, string> = {}): Promise<T> {
  const result = await runScenario(version, script, args, env);
  if (result.code !== 0) {
    throw new Error(`${script} ${args.join(' ')} exited with ${result.code} (${result.signal ?? 'no signal'})\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`);
  }
  const line = result.stdout.trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(line) as T;
  } catch {
    throw new Error(`${script} printed no JSON result\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`);
  }
}

/** The two view modes every view scenario runs in: zero copy, and copy mode forced as Electron would force it. */
export const VIEW_MODES = [
  ['zero-copy', { FILEMAPPING_COPY_MODE: '0' }],
  ['copy', { FILEMAPPING_COPY_MODE: '1' }],
] as const;

let names = 0;

/** A section name no other test or run uses (a bare name: what Python and C programs use too). */
export function uniqueName(tag: string): string {
  return `filemapping-test-${tag}-${process.pid}-${names++}-${randomBytes(4).toString('hex')}`;
}

export { run };
