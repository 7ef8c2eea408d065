// One side of the bulk-transfer benchmark (scripts/bench/bulk.mjs), run in the measured Node (platform.mjs): sends
// or receives COUNT messages of SIZE bytes by one method, the receiver checking every message's checksum. The
// receiver times the transfer on its own clock, from the moment it tells the ready sender to go to the last message
// checked, and prints one JSON line.
//   bulk-peer.mjs METHOD send|receive NAME COUNT SIZE   METHOD: see bulk-shared-memory.mjs and bulk-streams.mjs
//   bulk-peer.mjs local - - COUNT                       the single-process limits: copy and checksum bandwidth
// Every sender makes each message the same way (fillChunk: a copy of the pattern into the memory it sends from), so
// the methods differ only in how the bytes reach the other process.
import { fileURLToPath } from 'node:url';
import { NamedEvent } from '../../dist/index.js';
import { expectedSum, makePattern, sum32, warmUp } from './bulk-data.mjs';
import { singleProcessLimits } from './bulk-limits.mjs';
import { sharedMemoryMethods } from './bulk-shared-memory.mjs';
import { streamMethods } from './bulk-streams.mjs';

const [method, role, name, countArg, sizeArg] = process.argv.slice(2);
const count = Number(countArg);
const size = Number(sizeArg ?? 1 << 20);
/**
 * Bytes in flight for every method: the Channel's ring, the section's slots, the stream writes not yet done. At
 * least 4 messages (a ring of 4x the message keeps a writer busy while the reader works on the one before), at least
 * 1 MiB (so small messages are not held back by a tiny window), a power of two (what a Channel takes).
 */
const capacity = 2 ** Math.ceil(Math.log2(Math.max(4 * size, 1 << 20)));
/** No wait is forever: a peer that died fails the run instead of hanging it. */
const TIMEOUT_MS = 120_000;
const pattern = makePattern();
warmUp(pattern);

const signaled = async (event, what) => {
  if ((await event.waitAsync({ timeoutMs: TIMEOUT_MS })) !== 'signaled') throw new Error(`timed out waiting for ${what}`);
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
  if (go.wait(TIMEOUT_MS) !== 'signaled') throw new Error('timed out waiting for the receiver to say go');
  await sendAll(state);
  await signaled(done, 'the receiver to finish');
}

const context = {
  name,
  count,
  size,
  capacity,
  pattern,
  expected: expectedSum(pattern, size),
  TIMEOUT_MS,
  receiver,
  sender,
  signaled,
  self: fileURLToPath(import.meta.url),
};
const methods = { ...sharedMemoryMethods(context), ...streamMethods(context) };
if (method === 'local') {
  console.log(JSON.stringify(singleProcessLimits(pattern, count, 4)));
} else {
  const side = methods[method]?.[role];
  if (!side) throw new Error(`usage: bulk-peer.mjs ${Object.keys(methods).join('|')} send|receive NAME COUNT SIZE (got ${process.argv.slice(2).join(' ')})`);
  const result = await side();
  const bytes = count * size;
  // The pipe's sender writes its data to stdout: it prints nothing. The section's senders print where their time went.
  if (role === 'receive') {
    console.log(
      JSON.stringify({
        method,
        count,
        size,
        capacity,
        bytes,
        seconds: result.seconds,
        GBps: bytes / 1e9 / result.seconds,
        unaligned: sum32.unaligned,
        ...result.extra,
      }),
    );
  } else if (result?.extra) {
    console.log(JSON.stringify(result.extra));
  }
  // Handles, the wait thread and the pipe may keep the loop alive: the work is done.
  process.exit(0);
}
