// Create/map/write/unmap/close cycles leak nothing: 5,000 of them, with what the process holds measured after each
// batch (test/fixtures/expect-leaks.ts says what is asserted and why it is enough).
import { describe, it } from 'vitest';
import { expectNoLeak, leakArgs, type LeakReport } from '../fixtures/expect-leaks.js';
import { runtime, scenario, uniqueName, versions, VIEW_MODES } from './harness.js';

// The oldest and the newest version in zero-copy mode, where Node's Buffers differ (Node 20 leaves an unmapped view's
// Buffer attached, 22 and later detach it), and copy mode, the same JavaScript in every version, in the newest. The
// versions between behave as the newest: running them proves nothing more (each run is about 5 s under Wine).
const oldest = versions[0];
const newest = versions[versions.length - 1];
const matrix = [...new Set([oldest, newest])]
  .filter((version) => version !== undefined)
  .flatMap((version) => VIEW_MODES.filter(([mode]) => mode === 'zero-copy' || version === newest).map(([mode, env]) => [version, mode, env] as const));

describe.each(matrix)('leaks, Windows node %s, %s mode', (version, mode, env) => {
  it('keeps handles, views, names and memory flat over 5,000 create/map/write/unmap/close cycles, batch by batch', async () => {
    const report = await scenario<LeakReport>(version, 'leaks.mjs', [uniqueName('leaks'), ...leakArgs()], env);
    // Wine's GetProcessHandleCount is a stub that answers 0; Windows counts.
    expectNoLeak(report, mode, runtime.native);
  });
});
