/**
 * The accessors of a view: the same in zero-copy and copy mode, bounds-checked against the view, and refusing
 * writes through a view that may not write (which through a raw Buffer would be a page fault that kills the
 * process). Integers and floats are little-endian, as on every Windows machine.
 */
import { FileMappingValidationError, readOnlyView } from '../errors.js';
import type { Access } from '../section/options.js';
import type { ViewMemory } from './memory.js';

/** The encodings readString() and writeString() take: UTF-8, UTF-16 little-endian, Latin-1. */
export type StringEncoding = 'utf8' | 'utf16le' | 'latin1';
const ENCODINGS: readonly StringEncoding[] = ['utf8', 'utf16le', 'latin1'];
const READ_ONLY: readonly Access[] = ['read', 'execute-read'];

type Scalar = number | bigint;
interface Codec<T extends Scalar> {
  size: number;
  /** What the writer takes, for the refusal: "an integer from 0 to 255". */
  expected: string;
  /** True when `value` is one of those; checked before `set`, which would round or coerce what it should refuse. */
  accepts: (value: unknown) => value is T;
  get: (b: Buffer) => T;
  set: (b: Buffer, v: T) => void;
}
// Buffer's writeUIntLE checks only the range: it writes 1.5 as 1 and NaN as 0, and coerces strings. Hence the
// writers check the value themselves, to refuse it with the same error as a bad offset.
const int = (size: number, signed: boolean): Codec<number> => {
  const min = signed ? -(2 ** (8 * size - 1)) : 0;
  const max = signed ? 2 ** (8 * size - 1) - 1 : 2 ** (8 * size) - 1;
  return {
    size,
    expected: `an integer from ${min} to ${max}`,
    accepts: (value): value is number => Number.isInteger(value) && (value as number) >= min && (value as number) <= max,
    get: (b) => (signed ? b.readIntLE(0, size) : b.readUIntLE(0, size)),
    set: (b, v) => (signed ? b.writeIntLE(v, 0, size) : b.writeUIntLE(v, 0, size)),
  };
};
const int64 = (signed: boolean): Codec<bigint> => {
  const min = signed ? -(2n ** 63n) : 0n;
  const max = signed ? 2n ** 63n - 1n : 2n ** 64n - 1n;
  return {
    size: 8,
    expected: `a bigint from ${min}n to ${max}n`,
    accepts: (value): value is bigint => typeof value === 'bigint' && value >= min && value <= max,
    get: (b) => (signed ? b.readBigInt64LE(0) : b.readBigUInt64LE(0)),
    set: (b, v) => (signed ? b.writeBigInt64LE(v, 0) : b.writeBigUInt64LE(v, 0)),
  };
};
/** Any number, NaN and the infinities included: they are floats too. */
const float = (size: 4 | 8): Codec<number> => ({
  size,
  expected: 'a number',
  accepts: (value): value is number => typeof value === 'number',
  get: (b) => (size === 4 ? b.readFloatLE(0) : b.readDoubleLE(0)),
  set: (b, v) => (size === 4 ? b.writeFloatLE(v, 0) : b.writeDoubleLE(v, 0)),
});
const CODECS = {
  u8: int(1, false),
  u16: int(2, false),
  u32: int(4, false),
  i8: int(1, true),
  i16: int(2, true),
  i32: int(4, true),
  f32: float(4),
  f64: float(8),
  u64: int64(false),
  i64: int64(true),
} satisfies Record<string, Codec<number> | Codec<bigint>>;

/** A refused value as the caller would write it: 1.5, NaN, 5n, "5". */
function shown(value: unknown): string {
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'string') return JSON.stringify(value);
  return typeof value === 'object' && value !== null ? 'an object' : String(value);
}

export abstract class ViewAccessors {
  abstract readonly length: number;
  abstract readonly access: Access;
  protected abstract memory(operation: string): ViewMemory;
  protected abstract get description(): string;

  /** Copies `length` bytes from `offset` (default: the rest of the view) into a new Buffer. */
  read(offset = 0, length?: number): Buffer {
    const memory = this.memory('read');
    const count = length ?? this.length - this.#offset('read', offset);
    this.#range('read', offset, count);
    return memory.read(offset, count);
  }

  /** Fills `target` with the bytes at `offset`; returns the number of bytes copied (target.length). */
  readInto(target: Uint8Array, offset = 0): number {
    const memory = this.memory('read');
    if (!(target instanceof Uint8Array)) this.#refuse('readInto', ['target: expected a Buffer or a Uint8Array']);
    this.#range('readInto', offset, target.length);
    target.set(memory.read(offset, target.length));
    return target.length;
  }

