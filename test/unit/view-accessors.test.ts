// The view accessors, in zero-copy and copy mode, against a fake kernel32: the same results in both modes,
// bounds checked, and writes refused through a view that may not write.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileMappingValidationError } from '../../src/errors.js';
import { FileMapping } from '../../src/section/file-mapping.js';
import type { MappedView } from '../../src/view/mapped-view.js';
import { FakeKernel32, setKernel32ForTesting } from './fake-kernel32.js';

let k32: FakeKernel32;
beforeEach(() => {
  k32 = new FakeKernel32();
  setKernel32ForTesting(k32);
});
afterEach(() => setKernel32ForTesting(undefined));

describe.each([
  ['zero-copy', false],
  ['copy', true],
])('accessors in %s mode', (_mode, copy) => {
  const view = (options: { access?: 'read' | 'write' | 'copy' } = {}): MappedView => FileMapping.create({ size: 4096 }).map({ copy, ...options });

  it('says which mode it is in, and has a buffer only without copy', () => {
    const v = view();
    expect(v.copyMode).toBe(copy);
    if (copy) expect(() => v.buffer).toThrow(/copy mode/);
    else expect(v.buffer).toHaveLength(4096);
  });

  it('reads back what it wrote, as bytes, integers, floats and strings', () => {
    const v = view();
    v.write(Buffer.from([1, 2, 3]), 10);
    expect([...v.read(10, 3)]).toEqual([1, 2, 3]);
    const into = Buffer.alloc(3);
    expect(v.readInto(into, 10)).toBe(3);
    expect([...into]).toEqual([1, 2, 3]);
    v.writeU32(100, 0xdeadbeef);
    v.writeI16(104, -2);
    v.writeU64(108, 2n ** 63n + 5n);
    v.writeI64(116, -7n);
    v.writeF64(124, Math.PI);
    v.writeF32(132, 1.5);
    v.writeU8(136, 255);
    v.writeI8(137, -128);
    expect([v.readU32(100), v.readI16(104), v.readU64(108), v.readI64(116), v.readF64(124), v.readF32(132), v.readU8(136), v.readI8(137)]).toEqual([
      0xdeadbeef,
      -2,
      2n ** 63n + 5n,
      -7n,
      Math.PI,
      1.5,
      255,
      -128,
    ]);
    expect(v.readU8(103)).toBe(0xde); // little-endian
  });

  it('writes C strings with their NUL and reads them up to it, in UTF-8, UTF-16 and Latin-1', () => {
    const v = view();
    v.fill(0x41);
    expect(v.writeString('héllo', 0)).toBe(6);
    expect(v.readString(0)).toBe('héllo');
    expect(v.writeString('wide ✓', 200, 'utf16le')).toBe(12);
    expect(v.readString(200, undefined, 'utf16le')).toBe('wide ✓');
    v.writeString('latin', 400, 'latin1');
    expect(v.readString(400, 3, 'latin1')).toBe('lat');
    expect(v.readString(4090)).toBe('AAAAAA'); // no NUL before the end of the view
  });

  it('fills a range', () => {
    const v = view();
    v.fill(7, 10, 5);
    expect([...v.read(9, 7)]).toEqual([0, 7, 7, 7, 7, 7, 0]);
  });

  it.each([
    ['read past the end', (v: MappedView) => v.read(4000, 97)],
    ['a negative offset', (v: MappedView) => v.readU8(-1)],
    ['a fractional offset', (v: MappedView) => v.readU32(1.5)],
    ['NaN', (v: MappedView) => v.write(Buffer.alloc(1), Number.NaN)],
    ['a u32 at the last byte', (v: MappedView) => v.readU32(4093)],
    ['a string without room for its NUL', (v: MappedView) => v.writeString('abcd', 4092)],
    ['a value out of range', (v: MappedView) => v.writeU8(0, 256)],
    ['a fill value out of range', (v: MappedView) => v.fill(300)],
    ['an unknown encoding', (v: MappedView) => v.readString(0, 1, 'ascii' as 'utf8')],
  ])('refuses %s with a validation error', (_what, call) => {
    expect(() => call(view())).toThrow(FileMappingValidationError);
  });

  it.each([
    ['writeU8', 1.5, 'expected an integer from 0 to 255, got 1.5'],
    ['writeU16', Number.NaN, 'expected an integer from 0 to 65535, got NaN'],
    ['writeU32', Number.POSITIVE_INFINITY, 'expected an integer from 0 to 4294967295, got Infinity'],
    ['writeI8', Number.NEGATIVE_INFINITY, 'expected an integer from -128 to 127, got -Infinity'],
    ['writeI16', -0.5, 'expected an integer from -32768 to 32767, got -0.5'],
    ['writeI32', 2 ** 30 + 0.5, 'expected an integer from -2147483648 to 2147483647, got 1073741824.5'],
    ['writeU8', '7', 'expected an integer from 0 to 255, got "7"'],
  ] as const)('refuses %s(0, %s): an integer writer takes integers only, and leaves the memory as it was', (method, value, message) => {
    const v = view();
    v.writeU32(0, 0x01020304);
    const write = (v[method] as (offset: number, value: unknown) => void).bind(v);
    expect(() => write(0, value)).toThrow(FileMappingValidationError);
    expect(() => write(0, value)).toThrow(`Invalid MappedView.${method}() arguments:\n  ✖ value: ${message}`);
    expect(v.readU32(0)).toBe(0x01020304);
  });

  it.each([
    ['writeU64', 1, 'expected a bigint from 0n to 18446744073709551615n, got 1'],
    ['writeI64', -1.5, 'expected a bigint from -9223372036854775808n to 9223372036854775807n, got -1.5'],
    ['writeU64', '1', 'expected a bigint from 0n to 18446744073709551615n, got "1"'],
    ['writeI64', undefined, 'expected a bigint from -9223372036854775808n to 9223372036854775807n, got undefined'],
    ['writeU64', -1n, 'expected a bigint from 0n to 18446744073709551615n, got -1n'],
    ['writeI64', 2n ** 63n, 'expected a bigint from -9223372036854775808n to 9223372036854775807n, got 9223372036854775808n'],
  ] as const)('refuses %s(0, %s): a 64-bit writer takes bigints in its range only', (method, value, message) => {
    const v = view();
    const write = (v[method] as (offset: number, value: unknown) => void).bind(v);
    expect(() => write(0, value)).toThrow(`Invalid MappedView.${method}() arguments:\n  ✖ value: ${message}`);
    expect(v.readU64(0)).toBe(0n);
  });

  it('refuses a float writer anything but a number, and writes NaN and infinities as they are', () => {
    const v = view();
    expect(() => (v.writeF64 as (offset: number, value: unknown) => void)(0, '1.5')).toThrow(/value: expected a number, got "1.5"/);
    expect(() => (v.writeF32 as (offset: number, value: unknown) => void)(0, 1n)).toThrow(FileMappingValidationError);
    v.writeF64(0, Number.NaN);
    v.writeF32(8, Number.NEGATIVE_INFINITY);
    expect([v.readF64(0), v.readF32(8)]).toEqual([Number.NaN, Number.NEGATIVE_INFINITY]);
  });

  it('refuses every write through a read view, and allows them through a copy-on-write view', () => {
    const readOnly = view({ access: 'read' });
    for (const write of [
      () => readOnly.write(Buffer.alloc(1)),
      () => readOnly.writeU32(0, 1),
      () => readOnly.fill(1),
      () => readOnly.writeString('x'),
      () => readOnly.atomics.storeI32(0, 1),
    ]) {
      // One of the package's classes with a code (it was a plain Error).
      expect(write).toThrow(FileMappingValidationError);
      expect(write).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE', message: expect.stringMatching(/'read' access, which cannot write/u) }));
    }
    const copyOnWrite = view({ access: 'copy' });
    copyOnWrite.writeU32(0, 42);
    expect(copyOnWrite.readU32(0)).toBe(42);
  });

  it('refuses every accessor after unmap', () => {
    const v = view();
    v.unmap();
    expect(() => v.read()).toThrow(/closed/);
    expect(() => v.writeU8(0, 1)).toThrow(/closed/);
  });
});

describe('choosing the mode', () => {
  it('falls back to copy mode where external buffers are forbidden, and says why there is no buffer', () => {
    k32.externalBuffersForbidden = true;
    const v = FileMapping.create({ size: 4096 }).map();
    expect(v.copyMode).toBe(true);
    v.writeString('still works');
    expect(v.readString()).toBe('still works');
    expect(() => v.buffer).toThrow(/external buffers are forbidden in this runtime/);
    expect(() => v.buffer).toThrow(FileMappingValidationError);
  });

  it('follows FILEMAPPING_COPY_MODE when the map option is not given', () => {
    process.env.FILEMAPPING_COPY_MODE = '1';
    try {
      expect(FileMapping.create({ size: 4096 }).map().copyMode).toBe(true);
      expect(FileMapping.create({ size: 4096 }).map({ copy: false }).copyMode).toBe(false);
    } finally {
      delete process.env.FILEMAPPING_COPY_MODE;
    }
    expect(FileMapping.create({ size: 4096 }).map().copyMode).toBe(false);
  });
});
