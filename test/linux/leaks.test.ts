// 100,000 create/map/write/unmap/close cycles leak nothing on Linux: file descriptors (/proc/self/fd), mappings of
// shared memory (/proc/self/maps), names (/dev/shm) and memory stay flat. The same scenario as the Windows suite's.
import { describe, expect, it } from 'vitest';
import { onLinux, scenario, uniqueName, versions, VIEW_MODES } from './harness.js';

interface Memory {
  handles: number;
  mappings: number;
  rss: number;
  heapUsed: number;
  external: number;
}

// Every version in zero-copy mode (Node 22 and later detach unmapped Buffers, Node 20 does not), and copy mode, the
// same JavaScript in every version, in the newest. Off Linux the matrix is empty and the suite reported as skipped.
const newest = versions[versions.length - 1];
const matrix = versions.flatMap((version) =>
  VIEW_MODES.filter(([mode]) => mode === 'zero-copy' || version === newest).map(([mode, env]) => [version, mode, env] as const),
);

describe.runIf(onLinux).each(matrix)('leaks on Linux, Node %s, %s mode', (version, mode, env) => {
  it('keeps file descriptors, mappings and memory flat over 100,000 create/map/write/unmap/close cycles', async () => {
    const report = await scenario<{ cycles: number; before: Memory; after: Memory; stillMapped: number; namesLeft: number; copyMode: boolean }>(
      version,
      'leaks.mjs',
      [uniqueName('leaks'), '100000'],
      env,
    );
    expect(report).toMatchObject({ cycles: 100_000, stillMapped: 0, namesLeft: 0, copyMode: mode === 'copy' });
    expect(report.after.handles - report.before.handles).toBeLessThanOrEqual(2);
    expect(report.after.mappings - report.before.mappings).toBe(0);
    expect(report.after.heapUsed - report.before.heapUsed).toBeLessThan(4 << 20);
    expect(report.after.external - report.before.external).toBeLessThan(1 << 20);
  });
});
