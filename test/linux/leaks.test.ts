// Create/map/write/unmap/close cycles leak nothing on Linux: file descriptors (/proc/self/fd), mappings of shared
// memory (/proc/self/maps), names (/dev/shm) and memory stay flat over 5,000 of them. The same scenario and assertions
// as the Windows suite's (test/fixtures/expect-leaks.ts).
import { describe, it } from 'vitest';
import { expectNoLeak, leakArgs, type LeakReport } from '../fixtures/expect-leaks.js';
import { onLinux, scenario, uniqueName, versions, VIEW_MODES } from './harness.js';

// The oldest and the newest version in zero-copy mode (Node 22 and later detach unmapped Buffers, Node 20 does not),
// and copy mode, the same JavaScript in every version, in the newest. Off Linux the matrix is empty and the suite
// reported as skipped.
const oldest = versions[0];
const newest = versions[versions.length - 1];
const matrix = [...new Set([oldest, newest])]
  .filter((version) => version !== undefined)
  .flatMap((version) => VIEW_MODES.filter(([mode]) => mode === 'zero-copy' || version === newest).map(([mode, env]) => [version, mode, env] as const));

describe.runIf(onLinux).each(matrix)('leaks on Linux, Node %s, %s mode', (version, mode, env) => {
  it('keeps file descriptors, mappings, names and memory flat over 5,000 create/map/write/unmap/close cycles, batch by batch', async () => {
    const report = await scenario<LeakReport>(version, 'leaks.mjs', [uniqueName('leaks'), ...leakArgs()], env);
    expectNoLeak(report, mode, true);
  });
});
