// One side of the bulk-transfer benchmark (scripts/bench/bulk.mjs), run in Windows node.exe: sends or receives
// CHUNKS chunks of 1 MiB by one method, the receiver checking every chunk's checksum. The receiver times the
// transfer on its own clock, from the moment it tells the ready sender to go to the last chunk checked, and prints
// one JSON line.
//   bulk-peer.mjs METHOD send|receive NAME CHUNKS    METHOD: section, section-sem, channel, pipe, ipc, file
//   bulk-peer.mjs local - - CHUNKS                   the single-process limits: copy and checksum bandwidth
// Every sender makes each chunk the same way (fillChunk: a 1 MiB copy of the pattern into the memory it sends
// from), so the methods differ only in how the bytes reach the other process.
import { fork } from 'node:child_process';
import { closeSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Channel, FileMapping, NamedEvent, NamedSemaphore } from '../../dist/index.js';
import { ReleaseSemaphore, WAIT_OBJECT_0, WaitForSingleObject } from '../../dist/win32/index.js';
import { CHUNK, expectedSum, fillChunk, makePattern, sum32, verify, warmUp } from './bulk-data.mjs';
import { singleProcessLimits } from './bulk-limits.mjs';

const [method, role, name, chunksArg] = process.argv.slice(2);
const chunks = Number(chunksArg);
/** Slots of the zero-copy section, and chunks in flight for the stream methods: 4 MiB buffered, like the Channel. */
const SLOTS = 4;
const CHANNEL_CAPACITY = SLOTS << 20;
/** No wait is forever: a peer that died fails the run instead of hanging it. */
const TIMEOUT_MS = 120_000;
const pattern = makePattern();
const expected = expectedSum(pattern);
warmUp(pattern);

const signaled = async (event, what) => {
  if ((await event.waitAsync({ timeoutMs: TIMEOUT_MS })) !== 'signaled') throw new Error(`timed out waiting for ${what}`);
};
const waitHere = (waitable, what) => {
  if (waitable.wait(TIMEOUT_MS) !== 'signaled') throw new Error(`timed out waiting for ${what}`);
};

/**
 * The handshake of every method but ipc. The receiver: set up, wait for the sender's `ready`, start the clock, set
 * `go`, receive everything, stop the clock, set `done`. The sender: set up, `ready`, wait for `go`, send, and stay
 * until `done` (so that nothing it owns goes away under the receiver).
 */
async function receiver(setUp, receiveAll) {
  const ready = NamedEvent.create(`${name}-ready`);
  const go = NamedEvent.create(`${name}-go`);
  const done = NamedEvent.create(`${name}-done`);
  const state = await setUp();
  await signaled(ready, 'the sender to be ready');
  const start = performance.now();
  go.set();
  await receiveAll(state);
  const seconds = (performance.now() - start) / 1000;
  done.set();
  return { seconds };
}

async function sender(setUp, sendAll) {
  const ready = NamedEvent.create(`${name}-ready`);
  const go = NamedEvent.create(`${name}-go`);
  const done = NamedEvent.create(`${name}-done`);
  const state = await setUp();
  ready.set();
  waitHere(go, 'the receiver to say go');
  await sendAll(state);
  await signaled(done, 'the receiver to finish');
}

/**
 * (a) A section of SLOTS chunks written and read in place. Two small Channels carry slot numbers: `filled` from
 * the sender, `free` back from the receiver. A Channel sets its event only when the other side is waiting, so a side
 * that finds its slot number already there makes no kernel call at all.
 */
function sectionObjects() {
  const mapping = FileMapping.create({ name, size: SLOTS * CHUNK });
  const view = mapping.map();
  const filled = Channel.create(`${name}-filled`, { capacity: 4096 });
  const free = Channel.create(`${name}-free`, { capacity: 4096 });
  return { mapping, view, filled, free };
}
/** Where each side's time goes, to say what bounds (a): waiting for the peer, its own work, signalling. */
const profile = { waitSeconds: 0, workSeconds: 0, signalSeconds: 0 };
const timed = (key, work) => {
  const start = performance.now();
  const result = work();
  profile[key] += (performance.now() - start) / 1000;
  return result;
};
const slotsFrom = (channel, what) => {
  const message = channel.receive({ timeoutMs: TIMEOUT_MS });
  if (!message) throw new Error(`timed out waiting for ${what}`);
  return message;
};
/**
 * The receiver gives slots back FREE_BATCH at a time: a sender that has filled every slot waits, and each message
 * that wakes it costs a kernel call (a SetEvent, through wineserver under Wine), so fewer, larger messages wake it
 * less often.
 */
