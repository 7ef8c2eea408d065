/**
 * The ring buffer of a Channel, over the memory of a section: a header, then `capacity` bytes of records.
 *
 * Header (little-endian, offsets in bytes):
 *   0 magic 'FMCH'   4 version   8 capacity   16 head   20 tail   24 reader waiting   28 writer waiting
 *   32 writer (pid << 32 | Windows thread id, 64 bits)   40 reader (likewise)   48 writer closed   64.. data
 *
 * head and tail count bytes written and read since creation, modulo 2^32 (the capacity is a power of two, so a
 * position in the ring is the count modulo the capacity). A record is a 32-bit length then the payload, padded to 4
 * bytes, and never wraps around the end of the ring, so that every message is one run of bytes that can be read and
 * written in place: a record that does not fit before the end is preceded by a pad record (length 0xFFFFFFFF) that
 * fills the rest of the ring, and starts at its beginning. The writer publishes a pad as soon as it needs one (even
 * before there is room for the record after it), so that the reader, in skipping it, makes that room.
 *
 * Publication order is what makes a half-written message invisible: the writer copies the record, then stores
 * head atomically (sequentially consistent: the copy is visible to any process that sees the new head); the reader
 * reads only up to the head it loaded, and stores tail once it has copied the record out. Only the writer moves head
 * and only the reader moves tail: one producer and one consumer at a time.
 *
 * The end of the stream: a writer that gives its role up with close() sets `writer closed` after its last publication
 * (and before it frees the role, so that no new writer can take the role in between); a writer that takes the role
 * clears it before it publishes anything. A reader that finds the word set, then an empty ring, has every message of
 * the writer that closed: the end. A writer that dies never sets it, so its death is told apart from its end.
 *
 * Every header word is used through the view's atomics: JavaScript's Atomics in zero-copy mode, the interlocked
 * instructions in copy mode (win32/interlocked.ts). Both are the same locked instructions on the same words, so
 * processes in either mode share a channel.
 */
import { FileMappingValidationError } from '../errors.js';
import type { ViewMemory } from '../view/memory.js';

export const HEADER_BYTES = 64;
const MAGIC = 0x4843_4d46; // 'FMCH'
/**
 * Version 3: the `writer closed` word (version 2 had none: its writers would not clear it on taking the role, so a
 * version 3 reader would see the end of a stream that goes on). Version 2's records already never wrap (version 1's
 * could).
 */
const VERSION = 3;
/** The length field of a pad record: skip to the beginning of the ring. */
const PAD = 0xffff_ffff;
/** Byte offsets of the header's words. */
const AT = { magic: 0, version: 4, capacity: 8, head: 16, tail: 20, readerWaiting: 24, writerWaiting: 28, writerClosed: 48 } as const;
/** 64-bit words: who holds each role. */
const ROLE = { writer: 32, reader: 40 } as const;

/** The two roles of a channel: one writer and one reader at a time. */
export type Role = 'writer' | 'reader';

/**
 * The channel's shared memory holds what no writer of this package writes: a header word out of range, or a record
 * that does not fit what was published. Another program (or a bug) wrote over it; nothing more is read from it.
 */
export class ChannelDamagedError extends Error {
  /** Always 'ERR_CHANNEL_DAMAGED'. */
  readonly code = 'ERR_CHANNEL_DAMAGED';
  /** The channel's name. */
  readonly channel: string;

  constructor(channel: string, problem: string) {
    super(`Channel "${channel}" is damaged: ${problem}. Its memory was written by something other than a channel end; close it and create it anew`);
    this.channel = channel;
  }
}
Object.defineProperty(ChannelDamagedError.prototype, 'name', { value: 'ChannelDamagedError' });

/** One role holder: a thread of a process (ids as Windows gives them: GetCurrentProcessId, GetCurrentThreadId). */
export interface Holder {
  pid: number;
  thread: number;
}
const pack = ({ pid, thread }: Holder): bigint => BigInt.asIntN(64, (BigInt(pid) << 32n) | BigInt(thread));
/** Each end's holder, packed once: claim() runs on every send and receive, and packing took up to a fifth of one. */
const packed = new WeakMap<Holder, bigint>();
const packedOf = (holder: Holder): bigint => {
  let value = packed.get(holder);
  if (value === undefined) packed.set(holder, (value = pack(holder)));
  return value;
};
const unpack = (value: bigint): Holder => ({ pid: Number(BigInt.asUintN(64, value) >> 32n), thread: Number(value & 0xffff_ffffn) });

