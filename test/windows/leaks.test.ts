// 100,000 create/map/write/unmap/close cycles leak nothing.
import { describe, expect, it } from 'vitest';
import { runtime, scenario, uniqueName, versions, VIEW_MODES } from './harness.js';

interface Memory {
  handles: number;
  rss: number;
  heapUsed: number;
  external: number;
}

// Every version in zero-copy mode, and copy mode in the newest. Each run is Wine's kernel calls for about 65 s on a
// 2-core machine (measured: four runs took 259 s one after the other, 88 to 94 s each beside other test files), and
// copy mode's code is the same JavaScript in every version (zero copy differs: Node 22 detaches unmapped Buffers).
const newest = versions[versions.length - 1];
const matrix = versions.flatMap((version) =>
  VIEW_MODES.filter(([mode]) => mode === 'zero-copy' || version === newest).map(([mode, env]) => [version, mode, env] as const),
);

describe.each(matrix)('leaks, Windows node %s, %s mode', (version, mode, env) => {
  it('keeps handles and memory flat over 100,000 create/map/write/unmap/close cycles', async () => {
    const report = await scenario<{ cycles: number; before: Memory; after: Memory; stillMapped: number; namesLeft: number; copyMode: boolean }>(
      version,
      'leaks.mjs',
      [uniqueName('leaks'), '100000'],
      env,
    );
    expect(report).toMatchObject({ cycles: 100_000, stillMapped: 0, namesLeft: 0, copyMode: mode === 'copy' });
    // The JavaScript heap and external memory after a full GC: a few hundred bytes kept per cycle would show as
    // tens of MB here.
    expect(report.after.heapUsed - report.before.heapUsed).toBeLessThan(4 << 20);
    expect(report.after.external - report.before.external).toBeLessThan(1 << 20);
    // Wine's GetProcessHandleCount is a stub that answers 0; Windows counts, and the count must not grow. (The
    // resident size is not asserted: under Wine it includes Wine's own allocator, which grows and settles.)
    if (runtime.native) expect(report.after.handles - report.before.handles).toBeLessThan(10);
    else expect(report.before.handles).toBe(0);
  });
});
