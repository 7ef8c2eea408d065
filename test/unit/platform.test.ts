// The package imports everywhere; only creating or opening a section needs Windows. Bad input is refused first,
// with a validation error, on every platform, and no argument reaches a native call unchecked.
import { createRequire } from 'node:module';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileMappingValidationError, PlatformNotSupportedError } from '../../src/errors.js';
import { FileMapping } from '../../src/section/file-mapping.js';
import * as raw from '../../src/win32/index.js';
import type { Kernel32 } from '../../src/win32/kernel32.js';
import { setKernel32ForTesting } from './fake-kernel32.js';
import { setBackendForTesting } from '../../src/backend.js';

const require = createRequire(import.meta.url);
const koffiLoaded = (): boolean => Object.keys(require.cache).some((path) => /[\\/]node_modules[\\/]koffi[\\/]/.test(path));

/** A kernel32 that records every property read (and so every call) and does nothing. */
function recordingKernel32(): { fake: Kernel32; touched: string[] } {
  const touched: string[] = [];
  const fake = new Proxy({} as Kernel32, {
    get(_target, property) {
      touched.push(String(property));
      if (property === 'sizeofMemoryBasicInformation') return 48;
      return (): null => null;
    },
  });
  return { fake, touched };
}

/** Calls a raw function with arguments its type would refuse, as JavaScript callers can. */
const callRaw = (fn: unknown, args: readonly unknown[]): unknown => (fn as (...a: unknown[]) => unknown)(...args);

/** What thrown when `run` ran; fails the test if nothing was. */
function thrownBy(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('nothing was thrown');
}

const H = raw.INVALID_HANDLE_VALUE;
type BadCall = [what: string, fn: unknown, args: readonly unknown[], message: RegExp];
const BAD_CALLS: BadCall[] = [
  ['a DWORD of 2^32', raw.CreateFileMappingW, [H, null, raw.PAGE_READWRITE, 0, 2 ** 32, null], /dwMaximumSizeLow \(argument 5\): Expected a DWORD/],
  ['a DWORD of -1', raw.CreateFileMappingW, [H, null, -1, 0, 1024, null], /flProtect \(argument 3\): /],
  ['a DWORD of 1.5', raw.CreateFileMappingW, [H, null, raw.PAGE_READWRITE, 1.5, 1024, null], /dwMaximumSizeHigh \(argument 4\): /],
  ['a DWORD of NaN', raw.CreateFileMappingW, [H, null, raw.PAGE_READWRITE, 0, Number.NaN, null], /dwMaximumSizeLow \(argument 5\): /],
  ['a DWORD as a bigint', raw.CreateFileMappingW, [H, null, raw.PAGE_READWRITE, 0, 1024n, null], /dwMaximumSizeLow \(argument 5\): /],
  ['a name with NUL', raw.CreateFileMappingW, [H, null, raw.PAGE_READWRITE, 0, 1024, 'Local\\a\0b'], /lpName \(argument 6\): .*NUL/],
  ['a handle as a number', raw.CreateFileMappingW, [-1, null, raw.PAGE_READWRITE, 0, 1024, null], /hFile \(argument 1\): /],
  ['a handle above 2^64 - 1', raw.CreateFileMappingW, [2n ** 64n, null, raw.PAGE_READWRITE, 0, 1024, null], /hFile \(argument 1\): /],
  ['a missing argument', raw.CreateFileMappingW, [H, null, raw.PAGE_READWRITE, 0, 1024], /6 arguments expected, got 5/],
  ['a name with NUL to open', raw.OpenFileMappingW, [raw.FILE_MAP_READ, false, 'a\0'], /lpName \(argument 3\): .*NUL/],
  ['an access of 2^32', raw.OpenFileMappingW, [2 ** 32, false, 'Local\\x'], /dwDesiredAccess \(argument 1\): /],
  ['an offset of 2^32', raw.MapViewOfFile, [1n, raw.FILE_MAP_READ, 0, 2 ** 32, 0], /dwFileOffsetLow \(argument 4\): /],
  ['a negative length', raw.MapViewOfFile, [1n, raw.FILE_MAP_READ, 0, 0, -1], /dwNumberOfBytesToMap \(argument 5\): /],
  ['a length of 2^64', raw.MapViewOfFile, [1n, raw.FILE_MAP_READ, 0, 0, 2n ** 64n], /dwNumberOfBytesToMap \(argument 5\): /],
  ['an error code of 2^32', raw.SetLastError, [2 ** 32], /dwErrCode \(argument 1\): /],
];

