/**
 * 64-bit sizes and offsets as the Win32 API wants them: two DWORDs, high and low. CreateFileMappingW takes the maximum
 * size and MapViewOfFile the offset as (high, low) pairs; a value is checked (toUint64) before it is split.
 */
import { toUint64 } from '../core/uint64.js';

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
