// The channel's ring buffer over plain memory: records never wrap around the end (a pad record fills it), messages
// are written and read in place as well as copied, the ring refuses what does not fit,
// and a damaged or foreign header is refused. Each test runs over the zero-copy memory (a Buffer, Atomics) and
// over a memory that only copies in and out, as copy mode does (its interlocked instructions are tested under the
// real kernel32 in test/windows).
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ChannelDamagedError, HEADER_BYTES, Ring } from '../../src/channel/ring.js';
import { FileMappingValidationError } from '../../src/errors.js';
import { zeroCopyMemory, type ViewMemory } from '../../src/view/memory.js';

const memory = (capacity: number) => Buffer.alloc(HEADER_BYTES + capacity);

/** A memory that never lends its bytes out: every access copies, like copy mode's RtlMoveMemory. */
function copyingMemory(raw: Buffer): ViewMemory {
  const i32 = (offset: number) => raw.readInt32LE(offset);
  const i64 = (offset: number) => raw.readBigInt64LE(offset);
  const swap32 = (offset: number, value: number) => {
    const old = i32(offset);
    raw.writeInt32LE(value | 0, offset);
    return old;
  };
  const swap64 = (offset: number, value: bigint) => {
    const old = i64(offset);
    raw.writeBigInt64LE(BigInt.asIntN(64, value), offset);
    return old;
  };
  return {
    buffer: undefined,
    read: (offset, length) => Buffer.from(raw.subarray(offset, offset + length)),
    readInto: (target, offset, length) => target.set(raw.subarray(offset, offset + length)),
    lend: () => undefined,
    write: (source, offset) => raw.set(source, offset),
    indexOfNul: (offset) => raw.indexOf(0, offset),
    atomics: {
      load32: i32,
      exchange32: swap32,
      compareExchange32: (offset, expected, replacement) => (i32(offset) === expected ? swap32(offset, replacement) : i32(offset)),
      add32: (offset, delta) => swap32(offset, i32(offset) + delta),
      load64: i64,
      exchange64: swap64,
      compareExchange64: (offset, expected, replacement) => (i64(offset) === expected ? swap64(offset, replacement) : i64(offset)),
      add64: (offset, delta) => swap64(offset, i64(offset) + delta),
    },
  };
}

