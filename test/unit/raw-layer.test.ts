// filemapping/win32 checks every argument before the call (koffi does not range-check integers), and is importable
// everywhere.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileMappingValidationError, PlatformNotSupportedError } from '../../src/errors.js';
import { setKernel32ForTesting } from '../../src/platform.js';
import * as raw from '../../src/win32/index.js';
import { FakeKernel32 } from './fake-kernel32.js';

describe('the raw layer with a fake kernel32', () => {
  let k32: FakeKernel32;
  beforeEach(() => {
    k32 = new FakeKernel32();
    setKernel32ForTesting(k32);
  });
  afterEach(() => setKernel32ForTesting(undefined));

  it('passes valid arguments through, as in C', () => {
    const handle = raw.CreateFileMappingW(raw.INVALID_HANDLE_VALUE, null, raw.PAGE_READWRITE, 0, 1024, 'Local\\raw');
    expect(typeof handle).toBe('bigint');
    expect(raw.GetLastError()).toBe(raw.ERROR_SUCCESS);
    expect(raw.CreateFileMappingW(raw.INVALID_HANDLE_VALUE, null, raw.PAGE_READWRITE, 0, 1024, 'Local\\raw')).not.toBeNull();
    expect(raw.GetLastError()).toBe(raw.ERROR_ALREADY_EXISTS);
    const view = raw.MapViewOfFile(handle, raw.FILE_MAP_ALL_ACCESS, 0, 0, 1024);
    expect(raw.bufferAt(view as bigint, 1024)).toHaveLength(1024);
    expect(raw.UnmapViewOfFile(view)).toBe(true);
    expect(raw.CloseHandle(handle)).toBe(true);
    expect(raw.formatMessage(2)).toBe('Fake message for 2.');
  });

  it.each([
    ['a DWORD above 2^32 - 1', [raw.INVALID_HANDLE_VALUE, null, raw.PAGE_READWRITE, 0, 2 ** 32, null], /dwMaximumSizeLow \(argument 5\): Expected a DWORD: an integer from 0 to 4294967295/],
    ['a negative DWORD', [raw.INVALID_HANDLE_VALUE, null, -1, 0, 1024, null], /flProtect \(argument 3\)/],
    ['a fractional DWORD', [raw.INVALID_HANDLE_VALUE, null, 4, 0, 1.5, null], /dwMaximumSizeLow .*integer/],
    ['a handle as a number', [-1, null, 4, 0, 1024, null], /hFile \(argument 1\): Expected a bigint handle/],
    ['a name with NUL', [raw.INVALID_HANDLE_VALUE, null, 4, 0, 1024, 'a\0b'], /lpName \(argument 6\): .*NUL/],
    ['a missing argument', [raw.INVALID_HANDLE_VALUE, null, 4, 0, 1024], /6 arguments expected, got 5/],
  ])('refuses %s before calling kernel32', (_what, args, message) => {
    const call = raw.CreateFileMappingW as (...a: unknown[]) => unknown;
    expect(() => call(...args)).toThrow(FileMappingValidationError);
    expect(() => call(...args)).toThrow(message);
    expect(k32.calls).toEqual([]);
  });

  it('names the argument that is wrong', () => {
    try {
      (raw.MapViewOfFile as (...a: unknown[]) => unknown)(1n, raw.FILE_MAP_READ, 0, 0, -5);
      expect.unreachable();
    } catch (error) {
      expect((error as FileMappingValidationError).message).toMatch(/arguments to MapViewOfFile[\s\S]*dwNumberOfBytesToMap \(argument 5\)/);
    }
  });

  it('copies with RtlMoveMemory between Buffers and addresses, and refuses a Length a Buffer side does not hold', () => {
    const source = Buffer.from('hello');
    const target = Buffer.alloc(5);
    raw.RtlMoveMemory(target, source, 5);
    expect(target.toString()).toBe('hello');
    expect(() => raw.RtlMoveMemory(Buffer.alloc(4), source, 5)).toThrow(/Length \(argument 3\): 5 bytes is more than Destination holds \(4 bytes\)/u);
    expect(() => raw.RtlMoveMemory(target, Buffer.alloc(2), 5)).toThrow(/more than Source holds \(2 bytes\)/u);
    expect(() => raw.RtlMoveMemory(0n, source, 5)).toThrow(/Destination \(argument 1\)/u);
    expect(() => raw.RtlMoveMemory(target, source, 1.5)).toThrow(/Length \(argument 3\)/u);
    expect(k32.calls).toEqual(['RtlMoveMemory']);
  });

  it('refuses bufferAt over NULL or an empty range', () => {
    expect(() => raw.bufferAt(0n, 10)).toThrow(FileMappingValidationError);
    expect(() => raw.bufferAt(0x1000n, 0)).toThrow(FileMappingValidationError);
  });
});

describe.runIf(process.platform !== 'win32')('the raw layer off Windows', () => {
  it('imports, exposes the constants, and throws PlatformNotSupportedError when called', () => {
    expect(raw.FILE_MAP_ALL_ACCESS).toBe(0xf001f);
    expect(raw.ERROR_NAMES.get(183)).toBe('ERROR_ALREADY_EXISTS');
    expect(() => raw.GetLastError()).toThrow(PlatformNotSupportedError);
  });
});