const FREE_BATCH = SLOTS / 2;
const section = {
  send: () =>
    sender(sectionObjects, ({ view, filled, free }) => {
      const ready = Array.from({ length: SLOTS }, (_, slot) => slot);
      for (let i = 0; i < chunks; i++) {
        if (ready.length === 0) ready.push(...timed('waitSeconds', () => slotsFrom(free, 'a free slot')));
        const slot = ready.shift();
        timed('workSeconds', () => fillChunk(pattern, view.buffer, slot * CHUNK, i));
        timed('signalSeconds', () => filled.send(Uint8Array.of(slot)));
      }
    }),
  receive: () =>
    receiver(sectionObjects, ({ view, filled, free }) => {
      const done = [];
      for (let i = 0; i < chunks; i++) {
        const [slot] = timed('waitSeconds', () => slotsFrom(filled, 'a filled slot'));
        timed('workSeconds', () => verify(sum32(view.buffer, slot * CHUNK, CHUNK), i, expected));
        done.push(slot);
        if (done.length === FREE_BATCH) timed('signalSeconds', () => free.send(Uint8Array.from(done.splice(0))));
      }
    }),
};

/**
 * (a) again, with two semaphores counting the free and the filled slots: two kernel calls per chunk on each side.
 * The loop calls WaitForSingleObject and ReleaseSemaphore of filemapping/win32 on the semaphores' handles: under
 * Wine, NamedSemaphore.release() and wait() cost 50 to 150 µs more than the raw calls (see BENCHMARKS.md).
 */
function semaphoreObjects() {
  const mapping = FileMapping.create({ name, size: SLOTS * CHUNK });
  const view = mapping.map();
  const free = NamedSemaphore.create(`${name}-free`, { initialCount: SLOTS, maximumCount: SLOTS });
  const filled = NamedSemaphore.create(`${name}-filled`, { initialCount: 0, maximumCount: SLOTS });
  // The objects stay referenced (owners) for the whole run: collected, their finalizers would close the handles.
  return { mapping, view, free: free.handle, filled: filled.handle, owners: [free, filled] };
}
const take = (semaphore, what) => {
  if (WaitForSingleObject(semaphore, TIMEOUT_MS) !== WAIT_OBJECT_0) throw new Error(`timed out waiting for ${what}`);
};
const sectionSemaphores = {
  send: () =>
    sender(semaphoreObjects, ({ view, free, filled }) => {
      for (let i = 0; i < chunks; i++) {
        timed('waitSeconds', () => take(free, 'a free slot'));
        timed('workSeconds', () => fillChunk(pattern, view.buffer, (i % SLOTS) * CHUNK, i));
        timed('signalSeconds', () => ReleaseSemaphore(filled, 1, null));
      }
    }),
  receive: () =>
    receiver(semaphoreObjects, ({ view, free, filled }) => {
      for (let i = 0; i < chunks; i++) {
        timed('waitSeconds', () => take(filled, 'a filled slot'));
        timed('workSeconds', () => verify(sum32(view.buffer, (i % SLOTS) * CHUNK, CHUNK), i, expected));
        timed('signalSeconds', () => ReleaseSemaphore(free, 1, null));
      }
    }),
};

/** (b) The Channel: send() copies into the ring, receive() copies out. */
const channel = {
  send: () =>
    sender(
      () => Channel.create(name, { capacity: CHANNEL_CAPACITY }),
      (ch) => {
        const chunk = Buffer.allocUnsafeSlow(CHUNK);
        for (let i = 0; i < chunks; i++) {
          fillChunk(pattern, chunk, 0, i);
          ch.send(chunk);
        }
      },
    ),
  receive: () =>
    receiver(
      () => Channel.create(name, { capacity: CHANNEL_CAPACITY }),
      (ch) => {
        for (let i = 0; i < chunks; i++) {
          const message = ch.receive({ timeoutMs: TIMEOUT_MS });
          if (!message) throw new Error(`timed out waiting for chunk ${i}`);
          verify(sum32(message), i, expected);
        }
      },
    ),
};

/**
 * Up to SLOTS writes in flight, each from its own buffer (a stream may still be reading a buffer after write()
 * returns). `write(buffer, callback)` starts one; the callback frees its buffer.
 */
async function sendWindowed(write) {
  const buffers = Array.from({ length: SLOTS }, () => Buffer.allocUnsafeSlow(CHUNK));
  let inFlight = 0;
  let resume;
  let failure;
  for (let i = 0; i < chunks; i++) {
    while (inFlight >= SLOTS) await new Promise((resolve) => (resume = resolve));
    if (failure) throw failure;
    const buffer = buffers[i % SLOTS];
    fillChunk(pattern, buffer, 0, i);
    inFlight++;
    write(buffer, (error) => {
      failure ??= error;
      inFlight--;
      resume?.();
    });
  }
  while (inFlight > 0) await new Promise((resolve) => (resume = resolve));
  if (failure) throw failure;
}

/** Puts stream pieces back into 1 MiB chunks (one copy) and checks each; resolves after the last. */
function chunkAssembler(onChunk) {
  const chunk = Buffer.allocUnsafeSlow(CHUNK);
  let filled = 0;
  let index = 0;
  return (data) => {
    for (let at = 0; at < data.length; ) {
      const n = Math.min(CHUNK - filled, data.length - at);
      data.copy(chunk, filled, at, at + n);
      filled += n;
      at += n;
      if (filled === CHUNK) {
        verify(sum32(chunk), index, expected);
        filled = 0;
        onChunk(++index);
      }
    }
  };
}