describe.runIf(process.platform !== 'win32')(`on ${process.platform}, with no kernel32`, () => {
  beforeEach(() => setKernel32ForTesting(undefined));

  it('imports the package and its raw layer without loading koffi', async () => {
    const pkg = await import('../../src/index.js');
    const win32 = await import('../../src/win32/index.js');
    expect(pkg.FileMapping).toBeTypeOf('function');
    expect(pkg.PlatformNotSupportedError).toBe(PlatformNotSupportedError);
    expect(win32.CreateFileMappingW).toBeTypeOf('function');
    expect(win32.FILE_MAP_ALL_ACCESS).toBe(0xf001f);
    expect(koffiLoaded()).toBe(false);
  });

  // An OS the package has no backend for (macOS, FreeBSD): importing works, creating or opening says so.
  it.each<[string, () => unknown]>([
    ['FileMapping.create({ size: 1024 })', () => FileMapping.create({ size: 1024 })],
    ["FileMapping.create({ name: 'Local\\\\x', size: 1n })", () => FileMapping.create({ name: 'Local\\x', size: 1n })],
    ["FileMapping.create({ file: 'data.bin' })", () => FileMapping.create({ file: 'data.bin' })],
    ["FileMapping.open('Local\\\\x')", () => FileMapping.open('Local\\x')],
    ["FileMapping.open('Global\\\\x', { access: 'read' })", () => FileMapping.open('Global\\x', { access: 'read' })],
  ])('%s throws PlatformNotSupportedError on an OS with no backend', (_call, run) => {
    const platform = Object.getOwnPropertyDescriptor(process, 'platform') as PropertyDescriptor;
    Object.defineProperty(process, 'platform', { value: 'darwin' });
    setBackendForTesting(undefined);
    try {
      const error = thrownBy(run);
      expect(error).toBeInstanceOf(PlatformNotSupportedError);
      expect(error).toMatchObject({ name: 'PlatformNotSupportedError', platform: 'darwin' });
      expect((error as Error).message).toMatch(/has no backend for darwin/);
      expect(koffiLoaded()).toBe(false);
    } finally {
      Object.defineProperty(process, 'platform', platform);
      setBackendForTesting(undefined);
    }
  });

  it.each<[string, () => unknown, RegExp]>([
    ['FileMapping.create({ size: -1 })', () => FileMapping.create({ size: -1 }), /size: /],
    ['FileMapping.create({})', () => FileMapping.create({}), /size: Required/],
    ["FileMapping.create({ size: 1, protection: 'rw' })", () => FileMapping.create({ size: 1, protection: 'rw' as 'readwrite' }), /protection: /],
    ["FileMapping.open('')", () => FileMapping.open(''), /empty/],
    ["FileMapping.open('a\\\\b')", () => FileMapping.open('a\\b'), /backslash/],
    ["FileMapping.open('Local\\\\x', { access: 'rw' })", () => FileMapping.open('Local\\x', { access: 'rw' as 'read' }), /access: /],
  ])('%s is refused as invalid before the platform is checked', (_call, run, message) => {
    const error = thrownBy(run);
    expect(error).toBeInstanceOf(FileMappingValidationError);
    expect((error as Error).message).toMatch(message);
  });

  it('refuses bad raw arguments as invalid before the platform is checked', () => {
    for (const [, fn, args, message] of BAD_CALLS) {
      const error = thrownBy(() => callRaw(fn, args));
      expect(error).toBeInstanceOf(FileMappingValidationError);
      expect((error as Error).message).toMatch(message);
    }
  });

  it('throws PlatformNotSupportedError from a raw call with good arguments', () => {
    expect(thrownBy(() => raw.CreateFileMappingW(H, null, raw.PAGE_READWRITE, 0, 1024, null))).toBeInstanceOf(PlatformNotSupportedError);
    expect(thrownBy(() => raw.GetLastError())).toBeInstanceOf(PlatformNotSupportedError);
  });

  it('refuses a bad VirtualQuery address as invalid before the platform is checked', () => {
    expect(thrownBy(() => raw.VirtualQuery(-1n, {}))).toBeInstanceOf(FileMappingValidationError);
  });
});

