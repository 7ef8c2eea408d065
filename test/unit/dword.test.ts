// 64-bit sizes and offsets split into the (high, low) DWORD pairs of CreateFileMappingW and MapViewOfFile. koffi
// does not range-check integers, so every value that cannot be split exactly must be refused, never wrapped.
import { describe, expect, it } from 'vitest';
import { MAX_UINT64, toUint64 } from '../../src/core/uint64.js';
import { Dword64 } from '../../src/win32/dword.js';

/** The boundaries: [value, high DWORD, low DWORD]. */
const BOUNDARIES: ReadonlyArray<readonly [bigint, number, number]> = [
  [0n, 0, 0],
  [1n, 0, 1],
  [2n ** 32n - 1n, 0, 0xffff_ffff],
  [2n ** 32n, 1, 0],
  [2n ** 53n - 1n, 0x1f_ffff, 0xffff_ffff],
  [2n ** 64n - 1n, 0xffff_ffff, 0xffff_ffff],
];

/** The same values as a caller may pass them: as a number where a number is exact, and always as a bigint. */
const INPUTS: ReadonlyArray<readonly [string, number | bigint, bigint, number, number]> = BOUNDARIES.flatMap(([value, high, low]) => [
  ...(value <= BigInt(Number.MAX_SAFE_INTEGER) ? [[`the number ${value}`, Number(value), value, high, low] as const] : []),
  [`the bigint ${value}n`, value, value, high, low] as const,
]);

describe('toUint64', () => {
  it.each(INPUTS)('turns %s into a bigint', (_what, input, expected) => {
    const result = toUint64(input);
    expect(typeof result).toBe('bigint');
    expect(result).toBe(expected);
  });

  it('takes -0 as 0', () => {
    expect(toUint64(-0)).toBe(0n);
    expect(Object.is(Number(toUint64(-0)), 0)).toBe(true);
  });

  it('has 2^64 - 1 as its largest value', () => {
    expect(MAX_UINT64).toBe(2n ** 64n - 1n);
    expect(toUint64(MAX_UINT64)).toBe(MAX_UINT64);
  });
});

describe('Dword64.from', () => {
  it.each(INPUTS)('splits %s into its high and low DWORDs', (_what, input, value, high, low) => {
    const split = Dword64.from(input);
    expect(split.value).toBe(value);
    expect(split.high).toBe(high);
    expect(split.low).toBe(low);
  });

  it('gives DWORDs as numbers a native call can take', () => {
    for (const [value] of BOUNDARIES) {
      const { high, low } = Dword64.from(value);
      for (const part of [high, low]) {
        expect(Number.isInteger(part)).toBe(true);
        expect(part).toBeGreaterThanOrEqual(0);
        expect(part).toBeLessThanOrEqual(0xffff_ffff);
      }
    }
  });

  it('takes -0 as 0', () => {
    expect(Dword64.from(-0)).toMatchObject({ value: 0n, high: 0, low: 0 });
    expect(Object.is(Dword64.from(-0).low, 0)).toBe(true);
  });

  it('keeps the low bits of a value just above a DWORD boundary', () => {
    expect(Dword64.from(2n ** 32n + 5n)).toMatchObject({ high: 1, low: 5 });
    expect(Dword64.from(5n * 2n ** 30n)).toMatchObject({ high: 1, low: 0x4000_0000 });
  });
});

describe('Dword64.join', () => {
  it.each(BOUNDARIES)('joins the DWORDs of %s back into it', (value, high, low) => {
    const joined = Dword64.join(high, low);
    expect(joined.value).toBe(value);
    expect(joined).toMatchObject({ high, low });
  });

  it('joins the largest pair into 2^64 - 1', () => {
    expect(Dword64.join(0xffff_ffff, 0xffff_ffff).value).toBe(MAX_UINT64);
  });

  it.each([
    [-1, 0, 'high', '-1'],
    [2 ** 32, 0, 'high', '4294967296'],
    [0.5, 0, 'high', '0.5'],
    [Number.NaN, 0, 'high', 'NaN'],
    [Number.POSITIVE_INFINITY, 0, 'high', 'Infinity'],
    [0, -1, 'low', '-1'],
    [0, 2 ** 32, 'low', '4294967296'],
    [0, 1.5, 'low', '1.5'],
    [0, Number.NaN, 'low', 'NaN'],
  ])('refuses high %s with low %s, naming the %s DWORD and the value', (high, low, part, shown) => {
    expect(() => Dword64.join(high, low)).toThrow(RangeError);
    expect(() => Dword64.join(high, low)).toThrow(`The ${part} DWORD must be an integer from 0 to 4294967295, got ${shown}`);
  });
});

describe('refusals', () => {
  it.each<[string, number | bigint, RegExp]>([
    ['-1', -1, /Expected a non-negative value, got -1/],
    ['-1n', -1n, /Expected a non-negative value, got -1/],
    ['1.5', 1.5, /Expected an integer, got 1\.5/],
    ['NaN', Number.NaN, /Expected an integer, got NaN/],
    ['Infinity', Number.POSITIVE_INFINITY, /Expected an integer, got Infinity/],
    ['-Infinity', Number.NEGATIVE_INFINITY, /Expected an integer, got -Infinity/],
    ['2^53 as a number', 2 ** 53, /9007199254740992 is above Number\.MAX_SAFE_INTEGER .*pass a bigint/],
    ['2^64 as a number', 2 ** 64, /above Number\.MAX_SAFE_INTEGER .*pass a bigint/],
    ['2^64 as a bigint', 2n ** 64n, /18446744073709551616 does not fit in 64 bits/],
    ['2^65 + 1 as a bigint', 2n ** 65n + 1n, /does not fit in 64 bits/],
  ])('refuses %s with a RangeError that says why', (_what, value, message) => {
    expect(() => toUint64(value)).toThrow(RangeError);
    expect(() => toUint64(value)).toThrow(message);
    expect(() => Dword64.from(value)).toThrow(RangeError);
    expect(() => Dword64.from(value)).toThrow(message);
  });

  it('accepts 2^53 when it is passed as a bigint, as the refusal of the number advises', () => {
    expect(Dword64.from(2n ** 53n)).toMatchObject({ value: 2n ** 53n, high: 0x20_0000, low: 0 });
  });

  it('refuses a large negative number as negative, not as imprecise', () => {
    expect(() => toUint64(-(2 ** 60))).toThrow(/non-negative/);
  });
});