  /** Copies `source` into the view at `offset`. */
  write(source: Uint8Array, offset = 0): void {
    const memory = this.#writable('write');
    if (!(source instanceof Uint8Array)) this.#refuse('write', ['source: expected a Buffer or a Uint8Array']);
    this.#range('write', offset, source.length);
    memory.write(source, offset);
  }

  /**
   * Writes `text` and a terminating NUL (as the C samples' strings have) at `offset`; returns the bytes written,
   * NUL excluded. Throws if the text and its NUL do not fit.
   */
  writeString(text: string, offset = 0, encoding: StringEncoding = 'utf8'): number {
    const memory = this.#writable('writeString');
    this.#encoding('writeString', encoding);
    if (typeof text !== 'string') this.#refuse('writeString', ['text: expected a string']);
    const bytes = Buffer.from(text, encoding);
    const nul = encoding === 'utf16le' ? 2 : 1;
    this.#range('writeString', offset, bytes.length + nul);
    memory.write(Buffer.concat([bytes, Buffer.alloc(nul)]), offset);
    return bytes.length;
  }

  /**
   * Reads a string at `offset`: `length` bytes, or with no length up to the terminating NUL (a 2-byte NUL for
   * utf16le) or the end of the view.
   */
  readString(offset = 0, length?: number, encoding: StringEncoding = 'utf8'): string {
    const memory = this.memory('readString');
    this.#encoding('readString', encoding);
    let count = length;
    if (count === undefined) {
      this.#offset('readString', offset);
      const nul = memory.indexOfNul(offset, encoding === 'utf16le' ? 2 : 1);
      count = (nul < 0 ? this.length : nul) - offset;
    }
    this.#range('readString', offset, count);
    return memory.read(offset, count).toString(encoding);
  }

  /** Sets `length` bytes from `offset` (default: the rest of the view) to `value` (0 to 255). */
  fill(value: number, offset = 0, length?: number): void {
    const memory = this.#writable('fill');
    if (!Number.isInteger(value) || value < 0 || value > 255) this.#refuse('fill', [`value: expected a byte (0 to 255), got ${String(value)}`]);
    const count = length ?? this.length - this.#offset('fill', offset);
    this.#range('fill', offset, count);
    for (let done = 0; done < count; done += 1 << 20) memory.write(Buffer.alloc(Math.min(1 << 20, count - done), value), offset + done);
  }

