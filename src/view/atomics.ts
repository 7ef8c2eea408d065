/**
 * Atomic operations on the words of a view, for counters, flags and locks shared with other processes: the same in
 * zero-copy and copy mode, and the same memory effects as the Win32 Interlocked functions a C peer uses
 * (InterlockedCompareExchange, InterlockedExchangeAdd...), so a word can be shared with C.
 */
import { FileMappingValidationError, readOnlyView } from '../errors.js';
import type { Access } from '../section/options.js';
import type { ViewMemory, WordAtomics } from './memory.js';

const READ_ONLY: readonly Access[] = ['read', 'execute-read'];
const I32 = { min: -(2 ** 31), max: 2 ** 31 - 1 };
const I64 = { min: -(2n ** 63n), max: 2n ** 63n - 1n };

/** @internal What a view gives its atomics. */
export interface AtomicsHost {
  readonly length: number;
  readonly access: Access;
  readonly description: string;
  memory(operation: string): ViewMemory;
}

/**
 * Sequentially consistent operations on a naturally aligned signed 32-bit (`I32`, a C LONG) or 64-bit (`I64`, a
 * LONG64, as bigint) word at a byte offset of the view. Each one is atomic and a full memory barrier. Offsets must be
 * multiples of the word size; values must fit the word (no silent wrapping of what you pass, though `add` wraps
 * around like the C functions).
 */
export class ViewAtomics {
  readonly #host: AtomicsHost;

  /** @internal Made by MappedView.atomics. */
  constructor(host: AtomicsHost) {
    this.#host = host;
  }

  /** The word at `offset`. */
  loadI32(offset: number): number {
    return this.#ops('loadI32', offset, 4, false).load32(offset);
  }
  /** Stores `value` (InterlockedExchange); returns nothing, like Atomics.store returns nothing useful. */
  storeI32(offset: number, value: number): void {
    this.#ops('storeI32', offset, 4, true).exchange32(offset, this.#i32('storeI32', 'value', value));
  }
  /** Stores `value`; returns the previous value (InterlockedExchange). */
  exchangeI32(offset: number, value: number): number {
    return this.#ops('exchangeI32', offset, 4, true).exchange32(offset, this.#i32('exchangeI32', 'value', value));
  }
  /** Stores `replacement` if the word is `expected`; returns the previous value (InterlockedCompareExchange). */
  compareExchangeI32(offset: number, expected: number, replacement: number): number {
    const method = 'compareExchangeI32';
    return this.#ops(method, offset, 4, true).compareExchange32(offset, this.#i32(method, 'expected', expected), this.#i32(method, 'replacement', replacement));
  }
  /** Adds `delta`, wrapping around; returns the previous value (InterlockedExchangeAdd). */
  addI32(offset: number, delta: number): number {
    return this.#ops('addI32', offset, 4, true).add32(offset, this.#i32('addI32', 'delta', delta));
  }

  /** The 64-bit word at `offset`. */
  loadI64(offset: number): bigint {
    return this.#ops('loadI64', offset, 8, false).load64(offset);
  }
  /** Stores `value` (InterlockedExchange64). */
  storeI64(offset: number, value: bigint): void {
    this.#ops('storeI64', offset, 8, true).exchange64(offset, this.#i64('storeI64', 'value', value));
  }
  /** Stores `value`; returns the previous value (InterlockedExchange64). */
  exchangeI64(offset: number, value: bigint): bigint {
    return this.#ops('exchangeI64', offset, 8, true).exchange64(offset, this.#i64('exchangeI64', 'value', value));
  }
  /** Stores `replacement` if the word is `expected`; returns the previous value (InterlockedCompareExchange64). */
  compareExchangeI64(offset: number, expected: bigint, replacement: bigint): bigint {
    const method = 'compareExchangeI64';
    return this.#ops(method, offset, 8, true).compareExchange64(offset, this.#i64(method, 'expected', expected), this.#i64(method, 'replacement', replacement));
  }
  /** Adds `delta`, wrapping around; returns the previous value (InterlockedExchangeAdd64). */
  addI64(offset: number, delta: bigint): bigint {
    return this.#ops('addI64', offset, 8, true).add64(offset, this.#i64('addI64', 'delta', delta));
  }

  #ops(method: string, offset: number, size: 4 | 8, writes: boolean): WordAtomics {
    const host = this.#host;
    const memory = host.memory(method);
    if (writes && READ_ONLY.includes(host.access)) {
      throw readOnlyView(`atomics.${method}`, host.description, host.access);
    }
    if (!Number.isSafeInteger(offset) || offset < 0 || offset + size > host.length || offset % size !== 0) {
      this.#refuse(method, [
        `offset: expected a multiple of ${size} from 0 to ${Math.max(0, host.length - size)} (an aligned ${size * 8}-bit word inside the view's ${host.length} bytes), got ${String(offset)}`,
      ]);
    }
    return memory.atomics;
  }

  #i32(method: string, name: string, value: number): number {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < I32.min || value > I32.max) {
      this.#refuse(method, [`${name}: expected an integer from ${I32.min} to ${I32.max}, got ${String(value)}`]);
    }
    return value;
  }

  #i64(method: string, name: string, value: bigint): bigint {
    if (typeof value !== 'bigint' || value < I64.min || value > I64.max) {
      this.#refuse(method, [`${name}: expected a bigint from ${I64.min} to ${I64.max}, got ${typeof value === 'bigint' ? value : String(value)}`]);
    }
    return value;
  }

  #refuse(method: string, issues: string[]): never {
    throw new FileMappingValidationError(`MappedView.atomics.${method}() arguments`, issues);
  }
}
