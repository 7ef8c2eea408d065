/**
 * How a MappedView reaches its memory: through a Buffer over it (zero copy), or, where the runtime forbids Buffers
 * over memory V8 did not allocate (Electron's V8 memory cage), by copying with RtlMoveMemory (copy mode).
 *
 * Copy mode is chosen automatically when koffi.view() throws, and can be forced with the `copy` map option or the
 * FILEMAPPING_COPY_MODE=1 environment variable (which is how the tests run the whole suite in it on plain Node).
 */
import type { Kernel32 } from './win32/kernel32.js';

export interface ViewMemory {
  /** The Buffer over the memory, in zero-copy mode only. */
  readonly buffer: Buffer | undefined;
  /** Copies `length` bytes at `offset` out. */
  read(offset: number, length: number): Buffer;
  /** Copies `source` in at `offset`. */
  write(source: Uint8Array, offset: number): void;
  /** The offset of the first byte equal to 0 (or the first aligned 0 pair for a 2-byte unit) from `offset`, or -1. */
  indexOfNul(offset: number, unit: 1 | 2): number;
}

/** Whether FILEMAPPING_COPY_MODE asks for copy mode. */
export function copyModeForced(): boolean {
  const value = process.env.FILEMAPPING_COPY_MODE;
  return value !== undefined && value !== '' && value !== '0' && value.toLowerCase() !== 'false';
}

let externalBuffers: boolean | undefined;

/** @internal Forgets what the first view learnt about the runtime (unit tests switch fakes). */
export function resetExternalBufferProbe(): void {
  externalBuffers = undefined;
}

/** A zero-copy memory if the runtime allows it (learnt once, on the first view), else undefined. */
export function tryZeroCopy(k32: Kernel32, address: bigint, length: number): ArrayBuffer | undefined {
  if (externalBuffers === false) return undefined;
  try {
    const arrayBuffer = k32.viewMemory(address, length);
    externalBuffers = true;
    return arrayBuffer;
  } catch (error) {
    // Only the first attempt decides: later failures are real errors, not the runtime's policy.
    if (externalBuffers === true) throw error;
    externalBuffers = false;
    return undefined;
  }
}

export function zeroCopyMemory(buffer: Buffer): ViewMemory {
  return {
    buffer,
    read: (offset, length) => Buffer.from(buffer.subarray(offset, offset + length)),
    write: (source, offset) => buffer.set(source, offset),
    indexOfNul: (offset, unit) => {
      if (unit === 1) return buffer.indexOf(0, offset);
      for (let i = offset; i + 1 < buffer.length; i += 2) if (buffer[i] === 0 && buffer[i + 1] === 0) return i;
      return -1;
    },
  };
}

/** Scans for a NUL this many bytes at a time in copy mode. */
const SCAN_CHUNK = 4096;

export function copyMemory(k32: Kernel32, address: bigint, length: number): ViewMemory {
  const read = (offset: number, count: number): Buffer => {
    const target = Buffer.allocUnsafe(count);
    if (count > 0) k32.RtlMoveMemory(target, address + BigInt(offset), count);
    return target;
  };
  return {
    buffer: undefined,
    read,
    write: (source, offset) => {
      if (source.length > 0) k32.RtlMoveMemory(address + BigInt(offset), source, source.length);
    },
    indexOfNul: (offset, unit) => {
      for (let start = offset; start < length; start += SCAN_CHUNK) {
        const chunk = read(start, Math.min(SCAN_CHUNK, length - start));
        const found = zeroCopyMemory(chunk).indexOfNul(0, unit);
        if (found >= 0) return start + found;
      }
      return -1;
    },
  };
}
