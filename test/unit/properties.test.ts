// Property-based tests (fast-check) over the option schemas: every generated options object is either accepted or
// refused with a FileMappingValidationError before any native call, and no native call ever sees an invalid
// argument (koffi would silently turn it into some other value).
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileMappingValidationError, Win32Error } from '../../src/errors.js';
import { FileMapping } from '../../src/file-mapping.js';
import { setKernel32ForTesting } from '../../src/platform.js';
import { FakeKernel32 } from './fake-kernel32.js';

let k32: FakeKernel32;
beforeEach(() => {
  k32 = new FakeKernel32();
  setKernel32ForTesting(k32);
});
afterEach(() => setKernel32ForTesting(undefined));

/** Numbers and bigints around every edge that matters, and values of the wrong type. */
const anyValue = fc.oneof(
  fc.constantFrom(0, -0, 1, -1, 0.5, 4096, 65536, 2 ** 31, 2 ** 32 - 1, 2 ** 32, 2 ** 53 - 1, 2 ** 53, Number.NaN, Infinity, -Infinity),
  fc.constantFrom(0n, 1n, -1n, 65536n, 2n ** 32n, 2n ** 63n, 2n ** 64n - 1n, 2n ** 64n),
  fc.integer(),
  fc.double(),
  fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }),
  fc.string(),
  fc.constantFrom('readonly', 'readwrite', 'writecopy', 'execute-read', 'read', 'write', 'copy', 'commit', 'reserve', 'Local\\x', 'a\0b', ''),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
  fc.array(fc.constantFrom('commit', 'reserve', 'large-pages', 'no-cache', 'image', 'bogus'), { maxLength: 3 }),
);

const options = (keys: string[]) => fc.dictionary(fc.constantFrom(...keys), anyValue, { maxKeys: keys.length });

/** Names near every rule: prefixes, backslashes, NUL, the length limit. */
const names = fc.oneof(
  fc.constantFrom('Local\\x', 'Global\\x', 'Session\\1\\x', 'plain', 'Local\\', 'a\\b', 'a\0b', '', 'x'.repeat(260), 'x'.repeat(261)),
  fc.string({ maxLength: 300 }),
  fc.string({ maxLength: 20 }).map((rest) => `Local\\${rest}`),
);
const sizes = fc.oneof(fc.constantFrom(1, 4096, 65536, 2 ** 32, 2 ** 32 + 1, 5n * 2n ** 30n, 2n ** 64n - 1n), anyValue);
/** Objects that are valid but for one or two fields most of the time, so that the rules are reached. */
const createOptions = fc.oneof(
  fc.record(
    {
      name: names,
      size: sizes,
      protection: fc.oneof(fc.constantFrom('readonly', 'readwrite', 'writecopy', 'execute-read', 'execute-readwrite'), anyValue),
      attributes: fc.oneof(fc.subarray(['commit', 'reserve', 'no-cache', 'write-combine', 'large-pages']), anyValue),
      exclusive: fc.oneof(fc.boolean(), anyValue),
    },
    { requiredKeys: [] },
  ),
  options(['name', 'size', 'file', 'protection', 'attributes', 'exclusive', 'bogus']),
);
const offsets = fc.oneof(fc.integer({ min: 0, max: 100 }).map((n) => BigInt(n) * 65536n), fc.bigInt({ min: 0n, max: 6n * 2n ** 30n }), anyValue);
const mapOptions = fc.oneof(
  fc.record(
    {
      offset: offsets,
      length: fc.oneof(fc.integer({ min: 1, max: 2 ** 32 }), fc.bigInt({ min: 1n, max: 6n * 2n ** 30n }), anyValue),
      access: fc.oneof(fc.constantFrom('read', 'write', 'all', 'copy', 'execute-read'), anyValue),
      address: fc.oneof(offsets, anyValue),
    },
    { requiredKeys: [] },
  ),
  options(['offset', 'length', 'address', 'access', 'copy', 'bogus']),
);

/** Runs `call`, which must succeed or throw one of the package's errors, and checks what reached kernel32. */
function accepted(call: () => unknown): boolean {
  const before = k32.calls.length;
  try {
    call();
    return true;
  } catch (error) {
    if (error instanceof FileMappingValidationError) {
      // Refused at the door: nothing reached kernel32 on the way.
      expect(k32.calls.slice(before).filter((c) => /MapViewOfFile|CreateFileMappingW|CreateFileW/.test(c))).toEqual([]);
      return false;
    }
    if (error instanceof Win32Error) return false;
    throw error;
  } finally {
    expect(k32.invalidArguments).toEqual([]);
  }
}

describe('generated options', () => {
  it('FileMapping.create() accepts or refuses every object, and kernel32 only ever sees valid arguments', () => {
    fc.assert(
      fc.property(createOptions, (value) => {
        accepted(() => FileMapping.create(value as never));
      }),
      { numRuns: 2000 },
    );
  });

  it('map() accepts or refuses every object, and kernel32 only ever sees valid arguments', () => {
    const mapping = FileMapping.create({ size: 5n * 2n ** 30n });
    fc.assert(
      fc.property(mapOptions, (value) => {
        if (accepted(() => mapping.map(value as never).unmap())) {
          // Whatever was accepted was a valid view request: aligned offset, inside the section.
          expect(k32.invalidArguments).toEqual([]);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('open() accepts or refuses every name and options object', () => {
    FileMapping.create({ name: 'Local\\exists', size: 4096 });
    fc.assert(
      fc.property(fc.oneof(anyValue, names, fc.constant('Local\\exists')), options(['access', 'inheritable', 'bogus']), (name, value) => {
        accepted(() => FileMapping.open(name as string, value as never).close());
      }),
      { numRuns: 1000 },
    );
  });
});
