// Property-based tests (fast-check) against the real libc, natively on Linux: every generated options object for
// create() and map() ends in a section and view that work, or in one of the package's errors; the process never
// crashes (a SIGBUS or SIGSEGV would end this test's worker), and nothing is left open or named.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../scripts/linux-runtime.mjs';
import { onLinux, uniqueName } from './harness.js';

type Package = typeof import('../../src/index.js');
const load = async (): Promise<Package> => (await import(join(ROOT, 'dist', 'index.cjs'))) as Package;

const OURS = ['FileMappingValidationError', 'PosixError', 'PlatformNotSupportedError', 'ObjectClosedError'];
const fds = () => readdirSync('/proc/self/fd').length;
const names = (prefix: string) => readdirSync('/dev/shm').filter((name) => name.startsWith(prefix));

// Sizes a test machine can hold, and absurd ones (more than /dev/shm has: ENOSPC; more than an off_t holds, or than 64
// bits: refused). Not sizes between: a section of most of the machine's memory is taken, and the OOM killer decides.
const size = fc.oneof(
  fc.integer({ min: -2, max: 1 << 20 }),
  fc.constantFrom(Number.NaN, 1.5, 0, -1n, 2 ** 53, 2n ** 50n, 2n ** 62n, 2n ** 63n, 2n ** 64n - 1n, 2n ** 64n),
);
const protection = fc.constantFrom('readonly', 'readwrite', 'writecopy', 'execute-read', 'bogus');
const attributes = fc.subarray(['commit', 'reserve', 'large-pages', 'no-cache', 'image'] as const);
const access = fc.constantFrom(undefined, 'read', 'write', 'all', 'copy', 'execute-read', 'bogus');

describe.runIf(onLinux)('options against the real libc, on Linux', () => {
  it('create() and map() with any options succeed or throw one of the package errors, and leave nothing behind', async () => {
    const { FileMapping } = await load();
    const prefix = uniqueName('properties');
    const before = fds();
    let run = 0;
    fc.assert(
      fc.property(
        fc.record(
          { named: fc.boolean(), size, protection, attributes, exclusive: fc.boolean(), security: fc.constantFrom(undefined, 'D:P') },
          { requiredKeys: ['named', 'size'] },
        ),
        fc.record({ access, offset: fc.oneof(fc.constant(0), fc.integer({ min: -1, max: 1 << 21 })), length: fc.option(fc.integer({ min: -1, max: 1 << 21 }), { nil: undefined }), copy: fc.boolean() }, { requiredKeys: [] }),
        (create, map) => {
          const { named, ...options } = create;
          let mapping;
          try {
            mapping = FileMapping.create({ ...(named ? { name: `${prefix}-${run++ % 4}` } : {}), ...options } as never);
          } catch (error) {
            expect(OURS, String(error)).toContain((error as Error).name);
            return;
          }
          try {
            const view = mapping.map(map as never);
            // Every byte of a view is reachable: the last one is read, the first written where the view may write.
            view.readU8(view.length - 1);
            if (view.access !== 'read') view.writeU8(0, 1);
            view.unmap();
          } catch (error) {
            expect(OURS, String(error)).toContain((error as Error).name);
          } finally {
            mapping.close();
          }
        },
      ),
      { numRuns: 400 },
    );
    expect(fds()).toBe(before);
    expect(names(prefix)).toEqual([]);
  });
});
