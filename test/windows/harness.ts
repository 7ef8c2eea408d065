// Runs scenario scripts in real Windows node.exe processes: under Wine on Linux, natively on Windows.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { buildC, hasCCompiler, provision, ROOT, runWindows } from '../../scripts/windows-runtime.mjs';

export const SCENARIOS = join(ROOT, 'test', 'fixtures', 'scenarios');

// Provisioning at import: on Linux without Wine this throws with the install command, failing the suite loudly.
export const runtime = provision();

/** The Node versions the Windows suite runs under. */
export const versions: string[] = runtime.versions;

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `script` from test/fixtures/scenarios in Windows node.exe `version`. */
export function runScenario(version: string, script: string, args: string[] = [], env: Record<string, string> = {}): Promise<RunResult> {
  return runtime.runNode(version, join(SCENARIOS, script), args, { env });
}

/** Runs a scenario that must succeed, and parses the JSON line it reports. */
export async function scenario<T = Record<string, unknown>>(
  version: string,
  script: string,
  args: string[] = [],
  env: Record<string, string> = {},
): Promise<T> {
  const result = await runScenario(version, script, args, env);
  if (result.code !== 0) {
    throw new Error(`${script} ${args.join(' ')} exited with ${result.code}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`);
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

/** A section name no other test or run uses. */
export function uniqueName(tag: string, namespace = 'Local'): string {
  return `${namespace}\\filemapping-test-${tag}-${process.pid}-${names++}-${randomBytes(4).toString('hex')}`;
}

/** The C peer (test/fixtures/c/peer.c), built once; undefined when no compiler is at hand on native Windows. */
export function cPeer(): string | undefined {
  if (runtime.native && !hasCCompiler()) return undefined;
  cPeerPath ??= buildC(join(ROOT, 'test', 'fixtures', 'c', 'peer.c'));
  return cPeerPath;
}
let cPeerPath: string | undefined;

export { runWindows };

/** The DLL of the image-section tests (test/fixtures/c/image.c), built once; undefined as cPeer() is. */
export function imageDll(): string | undefined {
  if (runtime.native && !hasCCompiler()) return undefined;
  imageDllPath ??= buildC(join(ROOT, 'test', 'fixtures', 'c', 'image.c'), { dll: true });
  return imageDllPath;
}
let imageDllPath: string | undefined;
