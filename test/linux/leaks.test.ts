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

// The newest Node only: the cycles cost the same in each, and the Windows suite covers the others' bindings.
const version = versions[versions.length - 1] as string;

describe.runIf(onLinux).each(VIEW_MODES)(`leaks on Linux, Node ${version}, %s mode`, (mode, env) => {
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
