// Property-based tests (fast-check) over the option schemas: every generated options object is either accepted or
// refused with a FileMappingValidationError before any native call, and no native call ever sees an invalid
// argument (koffi would silently turn it into some other value).
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileMappingValidationError } from '../../src/errors.js';
import { Win32Error } from '../../src/win32/errors.js';
import { FileMapping } from '../../src/section/file-mapping.js';
import { MAX_NAME_LENGTH } from '../../src/section/options.js';
import { NamedEvent, NamedSemaphore } from '../../src/sync/named-event.js';
import { NamedMutex } from '../../src/sync/named-mutex.js';
import { SDDL_REVISION_1 } from '../../src/win32/constants.js';
import type { HANDLE, LPVOID } from '../../src/win32/kernel32.js';
import { FakeKernel32, setKernel32ForTesting } from './fake-kernel32.js';

let k32: FakeKernel32;
beforeEach(() => {
  k32 = new FakeKernel32();
  checkSecurityArguments(k32);
  setKernel32ForTesting(k32);
});
afterEach(() => setKernel32ForTesting(undefined));

/**
 * Makes the fake also record invalid arguments of the functions that security and the sync objects reach: the SDDL
 * string, SECURITY_ATTRIBUTES (24 bytes: nLength 24, a descriptor the fake made and has not freed, bInheritHandle 0
 * or 1), BOOLs, LONG counts and names.
 */
function checkSecurityArguments(fake: FakeKernel32): void {
  const invalid = (what: string, value: unknown) => fake.invalidArguments.push(`${what}: ${String(value)}`);
  const attributes = (fn: string, value: LPVOID | Uint8Array) => {
    if (value === null) return;
    if (!(value instanceof Uint8Array) || value.length !== 24) return invalid(`${fn} attributes`, value);
    const bytes = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
    const descriptor = bytes.readBigUInt64LE(8);
    if (bytes.readUInt32LE(0) !== 24) invalid(`${fn} nLength`, bytes.readUInt32LE(0));
    if (descriptor !== 0n && !fake.descriptors.has(descriptor)) invalid(`${fn} lpSecurityDescriptor`, descriptor);
    if (![0, 1].includes(bytes.readInt32LE(16))) invalid(`${fn} bInheritHandle`, bytes.readInt32LE(16));
  };
  const name = (fn: string, value: string | null) => {
    if (value !== null && (typeof value !== 'string' || value.length === 0 || value.length > MAX_NAME_LENGTH || value.includes('\0'))) {
      invalid(`${fn} lpName`, value);
    }
  };
  const bool = (fn: string, value: unknown) => typeof value !== 'boolean' && invalid(`${fn} BOOL`, value);
  const long = (fn: string, value: number) => !(Number.isInteger(value) && value >= -(2 ** 31) && value < 2 ** 31) && invalid(`${fn} LONG`, value);

  const { ConvertStringSecurityDescriptorToSecurityDescriptorW: convert, CreateFileMappingW, CreateMutexW, CreateEventW, CreateSemaphoreW } = fake;
  Object.assign(fake, {
    ConvertStringSecurityDescriptorToSecurityDescriptorW: (sddl: string, revision: number, out: [bigint | null], size: null): boolean => {
      if (typeof sddl !== 'string' || sddl.length === 0 || sddl.includes('\0')) invalid('SDDL', sddl);
      if (revision !== SDDL_REVISION_1 || !Array.isArray(out) || size !== null) invalid('ConvertStringSecurityDescriptorToSecurityDescriptorW', revision);
      return convert(sddl, revision, out);
    },
    CreateFileMappingW: (file: HANDLE, sa: LPVOID | Uint8Array, protect: number, high: number, low: number, lpName: string | null): HANDLE => {
      attributes('CreateFileMappingW', sa);
      return CreateFileMappingW(file, sa as LPVOID, protect, high, low, lpName);
    },
    CreateMutexW: (sa: LPVOID | Uint8Array, initialOwner: boolean, lpName: string | null): HANDLE => {
      attributes('CreateMutexW', sa);
      bool('CreateMutexW', initialOwner);
      name('CreateMutexW', lpName);
      return CreateMutexW();
    },
    CreateEventW: (sa: LPVOID | Uint8Array, manualReset: boolean, initialState: boolean, lpName: string | null): HANDLE => {
      attributes('CreateEventW', sa);
      bool('CreateEventW', manualReset);
      bool('CreateEventW', initialState);
      name('CreateEventW', lpName);
      return CreateEventW();
    },
    CreateSemaphoreW: (sa: LPVOID | Uint8Array, initial: number, maximum: number, lpName: string | null): HANDLE => {
      attributes('CreateSemaphoreW', sa);
      long('CreateSemaphoreW', initial);
      long('CreateSemaphoreW', maximum);
      if (!(maximum > 0 && initial >= 0 && initial <= maximum)) invalid('CreateSemaphoreW counts', `${initial}/${maximum}`);
      name('CreateSemaphoreW', lpName);
      return CreateSemaphoreW();
    },
  });
}

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
/** SDDL strings the fake converts (it takes any that starts with D: or O:), ones it refuses, and ones zod refuses. */
const sddl = fc.oneof(
  fc.constantFrom('D:P(A;;GA;;;OW)', 'O:BAD:(A;;GA;;;WD)', 'D:', 'S:(ML;;NW;;;LW)', 'garbage', '', 'D:P\0(A;;GA;;;OW)', ' D:'),
  fc.string({ maxLength: 40 }).map((rest) => `D:${rest}`),
  fc.string({ maxLength: 40 }),
  anyValue,
);
const booleans = fc.oneof(fc.boolean(), anyValue);
const sizes = fc.oneof(fc.constantFrom(1, 4096, 65536, 2 ** 32, 2 ** 32 + 1, 5n * 2n ** 30n, 2n ** 64n - 1n), anyValue);
/** Objects that are valid but for one or two fields most of the time, so that the rules are reached. */
const createOptions = fc.oneof(
  fc.record(
    {
      name: names,
      size: sizes,
      protection: fc.oneof(fc.constantFrom('readonly', 'readwrite', 'writecopy', 'execute-read', 'execute-readwrite'), anyValue),
      attributes: fc.oneof(fc.subarray(['commit', 'reserve', 'no-cache', 'write-combine', 'large-pages']), anyValue),
      exclusive: booleans,
      security: sddl,
      inheritable: booleans,
    },
    { requiredKeys: [] },
  ),
  options(['name', 'size', 'file', 'protection', 'attributes', 'exclusive', 'security', 'inheritable', 'bogus']),
  // Valid but for security and inheritable, so that those reach kernel32 often.
  fc.record({ size: fc.constantFrom(4096, 65536n), security: sddl, inheritable: booleans }, { requiredKeys: ['size'] }),
);
/** The options every sync object's create() takes, with those of its own kind. */
const syncCreateOptions = (own: Record<string, fc.Arbitrary<unknown>>) =>
  fc.oneof(
    fc.record({ exclusive: booleans, security: sddl, inheritable: booleans, ...own }, { requiredKeys: [] }),
    options(['exclusive', 'security', 'inheritable', ...Object.keys(own), 'bogus']),
  );
