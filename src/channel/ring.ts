/**
 * The ring buffer of a Channel, over the memory of a section: a header, then `capacity` bytes of records.
 *
 * Header (little-endian, offsets in bytes):
 *   0 magic 'FMCH'   4 version   8 capacity   16 head   20 tail   24 reader waiting   28 writer waiting
 *   32 writer (pid << 32 | thread id, 64 bits)   40 reader (likewise)   64.. data
 *
 * head and tail count bytes written and read since creation, modulo 2^32 (the capacity is a power of two, so a
 * position in the ring is the count modulo the capacity). A record is a 32-bit length then the payload, padded to 4
 * bytes, and may wrap around the end of the ring.
 *
 * Publication order is what makes a half-written message invisible: the writer copies the record, then stores
 * head with Atomics (sequentially consistent: the copy is visible to any process that sees the new head); the reader
 * reads only up to the head it loaded, and stores tail once it has copied the record out. Only the writer moves head
 * and only the reader moves tail: one producer and one consumer at a time.
 */
import { FileMappingValidationError } from '../errors.js';

export const HEADER_BYTES = 64;
const MAGIC = 0x4843_4d46; // 'FMCH'
const VERSION = 1;
const I = { magic: 0, version: 1, capacity: 2, head: 4, tail: 5, readerWaiting: 6, writerWaiting: 7 } as const;
/** 64-bit slots (BigInt64Array indexes over the header): who holds each role. */
const ROLE = { writer: 4, reader: 5 } as const;

/** One role holder: a thread of a process. */
export interface Holder {
  pid: number;
  thread: number;
}
const pack = ({ pid, thread }: Holder): bigint => BigInt.asIntN(64, (BigInt(pid) << 32n) | BigInt(thread));
const unpack = (value: bigint): Holder => ({ pid: Number(BigInt.asUintN(64, value) >> 32n), thread: Number(value & 0xffff_ffffn) });

/** The record size of a payload: its length field and the payload, padded to 4 bytes. */
const recordBytes = (length: number) => 4 + ((length + 3) & ~3);

export class Ring {
  readonly capacity: number;
  /** The longest message: it must fit in the ring with its length field. */
  readonly maxMessageLength: number;
  readonly #words: Int32Array;
  readonly #roles: BigInt64Array;
  readonly #data: Buffer;

  private constructor(memory: Buffer) {
    this.#words = new Int32Array(memory.buffer, memory.byteOffset, HEADER_BYTES / 4);
    this.#roles = new BigInt64Array(memory.buffer, memory.byteOffset, HEADER_BYTES / 8);
    this.capacity = this.#words[I.capacity] as number;
    this.maxMessageLength = this.capacity - 4;
    this.#data = memory.subarray(HEADER_BYTES, HEADER_BYTES + this.capacity);
  }

  /** Writes a new header over `memory` (HEADER_BYTES + capacity bytes) and returns its ring. */
  static initialize(memory: Buffer, capacity: number): Ring {
    const words = new Int32Array(memory.buffer, memory.byteOffset, HEADER_BYTES / 4);
    words.fill(0);
    words[I.capacity] = capacity;
    words[I.version] = VERSION;
    Atomics.store(words, I.magic, MAGIC);
    return new Ring(memory);
  }

  /** The ring already in `memory`, or a validation error if it holds no channel of this version. */
  static attach(memory: Buffer, what: string): Ring {
    const words = new Int32Array(memory.buffer, memory.byteOffset, HEADER_BYTES / 4);
    const problems: string[] = [];
    if (Atomics.load(words, I.magic) !== MAGIC) problems.push(`${what} holds no channel (no 'FMCH' magic): another kind of data uses this name`);
    else if (words[I.version] !== VERSION) problems.push(`${what} is a channel of version ${words[I.version]}; this package reads version ${VERSION}`);
    else {
      const capacity = words[I.capacity] as number;
      if (capacity < 16 || (capacity & (capacity - 1)) !== 0 || HEADER_BYTES + capacity > memory.length) {
        problems.push(`${what} has a damaged header (capacity ${capacity} in a ${memory.length}-byte section)`);
      }
    }
    if (problems.length > 0) throw new FileMappingValidationError('channel', problems);
    return new Ring(memory);
  }