/** (c) A Windows named pipe through node:net: the receiver is the server. */
const pipePath = `\\\\.\\pipe\\${name.replace(/^.*\\/, '')}`;
const pipe = {
  send: () =>
    sender(
      async () => {
        await signaled(NamedEvent.create(`${name}-listening`), 'the pipe server to listen');
        const socket = net.connect(pipePath);
        await new Promise((resolve, reject) => socket.once('connect', resolve).once('error', reject));
        return socket;
      },
      async (socket) => {
        await sendWindowed((buffer, callback) => socket.write(buffer, callback));
        await new Promise((resolve) => socket.end(resolve));
      },
    ),
  receive: () => {
    let received;
    return receiver(
      async () => {
        const server = net.createServer();
        const connected = new Promise((resolve) => server.once('connection', resolve));
        await new Promise((resolve, reject) => server.listen(pipePath, resolve).once('error', reject));
        NamedEvent.create(`${name}-listening`).set();
        const socket = await connected;
        received = new Promise((resolve, reject) => {
          socket.on('data', chunkAssembler((count) => count === chunks && resolve()));
          socket.once('error', reject);
        });
        return { server, socket };
      },
      async ({ server }) => {
        await received;
        server.close();
      },
    );
  },
};

/**
 * (d) child_process IPC with serialization 'advanced': this process (the receiver) forks the sender, which says
 * 'ready'; the clock starts when the receiver answers 'go'.
 */
const ipc = {
  send: () =>
    new Promise((resolve, reject) => {
      process.on('message', (message) => {
        if (message === 'go') {
          sendWindowed((buffer, callback) => process.send(buffer, callback)).catch(reject);
        } else if (message === 'end') {
          process.disconnect();
          resolve();
        }
      });
      process.send('ready');
    }),
  receive: () =>
    new Promise((resolve, reject) => {
      const child = fork(fileURLToPath(import.meta.url), ['ipc', 'send', name, String(chunks)], { serialization: 'advanced' });
      let start;
      let index = 0;
      child.on('error', reject);
      child.on('exit', (code) => code !== 0 && reject(new Error(`the ipc sender exited with ${code}`)));
      child.on('message', (message) => {
        try {
          if (message === 'ready') {
            start = performance.now();
            child.send('go');
            return;
          }
          verify(sum32(message), index, expected);
          if (++index === chunks) {
            const seconds = (performance.now() - start) / 1000;
            child.send('end');
            child.once('exit', () => resolve({ seconds }));
          }
        } catch (error) {
          child.kill();
          reject(error);
        }
      });
    }),
};

/** (e) A temporary file: the sender writes every chunk and closes it, then the receiver reads them back. */
const tempFile = join(tmpdir(), `${name.replace(/^.*\\/, '')}.bin`);
const file = {
  send: () =>
    sender(
      () => ({ fd: openSync(tempFile, 'w'), written: NamedEvent.create(`${name}-written`) }),
      ({ fd, written }) => {
        const chunk = Buffer.allocUnsafeSlow(CHUNK);
        for (let i = 0; i < chunks; i++) {
          fillChunk(pattern, chunk, 0, i);
          if (writeSync(fd, chunk) !== CHUNK) throw new Error(`short write of chunk ${i}`);
        }
        closeSync(fd);
        written.set();
      },
    ),
  receive: () =>
    receiver(
      () => NamedEvent.create(`${name}-written`),
      async (written) => {
        await signaled(written, 'the file to be written');
        const fd = openSync(tempFile, 'r');
        const chunk = Buffer.allocUnsafeSlow(CHUNK);
        for (let i = 0; i < chunks; i++) {
          if (readSync(fd, chunk, 0, CHUNK, null) !== CHUNK) throw new Error(`short read of chunk ${i}`);
          verify(sum32(chunk), i, expected);
        }
        closeSync(fd);
        rmSync(tempFile, { force: true });
      },
    ),
};

const methods = { section, 'section-sem': sectionSemaphores, channel, pipe, ipc, file };
if (method === 'local') {
  console.log(JSON.stringify(singleProcessLimits(pattern, chunks, SLOTS)));
} else {
  const side = methods[method]?.[role];
  if (!side) throw new Error(`usage: bulk-peer.mjs section|section-sem|channel|pipe|ipc|file send|receive NAME CHUNKS (got ${process.argv.slice(2).join(' ')})`);
  const result = await side();
  if (role === 'receive') {
    const bytes = chunks * CHUNK;
    const extra = method.startsWith('section') ? { profile } : {};
    console.log(JSON.stringify({ method, chunks, bytes, seconds: result.seconds, GBps: bytes / 1e9 / result.seconds, unaligned: sum32.unaligned, ...extra }));
  } else {
    console.log(JSON.stringify(method.startsWith('section') ? { profile } : {}));
  }
  // Handles, the wait thread and the pipe may keep the loop alive: the work is done.
  process.exit(0);
}