const counts = fc.oneof(fc.integer({ min: 0, max: 10 }), fc.constantFrom(2 ** 31 - 1, 2 ** 31), anyValue);
const SYNC_OBJECTS: Array<[string, fc.Arbitrary<unknown>, (name: string | undefined, options: never) => { close(): void }]> = [
  ['NamedMutex', syncCreateOptions({}), (name, options) => NamedMutex.create(name, options)],
  ['NamedEvent', syncCreateOptions({ manualReset: booleans, initialState: booleans }), (name, options) => NamedEvent.create(name, options)],
  ['NamedSemaphore', syncCreateOptions({ initialCount: counts, maximumCount: counts }), (name, options) => NamedSemaphore.create(name, options)],
];
const offsets = fc.oneof(
  fc.integer({ min: 0, max: 100 }).map((n) => BigInt(n) * 65536n),
  fc.bigInt({ min: 0n, max: 6n * 2n ** 30n }),
  anyValue,
);
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

/**
 * Runs `call`, which must succeed or throw one of the package's errors, and checks what reached kernel32: only valid
 * arguments, and every security descriptor converted on the way freed again.
 */
function accepted(call: () => unknown): boolean {
  const before = k32.calls.length;
  // Only what this call did: an earlier failure must not fail the runs fast-check shrinks it to.
  const invalidBefore = k32.invalidArguments.length;
  const descriptorsBefore = k32.descriptors.size;
  try {
    call();
    return true;
  } catch (error) {
    if (error instanceof FileMappingValidationError) {
      // Refused at the door: nothing reached kernel32 on the way.
      expect(k32.calls.slice(before).filter((c) => /MapViewOfFile|Create\w*W|ConvertString/.test(c))).toEqual([]);
      return false;
    }
    if (error instanceof Win32Error) return false;
    throw error;
  } finally {
    expect(k32.invalidArguments.slice(invalidBefore)).toEqual([]);
    expect(k32.descriptors.size).toBe(descriptorsBefore);
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

  it.each(SYNC_OBJECTS)(
    '%s.create() accepts or refuses every name and options object, and kernel32 only ever sees valid arguments',
    (_class, createOptions, create) => {
      fc.assert(
        fc.property(fc.oneof(names, fc.constant(undefined), anyValue), createOptions, (name, value) => {
          accepted(() => create(name as string | undefined, value as never).close());
        }),
        { numRuns: 1000 },
      );
    },
  );

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
