/**
 * How a MappedView reaches its memory: through a Buffer over it (zero copy), or, where the runtime forbids Buffers
 * over memory V8 did not allocate (Electron's V8 memory cage), by copying (RtlMoveMemory, memcpy: copy mode).
 *
 * Copy mode is chosen automatically when koffi.view() refuses a page of the package's own (the runtime's policy, learnt
 * once), and can be forced with the `copy` map option or the
 * FILEMAPPING_COPY_MODE=1 environment variable (which is how the tests run the whole suite in it on plain Node).
 */
import type { MemoryAccess } from '../backend.js';
import type { Interlocked } from './interlocked.js';

/**
 * Sequentially consistent operations on the naturally aligned 32- or 64-bit word at a byte offset of the view: the
 * semantics of JavaScript's Atomics and of the Win32 Interlocked functions, in both modes. Each returns the previous
 * value (load: the value).
 */
export interface WordAtomics {
  load32(offset: number): number;
  exchange32(offset: number, value: number): number;
  compareExchange32(offset: number, expected: number, replacement: number): number;
  add32(offset: number, delta: number): number;
  load64(offset: number): bigint;
  exchange64(offset: number, value: bigint): bigint;
  compareExchange64(offset: number, expected: bigint, replacement: bigint): bigint;
  add64(offset: number, delta: bigint): bigint;
}

export interface ViewMemory {
  /** The Buffer over the memory, in zero-copy mode only. */
  readonly buffer: Buffer | undefined;
  /** Copies `length` bytes at `offset` out. */
  read(offset: number, length: number): Buffer;
  /** Copies `length` bytes at `offset` into the start of `target` (at least `length` bytes long). */
  readInto(target: Uint8Array, offset: number, length: number): void;
  /**
   * A Buffer over `length` bytes at `offset`, on an ArrayBuffer of its own, and revoke(), which detaches it so that
   * the Buffer reads as empty and can no longer reach the memory: in zero-copy mode where the runtime can detach an
   * ArrayBuffer (ArrayBuffer.prototype.transfer: Node 22 and later). Undefined otherwise: the caller copies instead.
   */
  lend(offset: number, length: number): LentBytes | undefined;
  /** Copies `source` in at `offset`. */
  write(source: Uint8Array, offset: number): void;
  /** The offset of the first byte equal to 0 (or the first aligned 0 pair for a 2-byte unit) from `offset`, or -1. */
  indexOfNul(offset: number, unit: 1 | 2): number;
  /** Atomic operations on aligned words; offsets are trusted (checked by the caller). */
  readonly atomics: WordAtomics;
}

/** Bytes of a view lent without copy, until revoke(). */
export interface LentBytes {
  readonly buffer: Buffer;
  revoke(): void;
}

/** Whether FILEMAPPING_COPY_MODE asks for copy mode. */
export function copyModeForced(): boolean {
  const value = process.env.FILEMAPPING_COPY_MODE;
  return value !== undefined && value !== '' && value !== '0' && value.toLowerCase() !== 'false';
}

/** What each backend's memory learnt of the runtime's policy, asked once. */
const externalBuffers = new WeakMap<MemoryAccess, boolean>();

/**
 * A zero-copy memory if the runtime allows external buffers, else undefined. A runtime that allows them but fails
 * this view (koffi.view() throws) throws: the failure is this view's, not the runtime's policy.
 */
export function tryZeroCopy(memory: MemoryAccess, address: bigint, length: number): ArrayBuffer | undefined {
  let allowed = externalBuffers.get(memory);
  if (allowed === undefined) {
    allowed = externalBuffersAllowed(memory);
    externalBuffers.set(memory, allowed);
  }
  return allowed ? memory.view(address, length) : undefined;
}

/**
 * Whether this runtime lets koffi.view() make an ArrayBuffer over memory V8 did not allocate (Electron's memory cage
 * does not), asked once with a page of the package's own, so that nothing about the first view being mapped (its
 * length, its address) can pass for the runtime's answer. The ArrayBuffer made here is dropped untouched.
 */
