// Runs scenario scripts in real Windows node.exe processes: under Wine on Linux, natively on Windows.
import { join } from 'node:path';
import { buildC, hasCCompiler, provision, ROOT, runWindows } from '../../scripts/windows-runtime.mjs';
import { scenarioRunner, SCENARIOS, uniqueName as uniqueNameOf, VIEW_MODES, type RunResult } from '../fixtures/scenario-runner.js';

// Provisioning at import: on Linux without Wine this throws with the install command, failing the suite loudly.
export const runtime = provision();

/** The Node versions the Windows suite runs under. */
export const versions: string[] = runtime.versions;

export const { runScenario, scenario } = scenarioRunner(runtime.runNode);
export { SCENARIOS, VIEW_MODES, type RunResult };

/** A section name no other test or run uses, in the Local\\ namespace (or `namespace`). */
export function uniqueName(tag: string, namespace = 'Local'): string {
  return uniqueNameOf(tag, `${namespace}\\`);
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
