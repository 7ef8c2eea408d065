/**
 * 64-bit unsigned sizes and offsets, given as number or bigint: checked here (koffi does not range-check integers) so
 * that a value never wraps or loses precision silently before it reaches a native call.
 */

/** 2^64 - 1: the largest value a pair of DWORDs can hold. */
export const MAX_UINT64 = 0xffff_ffff_ffff_ffffn;

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