function externalBuffersAllowed(memory: MemoryAccess): boolean {
  return memory.withPage((page, bytes) => {
    try {
      memory.view(page, bytes);
      return true;
    } catch {
      return false;
    }
  });
}

/** Detaches an ArrayBuffer where the runtime can (ArrayBuffer.prototype.transfer, Node 22+): its views read as empty. */
export function detach(arrayBuffer: ArrayBuffer): void {
  const transfer = (arrayBuffer as ArrayBuffer & { transfer?: (length?: number) => ArrayBuffer }).transfer;
  if (typeof transfer === 'function') transfer.call(arrayBuffer, 0);
}

/** Whether this runtime can detach an ArrayBuffer (see detach()). */
export const canDetach = typeof (ArrayBuffer.prototype as { transfer?: unknown }).transfer === 'function';

/** What keeps a view's memory mapped while a Buffer lent from it lives: the view's own ArrayBuffer (the finalizer's target). */
const keepsMapped = Symbol('filemapping.keepsMapped');

/**
 * The memory of a view in zero-copy mode: `buffer` over all of it. `lendFrom` makes an ArrayBuffer over part of it
 * (koffi.view at the view's address plus an offset); without it (or where the runtime cannot detach) lend() copies.
 *
 * The memories are classes, their operations methods: a view made one object literal of a dozen closures, each also
 * named by esbuild's keepNames, which was most of what a map() cost (BENCHMARKS.md, binding overhead).
 */
export function zeroCopyMemory(buffer: Buffer, lendFrom?: (offset: number, length: number) => ArrayBuffer): ViewMemory {
  return new ZeroCopyMemory(buffer, lendFrom);
}

class ZeroCopyMemory implements ViewMemory, WordAtomics {
  readonly buffer: Buffer;
  readonly #lendFrom: ((offset: number, length: number) => ArrayBuffer) | undefined;
  // Atomics works on any integer typed array, shared or not; the view's address is aligned to the allocation
  // granularity, so a byte offset that is a multiple of the word size is an aligned word.
  // Made on the first atomic operation (views can be longer than 2^31 bytes: no shifts on lengths or offsets).
  #i32: Int32Array | undefined;
  #i64: BigInt64Array | undefined;

  constructor(buffer: Buffer, lendFrom: ((offset: number, length: number) => ArrayBuffer) | undefined) {
    this.buffer = buffer;
    this.#lendFrom = lendFrom;
  }

  get atomics(): WordAtomics {
    return this;
  }

  #words(): Int32Array {
    return (this.#i32 ??= new Int32Array(this.buffer.buffer, this.buffer.byteOffset, Math.floor(this.buffer.length / 4)));
  }

  #longs(): BigInt64Array {
    return (this.#i64 ??= new BigInt64Array(this.buffer.buffer, this.buffer.byteOffset, Math.floor(this.buffer.length / 8)));
  }

