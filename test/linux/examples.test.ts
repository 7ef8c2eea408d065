// The examples that need no synchronisation object run unchanged on Linux (the others need issue 14's objects), and
// the POSIX sample translated with filemapping/posix runs as in C.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../scripts/linux-runtime.mjs';
import { onLinux, runtime, versions } from './harness.js';

const example = (version: string, file: string) => runtime.runNode(version, join(ROOT, 'examples', file), []);

describe.runIf(onLinux).each(versions)('examples on Linux, Node %s', (version) => {
  it('runs map-twice.mjs unchanged: two views, one memory', async () => {
    const result = await example(version, 'map-twice.mjs');
    expect(result.stderr).toBe('');
    expect(result).toMatchObject({ code: 0, stdout: expect.stringContaining('different addresses, one memory') });
  });

  it('runs file-backed.mjs unchanged: written through a view, flushed, read back with node:fs', async () => {
    const result = await example(version, 'file-backed.mjs');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  });

  it('runs raw-posix.mjs: the POSIX sample with shm_open and mmap, line by line', async () => {
    const result = await example(version, 'raw-posix.mjs');
    expect(result).toMatchObject({ code: 0, stdout: 'Message from first process.\n', stderr: '' });
  });
});
