/**
 * Messages read and written in place, in the ring's own bytes (Channel.receiveInPlace(), Channel.claim()): no copy
 * between the ring and a Buffer of the program's.
 *
 * The Buffer handed out covers one message and nothing else, on an ArrayBuffer of its own. Once the message is
 * released (or the claim committed or aborted) that ArrayBuffer is detached: a Buffer kept past its life reads as
 * empty and can no longer reach the ring, whose bytes by then belong to another message. Where that cannot be
 * guaranteed (copy mode, and Node 20, which cannot detach an ArrayBuffer) the Buffer is a copy, with the same API.
 * So is it for a message shorter than LEND_MIN_BYTES, which costs less to copy than to lend.
 */
import { FileMappingValidationError, ObjectClosedError } from '../errors.js';
import type { LentBytes, ViewMemory } from '../view/memory.js';
import type { Pending } from './ring.js';

/** A message received in place: `buffer` is valid until release() (or the end of a `using` block). */
export class ChannelMessage implements Disposable {
  /** The message's length in bytes. */
  readonly length: number;
  readonly #channel: string;
  #lent: LentBytes | undefined;
  #copy: Buffer | undefined;
  #done: (() => void) | undefined;

  /** @internal Made by Channel.receiveInPlace(): `done` gives the message's room back to the writer. */
  constructor(channel: string, length: number, bytes: LentBytes | Buffer, done: () => void) {
    this.#channel = channel;
    this.length = length;
    if (Buffer.isBuffer(bytes)) this.#copy = bytes;
    else this.#lent = bytes;
    this.#done = done;
  }

  /** The message's bytes: in the ring itself in zero-copy mode on Node 22 and later, a copy otherwise. */
  get buffer(): Buffer {
    if (!this.#done) throw new ObjectClosedError('message', `read a message of channel "${this.#channel}" after release()`);
    return this.#lent?.buffer ?? (this.#copy as Buffer);
  }

  /** True once release() has run. */
  get released(): boolean {
    return this.#done === undefined;
  }

  /**
   * Gives the message's room back to the writer and detaches `buffer`. Idempotent. Until then this end receives
   * nothing more; a message its reader never released (a reader killed while it held it) is the next reader's.
   */
  release(): void {
    const done = this.#done;
    if (!done) return;
    this.#done = undefined;
    this.#lent?.revoke();
    this.#lent = this.#copy = undefined;
    done();
  }

  /** The same as release(): what a `using` declaration calls at the end of its block. */
  [Symbol.dispose](): void {
    this.release();
  }
}

/** How a claim ends: publish `length` bytes, or nothing (`undefined`). */
type Finish = (length: number | undefined, scratch: Buffer | undefined) => void;

/**
 * Room claimed in the ring for one message, to be written in place: fill `buffer`, then commit() (all of it, or its
 * first `length` bytes). Nothing is visible to the reader before commit(); abort(), or leaving a `using` block
 * without commit(), publishes nothing.
 */
export class ChannelClaim implements Disposable {
  /** The most bytes this message can have: the length claimed. */
  readonly length: number;
  readonly #channel: string;
  #lent: LentBytes | undefined;
  #scratch: Buffer | undefined;
  #finish: Finish | undefined;

  /** @internal Made by Channel.claim(): `finish` publishes the message, or gives the claim up. */
  constructor(channel: string, length: number, lent: LentBytes | undefined, finish: Finish) {
    this.#channel = channel;
    this.length = length;
    this.#lent = lent;
    // Zeroed: a message committed without being filled carries zeros, never this process's old heap.
    if (!lent) this.#scratch = Buffer.alloc(length);
    this.#finish = finish;
  }

  /** Where to write the message: the ring's own bytes in zero-copy mode on Node 22 and later, a buffer otherwise. */
  get buffer(): Buffer {
    if (!this.#finish) throw new ObjectClosedError('claim', `write a message of channel "${this.#channel}" after commit() or abort()`);
    return this.#lent?.buffer ?? (this.#scratch as Buffer);
  }

  /** True once commit() or abort() has run. */
  get done(): boolean {
    return this.#finish === undefined;
  }

  /** Publishes the message: its first `length` bytes (default: all the bytes claimed). */
  commit(length: number = this.length): void {
    if (!this.#finish) throw new ObjectClosedError('claim', `commit a message of channel "${this.#channel}" twice, or after abort()`);
    if (!Number.isSafeInteger(length) || length < 0 || length > this.length) {
      throw new FileMappingValidationError('ChannelClaim.commit() length', [
        `length: expected an integer from 0 to ${this.length} (the length claimed), got ${String(length)}`,
      ]);
    }
    this.#end(length);
  }

  /** Gives the room up, publishing nothing. Idempotent, and a no-op after commit(). */
  abort(): void {
    if (this.#finish) this.#end(undefined);
  }

  /** The same as abort() (nothing published unless committed): what a `using` declaration calls at the end of its block. */
  [Symbol.dispose](): void {
    this.abort();
  }

  #end(length: number | undefined): void {
    const finish = this.#finish as Finish;
    const scratch = this.#scratch;
    this.#finish = undefined;
    this.#lent?.revoke();
    this.#lent = this.#scratch = undefined;
    finish(length, scratch);
  }
}

/** Copies a message into a caller's buffer; a message longer than it is refused and stays in the ring. */
export function copyInto(channel: string, maxMessageLength: number, memory: ViewMemory, pending: Pending, target: Uint8Array): number {
  if (pending.length > target.length) {
    throw new RangeError(
      `The next message of channel "${channel}" is ${pending.length} bytes, longer than the ${target.length}-byte target: it stays in the ring; receive it into a larger one (messages here are at most ${maxMessageLength} bytes)`,
    );
  }
  memory.readInto(target, pending.at, pending.length);
  return pending.length;
}

/**
 * Below this length a message is copied rather than lent. Lending makes an ArrayBuffer over the ring's bytes
 * (koffi.view) and detaches it on release: 1.5 µs together, where a copy into a new Buffer took 0.46 µs at 4 KiB and
 * 2.3 µs at 16 KiB (Linux Node 24 on the test machine, one run each): they cross near 11 KiB. When every message was
 * lent, a 64-byte in-place send and receive took 5.1 µs against 1.1 µs for send() and receive() (BENCHMARKS.md).
 */
export const LEND_MIN_BYTES = 16 * 1024;

/** The ring's bytes at `offset`, lent (see ViewMemory.lend), or undefined: the caller copies. */
export function lend(memory: ViewMemory, offset: number, length: number): LentBytes | undefined {
  return length < LEND_MIN_BYTES ? undefined : memory.lend(offset, length);
}