  /** Reads an unsigned 8-bit integer at byte `offset`, little-endian (bounds-checked; works in copy mode too). */
  readU8(offset: number): number {
    return this.#get('readU8', CODECS.u8, offset);
  }
  /** Reads an unsigned 16-bit integer at byte `offset`, little-endian (bounds-checked; works in copy mode too). */
  readU16(offset: number): number {
    return this.#get('readU16', CODECS.u16, offset);
  }
  /** Reads an unsigned 32-bit integer at byte `offset`, little-endian (bounds-checked; works in copy mode too). */
  readU32(offset: number): number {
    return this.#get('readU32', CODECS.u32, offset);
  }
  /** Reads an unsigned 64-bit integer (a bigint) at byte `offset`, little-endian (bounds-checked; works in copy mode too). */
  readU64(offset: number): bigint {
    return this.#get('readU64', CODECS.u64, offset);
  }
  /** Reads a signed 8-bit integer at byte `offset`, little-endian (bounds-checked; works in copy mode too). */
  readI8(offset: number): number {
    return this.#get('readI8', CODECS.i8, offset);
  }
  /** Reads a signed 16-bit integer at byte `offset`, little-endian (bounds-checked; works in copy mode too). */
  readI16(offset: number): number {
    return this.#get('readI16', CODECS.i16, offset);
  }
  /** Reads a signed 32-bit integer at byte `offset`, little-endian (bounds-checked; works in copy mode too). */
  readI32(offset: number): number {
    return this.#get('readI32', CODECS.i32, offset);
  }
  /** Reads a signed 64-bit integer (a bigint) at byte `offset`, little-endian (bounds-checked; works in copy mode too). */
  readI64(offset: number): bigint {
    return this.#get('readI64', CODECS.i64, offset);
  }
  /** Reads a 32-bit float at byte `offset`, little-endian (bounds-checked; works in copy mode too). */
  readF32(offset: number): number {
    return this.#get('readF32', CODECS.f32, offset);
  }
  /** Reads a 64-bit float at byte `offset`, little-endian (bounds-checked; works in copy mode too). */
  readF64(offset: number): number {
    return this.#get('readF64', CODECS.f64, offset);
  }
  /** Writes an unsigned 8-bit integer at byte `offset`, little-endian (bounds- and range-checked: a value the type cannot hold throws). */
  writeU8(offset: number, value: number): void {
    this.#set('writeU8', CODECS.u8, offset, value);
  }
  /** Writes an unsigned 16-bit integer at byte `offset`, little-endian (bounds- and range-checked: a value the type cannot hold throws). */
  writeU16(offset: number, value: number): void {
    this.#set('writeU16', CODECS.u16, offset, value);
  }
  /** Writes an unsigned 32-bit integer at byte `offset`, little-endian (bounds- and range-checked: a value the type cannot hold throws). */
  writeU32(offset: number, value: number): void {
    this.#set('writeU32', CODECS.u32, offset, value);
  }
  /** Writes an unsigned 64-bit integer (a bigint) at byte `offset`, little-endian (bounds- and range-checked: a value the type cannot hold throws). */
  writeU64(offset: number, value: bigint): void {
    this.#set('writeU64', CODECS.u64, offset, value);
  }
  /** Writes a signed 8-bit integer at byte `offset`, little-endian (bounds- and range-checked: a value the type cannot hold throws). */
  writeI8(offset: number, value: number): void {
    this.#set('writeI8', CODECS.i8, offset, value);
  }
  /** Writes a signed 16-bit integer at byte `offset`, little-endian (bounds- and range-checked: a value the type cannot hold throws). */
  writeI16(offset: number, value: number): void {
    this.#set('writeI16', CODECS.i16, offset, value);
  }
  /** Writes a signed 32-bit integer at byte `offset`, little-endian (bounds- and range-checked: a value the type cannot hold throws). */
  writeI32(offset: number, value: number): void {
    this.#set('writeI32', CODECS.i32, offset, value);
  }
  /** Writes a signed 64-bit integer (a bigint) at byte `offset`, little-endian (bounds- and range-checked: a value the type cannot hold throws). */
  writeI64(offset: number, value: bigint): void {
    this.#set('writeI64', CODECS.i64, offset, value);
  }
  /** Writes a 32-bit float at byte `offset`, little-endian (bounds- and range-checked: a value the type cannot hold throws). */
  writeF32(offset: number, value: number): void {
    this.#set('writeF32', CODECS.f32, offset, value);
  }
  /** Writes a 64-bit float at byte `offset`, little-endian (bounds- and range-checked: a value the type cannot hold throws). */
  writeF64(offset: number, value: number): void {
    this.#set('writeF64', CODECS.f64, offset, value);
  }

  #get<T extends Scalar>(method: string, codec: Codec<T>, offset: number): T {
    const memory = this.memory(method);
    this.#range(method, offset, codec.size);
    return codec.get(memory.read(offset, codec.size));
  }

  #set<T extends Scalar>(method: string, codec: Codec<T>, offset: number, value: T): void {
    const memory = this.#writable(method);
    this.#range(method, offset, codec.size);
    if (!codec.accepts(value)) this.#refuse(method, [`value: expected ${codec.expected}, got ${shown(value)}`]);
    const bytes = Buffer.alloc(codec.size);
    codec.set(bytes, value);
    memory.write(bytes, offset);
  }

  #writable(method: string): ViewMemory {
    const memory = this.memory(method);
    if (READ_ONLY.includes(this.access)) {
      throw readOnlyView(method, this.description, this.access);
    }
    return memory;
  }

  #offset(method: string, offset: number): number {
    if (!Number.isSafeInteger(offset) || offset < 0 || offset > this.length) {
      this.#refuse(method, [`offset: expected an integer from 0 to ${this.length} (the view's length), got ${String(offset)}`]);
    }
    return offset;
  }

  #range(method: string, offset: number, length: number): void {
    this.#offset(method, offset);
    if (!Number.isSafeInteger(length) || length < 0 || offset + length > this.length) {
      this.#refuse(method, [
        `length: ${String(length)} bytes from offset ${offset} run past the end of the view (${this.length} bytes, at most ${this.length - offset} from there)`,
      ]);
    }
  }

  #encoding(method: string, encoding: string): void {
    if (!ENCODINGS.includes(encoding as StringEncoding)) {
      this.#refuse(method, [`encoding: expected one of ${ENCODINGS.map((e) => `'${e}'`).join(', ')}, got ${String(encoding)}`]);
    }
  }

  #refuse(method: string, issues: string[]): never {
    throw new FileMappingValidationError(`MappedView.${method}() arguments`, issues);
  }
}