describe.each([
  ['zero-copy memory', zeroCopyMemory],
  ['a copying memory', copyingMemory],
])('Ring over %s', (_kind, makeMemory) => {
  const over = (raw: Buffer) => {
    const m = makeMemory(raw);
    return () => m;
  };

  it('hands messages out in order, wrapping around the end many times', () => {
    const ring = Ring.initialize(over(memory(64)), 64, 'x');
    const sent: Buffer[] = [];
    const received: Buffer[] = [];
    for (let i = 0; i < 1000; i++) {
      const message = randomBytes(i % 23);
      // No room before the end: the pad record is published, and reading (skipping it) makes the room.
      while (!ring.tryWrite(message)) {
        const got = ring.tryRead();
        if (got) received.push(got);
      }
      sent.push(message);
      if (i % 3 !== 0) received.push(ring.tryRead() as Buffer);
      while (sent.length - received.length > 1) received.push(ring.tryRead() as Buffer);
    }
    for (let message = ring.tryRead(); message; message = ring.tryRead()) received.push(message);
    expect(received).toEqual(sent);
  });

  it('refuses a message when the free space is too small, and takes it once there is room', () => {
    const ring = Ring.initialize(over(memory(32)), 32, 'x');
    expect(ring.tryWrite(Buffer.alloc(20, 1))).toBe(true); // 24 bytes with its length
    expect(ring.tryWrite(Buffer.alloc(5, 2))).toBe(false); // 12 more would not fit in 8
    expect(ring.tryRead()).toEqual(Buffer.alloc(20, 1));
    expect(ring.tryWrite(Buffer.alloc(5, 2))).toBe(true);
    expect(ring.tryRead()).toEqual(Buffer.alloc(5, 2));
    expect(ring.tryRead()).toBeUndefined();
  });

  it('carries empty messages and messages of the maximum length', () => {
    const ring = Ring.initialize(over(memory(64)), 64, 'x');
    expect(ring.maxMessageLength).toBe(60);
    const largest = randomBytes(60);
    expect(ring.tryWrite(largest)).toBe(true);
    expect(ring.tryRead()).toEqual(largest);
    expect(ring.tryWrite(Buffer.alloc(0))).toBe(true);
    expect(ring.tryRead()).toEqual(Buffer.alloc(0));
  });

  it('keeps every record in one run of bytes: one that does not fit before the end goes after a pad record', () => {
    const raw = memory(64);
    const ring = Ring.initialize(over(raw), 64, 'x');
    for (let i = 0; i < 200; i++) {
      const message = Buffer.alloc(1 + ((i * 7) % 40), i);
      if (!ring.tryWrite(message)) {
        // Only a message longer than the room left before the end waits, and only for the pad to be read.
        expect(ring.tryPeek()).toBeUndefined();
        expect(ring.tryWrite(message)).toBe(true);
      }
      const pending = ring.tryPeek();
      expect(pending).toMatchObject({ length: message.length });
      // In place: the payload lies in the ring, whole, at the offset given.
      expect(pending!.at + pending!.length).toBeLessThanOrEqual(raw.length);
      expect(raw.subarray(pending!.at, pending!.at + pending!.length)).toEqual(message);
      ring.consume(pending!);
    }
    expect(ring.empty).toBe(true);
  });

  it('takes a message of the maximum length when the head is mid-ring: the pad goes first, the message once it is read', () => {
    const ring = Ring.initialize(over(memory(64)), 64, 'x');
    expect(ring.tryWrite(Buffer.alloc(8, 1))).toBe(true);
    expect(ring.tryRead()).toEqual(Buffer.alloc(8, 1));
    const largest = Buffer.alloc(60, 2);
    // 56 bytes of pad, then 64: more than the ring holds until the pad is read; but publishing the pad is progress.
    expect(ring.hasRoom(60)).toBe(true);
    expect(ring.tryWrite(largest)).toBe(false); // the pad is published
    expect(ring.empty).toBe(false);
    expect(ring.hasRoom(60)).toBe(false); // now only the reader can make room
    expect(ring.tryRead()).toBeUndefined(); // the reader skips it: no message, and the room is back
    expect(ring.padSkipped).toBe(true); // which the reader's end tells a waiting writer
    expect(ring.empty).toBe(true);
    expect(ring.hasRoom(60)).toBe(true);
    expect(ring.tryWrite(largest)).toBe(true);
    expect(ring.tryRead()).toEqual(largest);
    expect(ring.padSkipped).toBe(false);
  });

  it('writes a claimed message in place, publishing nothing before commit and only the length committed', () => {
    const raw = memory(64);
    const ring = Ring.initialize(over(raw), 64, 'x');
    const claimed = ring.tryClaim(20)!;
    raw.write('in place', claimed.at);
    expect(ring.empty).toBe(true);
    ring.commit(claimed, 8);
    expect(ring.tryRead()?.toString()).toBe('in place');
    expect(ring.empty).toBe(true);
  });

  it('keeps working when the byte counters wrap past 2^32', () => {
    const raw = memory(16);
    const ring = Ring.initialize(over(raw), 16, 'x');
    const words = new Int32Array(raw.buffer, raw.byteOffset, 16);
    words[4] = -8; // head and tail just below 2^32
    words[5] = -8;
    for (let i = 0; i < 10; i++) {
      expect(ring.tryWrite(Buffer.from([i, i + 1]))).toBe(true);
      expect(ring.tryRead()).toEqual(Buffer.from([i, i + 1]));
    }
  });

  it('attaches to a ring another process initialised, sharing its state', () => {
    const raw = memory(64);
    const writer = Ring.initialize(over(raw), 64, 'x');
    const reader = Ring.attach(over(raw), raw.length, 'x');
    writer.tryWrite(Buffer.from('hello'));
    expect(reader.tryRead()?.toString()).toBe('hello');
    // Which claims took the role (a peer that waits is then woken, to watch the new holder).
    const took: string[] = [];
    const taken = (role: string) => took.push(role);
    const seven = { pid: 7, thread: 0 };
    const eight = { pid: 8, thread: 0 };
    expect(reader.claim('reader', seven, () => true, taken)).toEqual(seven);
    expect(writer.claim('reader', eight, () => true, taken)).toEqual(seven); // held by a live process
    const asked: unknown[] = [];
    const threadThree = { pid: 7, thread: 3 };
    expect(writer.claim('reader', threadThree, (holder) => (asked.push(holder), true), taken)).toEqual(seven); // a live thread of it
    expect(asked).toEqual([seven]); // the holder's liveness is asked, with its thread
    expect(writer.claim('reader', threadThree, () => false, taken)).toEqual(threadThree); // taken over from an ended thread
    expect(writer.claim('reader', eight, () => false, taken)).toEqual(eight); // taken over from a dead one
    expect(writer.holder('reader').pid).toBe(8);
    writer.release('reader', 8);
    expect(writer.holder('reader').pid).toBe(0);
    const big = { pid: 0xffff_fffc, thread: 0xffff_ffff };
    expect(writer.claim('writer', big, () => true, taken)).toEqual(big);
    expect(writer.holder('writer').pid).toBe(0xffff_fffc);
    expect(took).toEqual(['reader', 'reader', 'reader', 'writer']); // not when held already, nor when refused
    writer.release('writer', big);
    expect(writer.holder('writer').pid).toBe(0);
  });

  it('marks the end of a writer that closes, after its messages, and clears it for the next writer', () => {
    const raw = memory(64);
    const writer = Ring.initialize(over(raw), 64, 'x');
    const reader = Ring.attach(over(raw), raw.length, 'x');
    const first = { pid: 7, thread: 1 };
    const next = { pid: 8, thread: 2 };
    const none = () => {};
    writer.claim('writer', first, () => true, none);
    writer.tryWrite(Buffer.from('last'));
    writer.endWrites({ pid: 9, thread: 9 }); // not the writer: nothing
    expect(reader.writerClosed).toBe(false);
    writer.endWrites(first);
    expect([reader.writerClosed, reader.holder('writer').pid]).toEqual([true, 0]);
    // The end follows the last message: the reader still finds it, and then an empty ring.
    expect(reader.tryRead()?.toString()).toBe('last');
    expect([reader.writerClosed, reader.empty]).toEqual([true, true]);
    writer.claim('writer', next, () => false, none);
    expect(reader.writerClosed).toBe(false);
  });

  it.each([
    ['no magic', () => Buffer.alloc(HEADER_BYTES + 64), /no channel/],
    ['fewer bytes than a header', () => Buffer.from('FMCH\x02\0\0\0\0\0', 'latin1'), /holds no channel \(10 bytes, fewer than a channel's 64-byte header\)/],
    [
      'another version',
      () => {
        const raw = memory(64);
        Ring.initialize(over(raw), 64, 'x');
        raw.writeInt32LE(99, 4);
        return raw;
      },
      /version 99/,
    ],
    [
      'a capacity past the section',
      () => {
        const raw = memory(64);
        Ring.initialize(over(raw), 64, 'x');
        raw.writeInt32LE(1024, 8);
        return raw;
      },
      /damaged header/,
    ],
  ])('refuses a section with %s', (_what, make, message) => {
    const attach = () => {
      const raw = make();
      return Ring.attach(over(raw), raw.length, 'x');
    };
    expect(attach).toThrow(FileMappingValidationError);
    expect(attach).toThrow(message);
  });

  it('refuses a pad record that reaches past what was published', () => {
    const raw = memory(64);
    const ring = Ring.initialize(over(raw), 64, 'x');
    ring.tryWrite(Buffer.from('ok'));
    raw.writeUInt32LE(0xffff_ffff, HEADER_BYTES);
    expect(() => ring.tryRead()).toThrow(/Channel "x" is damaged: a pad record of 64 bytes at position 0 does not fit the 8 bytes published/);
  });

  it('refuses to read a damaged record instead of returning garbage', () => {
    const raw = memory(64);
    const ring = Ring.initialize(over(raw), 64, 'x');
    ring.tryWrite(Buffer.from('ok'));
    raw.writeUInt32LE(1000, HEADER_BYTES);
    expect(() => ring.tryRead()).toThrow(ChannelDamagedError);
    expect(() => ring.tryRead()).toThrow(/Channel "x" is damaged: a record of 1000 bytes/);
  });

  // Head and tail are published by the channel's ends only: a position that no end writes means the memory was
  // written over. A misaligned position once threw a bare RangeError, and a head forged far ahead of the tail
  // delivered thousands of empty messages (issue 12, defect 10).
  it.each([
    ['a misaligned head', 4 * 4, 6, /head \(6\) and tail \(0\) must be multiples of 4/],
    ['a misaligned tail', 5 * 4, 2, /head \(0\) and tail \(2\) must be multiples of 4/],
    ['a head far ahead of the tail', 4 * 4, 64_000, /64000 bytes ahead of its tail \(0\), more than its 64-byte ring holds/],
  ])('refuses every operation on a ring with %s, naming the channel', (_what, offset, value, message) => {
    const raw = memory(64);
    const ring = Ring.initialize(over(raw), 64, 'Local\\orders');
    raw.writeUInt32LE(value, offset);
    for (const operation of [() => ring.tryRead(), () => ring.tryWrite(Buffer.from('x')), () => ring.empty, () => ring.hasRoom(1)]) {
      expect(operation).toThrow(ChannelDamagedError);
      expect(operation).toThrow(message);
      expect(operation).toThrow(/Channel "Local\\orders" is damaged/);
    }
  });
});
