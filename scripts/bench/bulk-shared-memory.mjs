// The bulk-transfer methods through shared memory (see bulk-peer.mjs for the handshake and the command line):
//   section       (a) a section of 4 slots written and read in place, slot numbers over two small Channels
//   section-sem   (a) the same with two semaphores through the raw win32 layer (Windows only)
//   channel       (b) Channel send() / receive(): a copy in, a copy out into a new Buffer
//   channel-zero-copy  Channel claim() + commit() / receiveInPlace() + release(): both sides in the ring itself
//   channel-into  Channel claim() + commit() / receiveInto(): one copy out, into the receiver's own buffer
import { Channel, FileMapping, NamedSemaphore } from '../../dist/index.js';
import { fillChunk, sum32, verify } from './bulk-data.mjs';

const SLOTS = 4;

export function sharedMemoryMethods({ name, count, size, capacity, pattern, expected, TIMEOUT_MS, receiver, sender }) {
  /** Where each side of (a) spends its time, to say what bounds it: waiting for the peer, its own work, signalling. */
  const profile = { waitSeconds: 0, workSeconds: 0, signalSeconds: 0 };
  const timed = (key, work) => {
    const start = performance.now();
    const result = work();
    profile[key] += (performance.now() - start) / 1000;
    return result;
  };
  const profiled = (run) => async () => ({ ...(await run()), extra: { profile } });

  /**
   * (a) A section of SLOTS messages written and read in place. Two small Channels carry slot numbers: `filled` from
   * the sender, `free` back from the receiver. A Channel sets its event only when the other side is waiting, so a
   * side that finds its slot number already there makes no kernel call at all.
   */
  function sectionObjects() {
    const mapping = FileMapping.create({ name, size: SLOTS * size });
    const view = mapping.map();
    const filled = Channel.create(`${name}-filled`, { capacity: 4096 });
    const free = Channel.create(`${name}-free`, { capacity: 4096 });
    return { mapping, view, filled, free };
  }
  const slotsFrom = (channel, what) => {
    const message = channel.receive({ timeoutMs: TIMEOUT_MS });
    if (!message) throw new Error(`timed out waiting for ${what}`);
    return message;
  };
  /**
   * The receiver gives slots back FREE_BATCH at a time: a sender that has filled every slot waits, and each message
   * that wakes it costs a kernel call (under Wine a SetEvent through wineserver), so fewer, larger messages wake it
   * less often.
   */
  const FREE_BATCH = SLOTS / 2;
  const section = {
    send: profiled(() =>
      sender(sectionObjects, ({ view, filled, free }) => {
        const ready = Array.from({ length: SLOTS }, (_, slot) => slot);
        for (let i = 0; i < count; i++) {
          if (ready.length === 0) ready.push(...timed('waitSeconds', () => slotsFrom(free, 'a free slot')));
          const slot = ready.shift();
          timed('workSeconds', () => fillChunk(pattern, view.buffer, slot * size, i, size));
          timed('signalSeconds', () => filled.send(Uint8Array.of(slot)));
        }
      }),
    ),
    receive: profiled(() =>
      receiver(sectionObjects, ({ view, filled, free }) => {
        const done = [];
        for (let i = 0; i < count; i++) {
          const [slot] = timed('waitSeconds', () => slotsFrom(filled, 'a filled slot'));
          timed('workSeconds', () => verify(sum32(view.buffer, slot * size, size), i, expected));
          done.push(slot);
          if (done.length === FREE_BATCH) timed('signalSeconds', () => free.send(Uint8Array.from(done.splice(0))));
        }
      }),
    ),
  };

  /**
   * (a) again, with two semaphores counting the free and the filled slots: two kernel calls per message on each
   * side, through WaitForSingleObject and ReleaseSemaphore of filemapping/win32 on the semaphores' handles (under Wine,
   * NamedSemaphore.release() and wait() cost 50 to 150 µs more than the raw calls: see BENCHMARKS.md).
   */
  async function semaphoreObjects() {
    const win32 = await import('../../dist/win32/index.js');
    const mapping = FileMapping.create({ name, size: SLOTS * size });
    const view = mapping.map();
    const free = NamedSemaphore.create(`${name}-free`, { initialCount: SLOTS, maximumCount: SLOTS });
    const filled = NamedSemaphore.create(`${name}-filled`, { initialCount: 0, maximumCount: SLOTS });
    const take = (semaphore, what) => {
      if (win32.WaitForSingleObject(semaphore, TIMEOUT_MS) !== win32.WAIT_OBJECT_0) throw new Error(`timed out waiting for ${what}`);
    };
    const give = (semaphore) => win32.ReleaseSemaphore(semaphore, 1, null);
    // The objects stay referenced (owners) for the whole run: collected, their finalizers would close the handles.
    return { mapping, view, free: free.handle, filled: filled.handle, owners: [free, filled], take, give };
  }
  const sectionSemaphores = {
    send: profiled(() =>
      sender(semaphoreObjects, ({ view, free, filled, take, give }) => {
        for (let i = 0; i < count; i++) {
          timed('waitSeconds', () => take(free, 'a free slot'));
          timed('workSeconds', () => fillChunk(pattern, view.buffer, (i % SLOTS) * size, i, size));
          timed('signalSeconds', () => give(filled));
        }
      }),
    ),
    receive: profiled(() =>
      receiver(semaphoreObjects, ({ view, free, filled, take, give }) => {
        for (let i = 0; i < count; i++) {
          timed('waitSeconds', () => take(filled, 'a filled slot'));
          timed('workSeconds', () => verify(sum32(view.buffer, (i % SLOTS) * size, size), i, expected));
          timed('signalSeconds', () => give(free));
        }
      }),
    ),
  };

  const open = () => Channel.create(name, { capacity });
  const missing = (i) => new Error(`timed out waiting for message ${i}`);
  /** The zero-copy writer: claim room in the ring, make the message there, publish it. */
  const sendInPlace = (ch) => {
    for (let i = 0; i < count; i++) {
      const claim = ch.claim(size, { timeoutMs: TIMEOUT_MS });
      if (!claim) throw new Error(`timed out waiting for room for message ${i}`);
      fillChunk(pattern, claim.buffer, 0, i, size);
      claim.commit();
    }
  };

  /** (b) The Channel's copying calls: send() copies into the ring, receive() copies out into a new Buffer. */
  const channel = {
    send: () =>
      sender(open, (ch) => {
        const message = Buffer.allocUnsafeSlow(size);
        for (let i = 0; i < count; i++) {
          fillChunk(pattern, message, 0, i, size);
          if (!ch.send(message, { timeoutMs: TIMEOUT_MS })) throw new Error(`timed out waiting for room for message ${i}`);
        }
      }),
    receive: () =>
      receiver(open, (ch) => {
        for (let i = 0; i < count; i++) {
          const message = ch.receive({ timeoutMs: TIMEOUT_MS });
          if (!message) throw missing(i);
          verify(sum32(message), i, expected);
        }
      }),
  };

  /** The Channel in place on both sides: the writer makes the message in the ring, the reader checksums it there. */
  const channelZeroCopy = {
    send: () => sender(open, sendInPlace),
    receive: () =>
      receiver(open, (ch) => {
        for (let i = 0; i < count; i++) {
          const message = ch.receiveInPlace({ timeoutMs: TIMEOUT_MS });
          if (!message) throw missing(i);
          verify(sum32(message.buffer, 0, message.length), i, expected);
          message.release();
        }
      }),
  };

  /** The writer in place, the reader copying each message into one buffer of its own (no allocation per message). */
  const channelInto = {
    send: () => sender(open, sendInPlace),
    receive: () =>
      receiver(open, (ch) => {
        const target = Buffer.allocUnsafeSlow(size);
        for (let i = 0; i < count; i++) {
          const length = ch.receiveInto(target, { timeoutMs: TIMEOUT_MS });
          if (length === undefined) throw missing(i);
          verify(sum32(target, 0, length), i, expected);
        }
      }),
  };

  return { section, 'section-sem': sectionSemaphores, channel, 'channel-zero-copy': channelZeroCopy, 'channel-into': channelInto };
}