/** A message's room claimed by the writer: where its payload goes, the head before it, the longest it may be. */
export interface Claimed {
  readonly at: number;
  readonly head: number;
  readonly length: number;
}

/** A message the reader looks at in place: where its payload is, its length, the tail after it. */
export interface Pending {
  readonly at: number;
  readonly length: number;
  readonly tail: number;
}

/** The problem of a section that holds no channel, and why it does not. */
const noChannel = (channel: string, why: string) => `section "${channel}" holds no channel (${why}): another kind of data uses this name`;

/** The record size of a payload: its length field and the payload, padded to 4 bytes. */
const recordBytes = (length: number) => 4 + ((length + 3) & ~3);

/**
 * The memory of the section, through the view's memory (zero-copy: Atomics on a Buffer; copy mode: RtlMoveMemory
 * and the interlocked operations), looked up on each use so that a closed view throws instead of faulting.
 */
export type RingMemory = () => ViewMemory;

export class Ring {
  readonly capacity: number;
  /** The longest message: it must fit in the ring with its length field. */
  readonly maxMessageLength: number;
  readonly #memory: RingMemory;
  /** The channel's name, for the errors. */
  readonly #channel: string;
  #padSkipped = false;

  private constructor(memory: RingMemory, channel: string) {
    this.#memory = memory;
    this.#channel = channel;
    this.capacity = memory().atomics.load32(AT.capacity);
    this.maxMessageLength = this.capacity - 4;
  }

  /** Writes a new header over `memory` (HEADER_BYTES + capacity bytes) and returns its ring. */
  static initialize(memory: RingMemory, capacity: number, channel: string): Ring {
    const m = memory();
    m.write(Buffer.alloc(HEADER_BYTES), 0);
    m.atomics.exchange32(AT.capacity, capacity);
    m.atomics.exchange32(AT.version, VERSION);
    m.atomics.exchange32(AT.magic, MAGIC);
    return new Ring(memory, channel);
  }

  /**
   * The ring already in `memory` (`length` bytes) of channel `channel`, or a validation error if it holds no channel
   * of this version.
   */
  static attach(memory: RingMemory, length: number, channel: string): Ring {
    Ring.refuseShort(length, channel);
    const { atomics } = memory();
    const what = `section "${channel}"`;
    const problems: string[] = [];
    if (atomics.load32(AT.magic) !== MAGIC) problems.push(noChannel(channel, "no 'FMCH' magic"));
    else if (atomics.load32(AT.version) !== VERSION) {
      problems.push(`${what} is a channel of version ${atomics.load32(AT.version)}; this package reads version ${VERSION}`);
    } else {
      const capacity = atomics.load32(AT.capacity);
      if (capacity < 16 || (capacity & (capacity - 1)) !== 0 || HEADER_BYTES + capacity > length) {
        problems.push(`${what} has a damaged header (capacity ${capacity} in a ${length}-byte section)`);
      }
    }
    if (problems.length > 0) throw new FileMappingValidationError('channel', problems);
    return new Ring(memory, channel);
  }

  /**
   * Refuses a section of `length` bytes too short for a channel's header (a segment another program made under the
   * name, empty even, on Linux): it holds no channel. Checked before mapping it, which an empty segment cannot be.
   */
  static refuseShort(length: number | bigint, channel: string): void {
    if (length >= HEADER_BYTES) return;
    throw new FileMappingValidationError('channel', [noChannel(channel, `${length} bytes, fewer than a channel's ${HEADER_BYTES}-byte header`)]);
  }

