/**
 * 64-bit sizes and offsets as the Win32 API wants them: two DWORDs, high and low.
 *
 * CreateFileMappingW takes the maximum size and MapViewOfFile the offset as (high, low) pairs; koffi does not
 * range-check integers, so a value is checked here before it is split and never wraps silently.
 */

/** 2^64 - 1: the largest value a pair of DWORDs can hold. */
export const MAX_UINT64 = 0xffff_ffff_ffff_ffffn;
const DWORD_MASK = 0xffff_ffffn;

/** A 64-bit unsigned quantity split into the two DWORDs of the Win32 API. */
export class Dword64 {
  /** The whole value. */
  readonly value: bigint;
  /** Bits 32..63. */
  readonly high: number;
  /** Bits 0..31. */
  readonly low: number;

  private constructor(value: bigint) {
    this.value = value;
    this.high = Number(value >> 32n);
    this.low = Number(value & DWORD_MASK);
  }

  /**
   * Splits a non-negative integer of at most 64 bits. Throws a RangeError for anything else: a fraction, NaN, a
   * negative value, a number above 2^53 - 1 (which has already lost precision: pass a bigint), or a value of more
   * than 64 bits.
   */
  static from(value: number | bigint): Dword64 {
    return new Dword64(toUint64(value));
  }

  /** Joins a (high, low) pair, each a DWORD. */
  static join(high: number, low: number): Dword64 {
    for (const [part, name] of [
      [high, 'high'],
      [low, 'low'],
    ] as const) {
      if (!Number.isInteger(part) || part < 0 || part > 0xffff_ffff) {
        throw new RangeError(`The ${name} DWORD must be an integer from 0 to 4294967295, got ${String(part)}`);
      }
    }
    return new Dword64((BigInt(high) << 32n) | BigInt(low));
  }
}

/** Converts a number or bigint to a bigint in [0, 2^64 - 1], or throws a RangeError saying why it cannot. */
export function toUint64(value: number | bigint): bigint {
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) throw new RangeError(`Expected an integer, got ${String(value)}`);
    if (value < 0) throw new RangeError(`Expected a non-negative value, got ${value}`);
    if (!Number.isSafeInteger(value)) {
      throw new RangeError(`${value} is above Number.MAX_SAFE_INTEGER and may have lost precision: pass a bigint`);
    }
    value = BigInt(value);
  }
  if (value < 0n) throw new RangeError(`Expected a non-negative value, got ${value}`);
  if (value > MAX_UINT64) throw new RangeError(`${value} does not fit in 64 bits`);
  return value;
}