describe('the raw layer with a recording kernel32', () => {
  let k32: ReturnType<typeof recordingKernel32>;
  beforeEach(() => {
    k32 = recordingKernel32();
    setKernel32ForTesting(k32.fake);
  });
  afterEach(() => setKernel32ForTesting(undefined));

  it('passes good arguments through to kernel32, as in C', () => {
    expect(raw.CreateFileMappingW(H, null, raw.PAGE_READWRITE, 0, 2 ** 32 - 1, 'Local\\x')).toBeNull();
    expect(raw.MapViewOfFile(1n, raw.FILE_MAP_READ, 0xffff_ffff, 0, 2n ** 64n - 1n)).toBeNull();
    expect(k32.touched).toEqual(['CreateFileMappingW', 'MapViewOfFile']);
  });

  it.each(BAD_CALLS)('refuses %s, naming the argument, without calling kernel32', (_what, fn, args, message) => {
    const error = thrownBy(() => callRaw(fn, args));
    expect(error).toBeInstanceOf(FileMappingValidationError);
    expect((error as Error).message).toMatch(/^Invalid arguments to \w+:\n/);
    expect((error as Error).message).toMatch(message);
    expect(k32.touched).toEqual([]);
  });

  it('lists every bad argument of one call', () => {
    const error = thrownBy(() => callRaw(raw.CreateFileMappingW, [-1, 'attributes', -1, 1.5, 2 ** 32, 'a\0']));
    expect((error as FileMappingValidationError).issues).toHaveLength(6);
    for (const position of [1, 2, 3, 4, 5, 6]) expect((error as Error).message).toContain(`(argument ${position})`);
    expect(k32.touched).toEqual([]);
  });

  it.each<[string, unknown, readonly unknown[], RegExp]>([
    ['an empty handle array', raw.WaitForMultipleObjects, [1, [], false, 0], /lpHandles \(argument 2\)/],
    ['65 handles', raw.WaitForMultipleObjects, [64, Array<bigint>(65).fill(1n), false, 0], /lpHandles \(argument 2\)/],
    ['a two-element out cell', raw.GetFileSizeEx, [1n, [0, 0]], /lpFileSize \(argument 2\)/],
  ])('names the argument, not the argument count, for %s', (_what, fn, args, message) => {
    const error = thrownBy(() => callRaw(fn, args));
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toMatch(/arguments expected/);
  });

  it('says why an nCount of 65 is refused', () => {
    const error = thrownBy(() => callRaw(raw.WaitForMultipleObjects, [65, [1n], false, 0]));
    expect((error as Error).message).toMatch(/nCount \(argument 1\): .*64/);
  });

  it('refuses a FileMapping.create() with bad options without calling kernel32', () => {
    expect(() => FileMapping.create({ size: 2n ** 64n })).toThrow(FileMappingValidationError);
    expect(() => FileMapping.create({ size: 1, exclusive: true })).toThrow(/exclusive: Needs a name/);
    expect(k32.touched).toEqual([]);
  });
});