  load32(offset: number): number {
    return Atomics.load(this.#words(), offset / 4);
  }
  exchange32(offset: number, value: number): number {
    return Atomics.exchange(this.#words(), offset / 4, value);
  }
  compareExchange32(offset: number, expected: number, replacement: number): number {
    return Atomics.compareExchange(this.#words(), offset / 4, expected, replacement);
  }
  add32(offset: number, delta: number): number {
    return Atomics.add(this.#words(), offset / 4, delta);
  }
  load64(offset: number): bigint {
    return Atomics.load(this.#longs(), offset / 8);
  }
  exchange64(offset: number, value: bigint): bigint {
    return Atomics.exchange(this.#longs(), offset / 8, value);
  }
  compareExchange64(offset: number, expected: bigint, replacement: bigint): bigint {
    return Atomics.compareExchange(this.#longs(), offset / 8, expected, replacement);
  }
  add64(offset: number, delta: bigint): bigint {
    return Atomics.add(this.#longs(), offset / 8, delta);
  }

  read(offset: number, length: number): Buffer {
    return Buffer.from(this.buffer.subarray(offset, offset + length));
  }

  readInto(target: Uint8Array, offset: number, length: number): void {
    target.set(this.buffer.subarray(offset, offset + length));
  }

  lend(offset: number, length: number): LentBytes | undefined {
    if (!this.#lendFrom || !canDetach || length === 0) return undefined;
    const lent = this.#lendFrom(offset, length);
    // A Buffer kept past its release is detached; one kept without release keeps the view mapped (never a fault).
    Object.defineProperty(lent, keepsMapped, { value: this.buffer.buffer });
    return { buffer: Buffer.from(lent), revoke: () => detach(lent) };
  }

  write(source: Uint8Array, offset: number): void {
    this.buffer.set(source, offset);
  }

  indexOfNul(offset: number, unit: 1 | 2): number {
    const buffer = this.buffer;
    if (unit === 1) return buffer.indexOf(0, offset);
    for (let i = offset; i + 1 < buffer.length; i += 2) if (buffer[i] === 0 && buffer[i + 1] === 0) return i;
    return -1;
  }
}

/** Scans for a NUL this many bytes at a time in copy mode. */
const SCAN_CHUNK = 4096;

export function copyMemory(memory: MemoryAccess, address: bigint, length: number): ViewMemory {
  return new CopyMemory(memory, address, length);
}

class CopyMemory implements ViewMemory, WordAtomics {
  readonly buffer = undefined;
  readonly #memory: MemoryAccess;
  readonly #address: bigint;
  readonly #length: number;
  /** Made on the first atomic operation only: plain copy-mode views never need the interlocked code page. */
  #ops: Interlocked | undefined;

  constructor(memory: MemoryAccess, address: bigint, length: number) {
    this.#memory = memory;
    this.#address = address;
    this.#length = length;
  }

  get atomics(): WordAtomics {
    return this;
  }

  #interlocked(): Interlocked {
    return (this.#ops ??= this.#memory.interlocked());
  }

  #at(offset: number): bigint {
    return this.#address + BigInt(offset);
  }

  load32(offset: number): number {
    return this.#interlocked().load32(this.#at(offset));
  }
  exchange32(offset: number, value: number): number {
    return this.#interlocked().exchange32(this.#at(offset), value);
  }
  compareExchange32(offset: number, expected: number, replacement: number): number {
    return this.#interlocked().compareExchange32(this.#at(offset), expected, replacement);
  }
  add32(offset: number, delta: number): number {
    return this.#interlocked().add32(this.#at(offset), delta);
  }
  load64(offset: number): bigint {
    return this.#interlocked().load64(this.#at(offset));
  }
  exchange64(offset: number, value: bigint): bigint {
    return this.#interlocked().exchange64(this.#at(offset), value);
  }
  compareExchange64(offset: number, expected: bigint, replacement: bigint): bigint {
    return this.#interlocked().compareExchange64(this.#at(offset), expected, replacement);
  }
  add64(offset: number, delta: bigint): bigint {
    return this.#interlocked().add64(this.#at(offset), delta);
  }

  read(offset: number, count: number): Buffer {
    const target = Buffer.allocUnsafe(count);
    if (count > 0) this.#memory.copy(target, this.#at(offset), count);
    return target;
  }

  readInto(target: Uint8Array, offset: number, count: number): void {
    if (count > 0) this.#memory.copy(target, this.#at(offset), count);
  }

  lend(): undefined {
    return undefined;
  }

  write(source: Uint8Array, offset: number): void {
    if (source.length > 0) this.#memory.copy(this.#at(offset), source, source.length);
  }

  indexOfNul(offset: number, unit: 1 | 2): number {
    for (let start = offset; start < this.#length; start += SCAN_CHUNK) {
      const chunk = this.read(start, Math.min(SCAN_CHUNK, this.#length - start));
      const found = zeroCopyMemory(chunk).indexOfNul(0, unit);
      if (found >= 0) return start + found;
    }
    return -1;
  }
}
