import { describe, expect, it } from 'vitest';
import { Dword64, MAX_UINT64, toUint64 } from '../../src/dword.js';

describe('Dword64', () => {
  it.each([
    [0, 0, 0],
    [1, 0, 1],
    [2 ** 32 - 1, 0, 0xffff_ffff],
    [2 ** 32, 1, 0],
    [2 ** 53 - 1, 0x1f_ffff, 0xffff_ffff],
    [MAX_UINT64, 0xffff_ffff, 0xffff_ffff],
    [5n * 2n ** 30n, 1, 0x4000_0000],
  ])('splits %s into high %s and low %s, and joins them back', (value, high, low) => {
    const split = Dword64.from(value);
    expect(split).toMatchObject({ high, low, value: BigInt(value) });
    expect(Dword64.join(high, low).value).toBe(BigInt(value));
  });

  it('takes -0 as 0', () => {
    expect(Dword64.from(-0)).toMatchObject({ high: 0, low: 0, value: 0n });
  });

  it.each([
    [-1, /non-negative/],
    [-1n, /non-negative/],
    [1.5, /integer/],
    [Number.NaN, /integer/],
    [Number.POSITIVE_INFINITY, /integer/],
    [2 ** 53, /pass a bigint/],
    [2n ** 64n, /does not fit in 64 bits/],
  ])('refuses %s', (value, message) => {
    expect(() => Dword64.from(value)).toThrow(RangeError);
    expect(() => toUint64(value)).toThrow(message);
  });

  it.each([
    [-1, 0, /high DWORD/],
    [2 ** 32, 0, /high DWORD/],
    [0, 1.5, /low DWORD/],
    [0, 2 ** 32, /low DWORD/],
  ])('refuses to join high %s and low %s', (high, low, message) => {
    expect(() => Dword64.join(high, low)).toThrow(message);
  });
});