  /**
   * The published positions, checked: head and tail are multiples of 4 (every record is padded to 4 bytes) and head is
   * at most `capacity` bytes ahead of tail. Anything else was not written by a channel end.
   */
  #positions(memory: ViewMemory): { head: number; tail: number; used: number } {
    const head = memory.atomics.load32(AT.head) >>> 0;
    const tail = memory.atomics.load32(AT.tail) >>> 0;
    const used = (head - tail) >>> 0;
    if (head % 4 !== 0 || tail % 4 !== 0) {
      throw new ChannelDamagedError(this.#channel, `its head (${head}) and tail (${tail}) must be multiples of 4`);
    }
    if (used > this.capacity) {
      throw new ChannelDamagedError(
        this.#channel,
        `its head (${head}) is ${used} bytes ahead of its tail (${tail}), more than its ${this.capacity}-byte ring holds`,
      );
    }
    return { head, tail, used };
  }

  /**
   * Where a record of `length` bytes of payload goes now (its payload's offset in the memory, and the head to publish
   * after it), or undefined when the ring has not enough free space yet. Publishes a pad record first when the record
   * does not fit before the end of the ring. With `pad` false it only asks whether a write would make progress now:
   * place the record, or at least the pad record it needs first.
   */
  #reserve(memory: ViewMemory, length: number, pad: boolean): { at: number; head: number } | undefined {
    let { head, used } = this.#positions(memory);
    const size = recordBytes(length);
    let at = head & (this.capacity - 1);
    const toEnd = this.capacity - at;
    if (size > toEnd) {
      // The rest of the ring goes to a pad record, once the reader has left it.
      if (toEnd > this.capacity - used) return undefined;
      // Publishing the pad is progress: a writer that waited for room for the record alone could wait forever, the
      // reader having emptied the ring (and woken it) before it looked.
      if (!pad) return { at: HEADER_BYTES, head };
      memory.atomics.exchange32(HEADER_BYTES + at, PAD | 0);
      head = (head + toEnd) | 0;
      memory.atomics.exchange32(AT.head, head);
      used += toEnd;
      at = 0;
    }
    if (size > this.capacity - used) return undefined;
    return { at: HEADER_BYTES + at + 4, head };
  }

  /** Publishes the record whose payload of `length` bytes is at `at` (from #reserve, which gave `head`). */
  #publish(memory: ViewMemory, at: number, head: number, length: number): void {
    memory.atomics.exchange32(at - 4, length);
    memory.atomics.exchange32(AT.head, (head + recordBytes(length)) | 0);
  }

  /** Copies `message` in and publishes it; false when the ring has not enough free space now. */
  tryWrite(message: Uint8Array): boolean {
    const memory = this.#memory();
    const place = this.#reserve(memory, message.length, true);
    if (!place) return false;
    memory.write(message, place.at);
    this.#publish(memory, place.at, place.head, message.length);
    return true;
  }

  /**
   * Claims room for a message of up to `length` bytes, to be written in place: its offset in the memory and the head
   * commit() needs, or undefined when there is not enough free space now. Nothing is published until commit().
   */
  tryClaim(length: number): Claimed | undefined {
    const memory = this.#memory();
    const place = this.#reserve(memory, length, true);
    return place && { ...place, length };
  }

  /** Publishes a claimed message of `length` bytes (at most the length claimed), written in place. */
  commit(claimed: Claimed, length: number): void {
    this.#publish(this.#memory(), claimed.at, claimed.head, length);
  }

  /** Whether the last tryPeek() skipped a pad record, giving room back to the writer. */
  get padSkipped(): boolean {
    return this.#padSkipped;
  }

  /**
   * The oldest message, left in the ring (skipping pad records, which it consumes): its offset in the memory, its
   * length and the tail that consume() publishes; undefined when the ring is empty.
   */
  tryPeek(): Pending | undefined {
    const memory = this.#memory();
    this.#padSkipped = false;
    for (;;) {
      const { tail, used } = this.#positions(memory);
      if (used === 0) return undefined;
      const at = tail & (this.capacity - 1);
      const length = memory.atomics.load32(HEADER_BYTES + at) >>> 0;
      if (length === PAD) {
        const toEnd = this.capacity - at;
        if (toEnd > used)
          throw new ChannelDamagedError(this.#channel, `a pad record of ${toEnd} bytes at position ${tail} does not fit the ${used} bytes published`);
        memory.atomics.exchange32(AT.tail, (tail + toEnd) | 0);
        this.#padSkipped = true;
        continue;
      }
      if (length > this.maxMessageLength || recordBytes(length) > used || recordBytes(length) > this.capacity - at) {
        throw new ChannelDamagedError(this.#channel, `a record of ${length} bytes at position ${tail} does not fit the ${used} bytes published`);
      }
      return { at: HEADER_BYTES + at + 4, length, tail: (tail + recordBytes(length)) | 0 };
    }
  }

  /** Gives the room of a message from tryPeek() back to the writer. */
  consume(pending: Pending): void {
    this.#memory().atomics.exchange32(AT.tail, pending.tail);
  }

  /** Takes the oldest message out, or undefined when the ring is empty. */
  tryRead(): Buffer | undefined {
    const pending = this.tryPeek();
    if (!pending) return undefined;
    const message = this.#memory().read(pending.at, pending.length);
    this.consume(pending);
    return message;
  }

  /**
   * Whether a write of `length` bytes would make progress now: the message fits, or the pad record it needs first
   * does (the writer publishes it, and waits again for the reader to skip it).
   */
  hasRoom(length: number): boolean {
    return this.#reserve(this.#memory(), length, false) !== undefined;
  }

  /** Whether no message is waiting. */
  get empty(): boolean {
    return this.#positions(this.#memory()).used === 0;
  }

  get readerWaiting(): boolean {
    return this.#memory().atomics.load32(AT.readerWaiting) !== 0;
  }
  set readerWaiting(value: boolean) {
    this.#memory().atomics.exchange32(AT.readerWaiting, value ? 1 : 0);
  }
  get writerWaiting(): boolean {
    return this.#memory().atomics.load32(AT.writerWaiting) !== 0;
  }
  set writerWaiting(value: boolean) {
    this.#memory().atomics.exchange32(AT.writerWaiting, value ? 1 : 0);
  }

  /**
   * Whether the last writer gave its role up with close() (and no writer has taken it since): once the ring is empty
   * too, the reader has had every message of the stream. Read it before looking at the ring.
   */
  get writerClosed(): boolean {
    return this.#memory().atomics.load32(AT.writerClosed) !== 0;
  }

  /**
   * The clean end of writer `me`: marks the end of the stream after its last message, then gives the writer role up;
   * nothing if `me` does not hold it.
   */
  endWrites(me: Holder): void {
    const mine = packedOf(me);
    const { atomics } = this.#memory();
    if (atomics.load64(ROLE.writer) !== mine) return;
    atomics.exchange32(AT.writerClosed, 1);
    atomics.compareExchange64(ROLE.writer, mine, 0n);
  }

  /** Who holds `role` (pid 0: nobody). A waiting reader watches the writer's process, and a waiting writer the reader's. */
  holder(role: Role): Holder {
    return unpack(this.#memory().atomics.load64(ROLE[role]));
  }

  /**
   * Claims a role for `me` unless another holder has it that `alive` says is alive (a thread of this process or
   * another process). Returns who holds the role now. `taken` runs when `me` has just taken it (it did not hold it):
   * the role's word is written before `taken` reads anything, so a peer that raised its waiting flag before this
   * either read the new holder or is seen waiting by `taken`. A new writer clears `writer closed` before anything else:
   * its stream goes on from where the last writer's ended.
   */
  claim(role: Role, me: Holder, alive: (holder: Holder) => boolean, taken: (role: Role) => void): Holder {
    const mine = packedOf(me);
    const { atomics } = this.#memory();
    for (;;) {
      const current = atomics.load64(ROLE[role]);
      if (current === mine) return me;
      const holder = unpack(current);
      if (current !== 0n && alive(holder)) return holder;
      if (atomics.compareExchange64(ROLE[role], current, mine) === current) {
        if (role === 'writer') atomics.exchange32(AT.writerClosed, 0);
        taken(role);
        return me;
      }
    }
  }

  /** Gives a role up if `holder` has it; with only a pid, whatever thread of that process has it. */
  release(role: Role, holder: Holder | number): void {
    const { atomics } = this.#memory();
    const current = atomics.load64(ROLE[role]);
    const held = unpack(current);
    const matches = typeof holder === 'number' ? held.pid === holder : current === pack(holder);
    if (current !== 0n && matches) atomics.compareExchange64(ROLE[role], current, 0n);
  }
}
