// filemapping/win32 checks every argument before the call (koffi does not range-check integers), and is importable
// everywhere.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileMappingValidationError, PlatformNotSupportedError } from '../../src/errors.js';
import * as raw from '../../src/win32/index.js';
import { FakeKernel32, setKernel32ForTesting } from './fake-kernel32.js';

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
    [
      'a DWORD above 2^32 - 1',
      [raw.INVALID_HANDLE_VALUE, null, raw.PAGE_READWRITE, 0, 2 ** 32, null],
      /dwMaximumSizeLow \(argument 5\): Expected a DWORD: an integer from 0 to 4294967295/,
    ],
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

  // Every size or count that describes a caller's Buffer or array is checked against it: FormatMessageW wrote 34
  // bytes past an 8-byte Buffer given nSize 1024, LookupAccountSidW wrote "root\0" past a 2-byte Name, and
  // WaitForMultipleObjects(2, [a]) was satisfied by a handle left in memory by an earlier call (issues 12 and 19).
  it.each([
    [
      'FormatMessageW with nSize past lpBuffer',
      () => raw.FormatMessageW(raw.FORMAT_MESSAGE_FROM_SYSTEM, null, 2, 0, Buffer.alloc(8), 1024, null),
      /nSize \(argument 6\): 1024 characters is more than lpBuffer holds \(8 bytes: 4 characters\)/,
    ],
    [
      'FormatMessageW allocating into a Buffer too small for a pointer',
      () => raw.FormatMessageW(raw.FORMAT_MESSAGE_FROM_SYSTEM | raw.FORMAT_MESSAGE_ALLOCATE_BUFFER, null, 2, 0, Buffer.alloc(4), 0, null),
      /lpBuffer \(argument 5\): .*needs 8 bytes/,
    ],
    [
      'LookupAccountSidW with cchName past Name',
      () => raw.LookupAccountSidW(null, 0x1000n, Buffer.alloc(2), [256], Buffer.alloc(512), [256], [0]),
      /cchName \(argument 4\): 256 characters is more than Name holds \(2 bytes: 1 characters\)/,
    ],
    [
      'LookupAccountSidW with cchReferencedDomainName past its Buffer',
      () => raw.LookupAccountSidW(null, 0x1000n, Buffer.alloc(512), [256], Buffer.alloc(10), [6], [0]),
      /cchReferencedDomainName \(argument 6\): 6 characters is more than ReferencedDomainName holds/,
    ],
    [
      'WaitForMultipleObjects with nCount past lpHandles',
      () => raw.WaitForMultipleObjects(2, [0x100n], false, 0),
      /nCount \(argument 1\): 2 handles is more than lpHandles holds \(1\)/,
    ],
    [
      'a SECURITY_ATTRIBUTES Buffer shorter than the structure',
      () => raw.CreateEventW(Buffer.alloc(8), false, false, null),
      /lpEventAttributes \(argument 1\): .*at least 24 bytes/,
    ],
  ])('refuses %s before calling kernel32', (_what, call, message) => {
    expect(call).toThrow(FileMappingValidationError);
    expect(call).toThrow(message);
    expect(k32.calls).toEqual([]);
  });

  it('passes sizes and counts that fit their Buffers and arrays', () => {
    const buffer = Buffer.alloc(64);
    const chars = raw.FormatMessageW(raw.FORMAT_MESSAGE_FROM_SYSTEM, null, 2, 0, buffer, 32, null);
    expect(buffer.toString('utf16le', 0, chars * 2)).toBe('Fake message for 2.\r\n');
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