  /** Copies `message` in and publishes it; false when the ring has not enough free space now. */
  tryWrite(message: Uint8Array): boolean {
    const head = Atomics.load(this.#words, I.head) >>> 0;
    const tail = Atomics.load(this.#words, I.tail) >>> 0;
    const size = recordBytes(message.length);
    if (size > this.capacity - ((head - tail) >>> 0)) return false;
    const at = head & (this.capacity - 1);
    this.#copyIn(message, (at + 4) & (this.capacity - 1));
    this.#data.writeUInt32LE(message.length, at);
    Atomics.store(this.#words, I.head, (head + size) | 0);
    return true;
  }

  /** Takes the oldest message out, or undefined when the ring is empty. */
  tryRead(): Buffer | undefined {
    const tail = Atomics.load(this.#words, I.tail) >>> 0;
    const head = Atomics.load(this.#words, I.head) >>> 0;
    const used = (head - tail) >>> 0;
    if (used === 0) return undefined;
    const at = tail & (this.capacity - 1);
    const length = this.#data.readUInt32LE(at);
    if (length > this.maxMessageLength || recordBytes(length) > used) {
      throw new Error(`The channel's ring is damaged: a record of ${length} bytes at position ${tail} with ${used} bytes published`);
    }
    const message = this.#copyOut((at + 4) & (this.capacity - 1), length);
    Atomics.store(this.#words, I.tail, (tail + recordBytes(length)) | 0);
    return message;
  }

  /** Whether a message of `length` bytes would fit now. */
  hasRoom(length: number): boolean {
    const used = (Atomics.load(this.#words, I.head) - Atomics.load(this.#words, I.tail)) >>> 0;
    return recordBytes(length) <= this.capacity - used;
  }

  /** Whether no message is waiting. */
  get empty(): boolean {
    return Atomics.load(this.#words, I.head) === Atomics.load(this.#words, I.tail);
  }

  get readerWaiting(): boolean {
    return Atomics.load(this.#words, I.readerWaiting) !== 0;
  }
  set readerWaiting(value: boolean) {
    Atomics.store(this.#words, I.readerWaiting, value ? 1 : 0);
  }
  get writerWaiting(): boolean {
    return Atomics.load(this.#words, I.writerWaiting) !== 0;
  }
  set writerWaiting(value: boolean) {
    Atomics.store(this.#words, I.writerWaiting, value ? 1 : 0);
  }

  /** The pid of the process sending (0: none), which a waiting reader watches. */
  get writerPid(): number {
    return unpack(Atomics.load(this.#roles, ROLE.writer)).pid;
  }
  /** The pid of the process receiving (0: none), which a writer waiting for space watches. */
  get readerPid(): number {
    return unpack(Atomics.load(this.#roles, ROLE.reader)).pid;
  }

  /**
   * Claims a role for `me` unless another holder has it: a thread of this process (taken as alive), or another
   * process that `alive` says is alive. Returns who holds the role now.
   */
  claim(role: 'writer' | 'reader', me: Holder, alive: (pid: number) => boolean): Holder {
    const mine = pack(me);
    for (;;) {
      const current = Atomics.load(this.#roles, ROLE[role]);
      if (current === mine) return me;
      const holder = unpack(current);
      if (current !== 0n && (holder.pid === me.pid || alive(holder.pid))) return holder;
      if (Atomics.compareExchange(this.#roles, ROLE[role], current, mine) === current) return me;
    }
  }

  /** Gives a role up if `holder` has it; with only a pid, whatever thread of that process has it. */
  release(role: 'writer' | 'reader', holder: Holder | number): void {
    const current = Atomics.load(this.#roles, ROLE[role]);
    const held = unpack(current);
    const matches = typeof holder === 'number' ? held.pid === holder : current === pack(holder);
    if (current !== 0n && matches) Atomics.compareExchange(this.#roles, ROLE[role], current, 0n);
  }

  #copyIn(source: Uint8Array, at: number): void {
    const first = Math.min(source.length, this.capacity - at);
    this.#data.set(source.subarray(0, first), at);
    if (first < source.length) this.#data.set(source.subarray(first), 0);
  }

  #copyOut(at: number, length: number): Buffer {
    const message = Buffer.allocUnsafe(length);
    const first = Math.min(length, this.capacity - at);
    this.#data.copy(message, 0, at, at + first);
    if (first < length) this.#data.copy(message, first, 0, length - first);
    return message;
  }
}
