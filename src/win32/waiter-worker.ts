/**
 * The wait thread: a worker thread that performs every wait that must not block the event loop, and every wait
 * on a mutex.
 *
 * Why a thread of its own: koffi's async calls run on libuv's thread pool (4 threads by default), so a long wait
 * there would starve file and crypto work; and a Win32 mutex belongs to the thread that acquired it, so a mutex
 * acquired on one pool thread could not be released from another (ReleaseMutex fails with ERROR_NOT_OWNER). Here
 * one thread acquires and releases every mutex, whoever asked.
 *
 * The thread sleeps in WaitForMultipleObjects on a wake event and the handles being waited for. The main thread
 * posts a request on the port and sets the wake event; the thread drains the port with receiveMessageOnPort (it
 * never returns to its event loop) and answers on the port, or, for a synchronous request, in shared memory.
 */
import { performance } from 'node:perf_hooks';
import { receiveMessageOnPort, workerData, type MessagePort } from 'node:worker_threads';
import {
  INFINITE,
  MAXIMUM_WAIT_OBJECTS,
  WAIT_ABANDONED,
  WAIT_FAILED,
  WAIT_OBJECT_0,
  WAIT_TIMEOUT,
} from './constants.js';
import { getKernel32 } from './kernel32.js';
import { OUTCOMES, SLOT, type WaiterReply, type WaiterRequest } from './waiter-protocol.js';

/** The longest single native wait (see round()). */
const SLICE_MS = 250;

interface Pending {
  id: number;
  handles: bigint[];
  deadline: number;
  sync: boolean;
}

const { wake, port, shared } = workerData as { wake: bigint; port: MessagePort; shared: SharedArrayBuffer };
const state = new Int32Array(shared);
const k32 = getKernel32();
const pending: Pending[] = [];
let rotation = 0;

function reply(request: { id: number; sync: boolean }, answer: Omit<WaiterReply, 'id'>): void {
  if (request.sync) {
    Atomics.store(state, SLOT.outcome, OUTCOMES.indexOf(answer.outcome));
    Atomics.store(state, SLOT.errno, answer.errno ?? 0);
    Atomics.store(state, SLOT.index, answer.index ?? 0);
    // Last, the request's id: the main thread waits for that value (see Waiter.#sync), so every slot above is
    // written before it reads them.
    Atomics.store(state, SLOT.done, request.id | 0);
    Atomics.notify(state, SLOT.done);
  } else {
    port.postMessage({ id: request.id, ...answer } satisfies WaiterReply);
  }
}

/** Handles what the main thread asked; false once asked to stop. */
function drain(): boolean {
  for (let message = receiveMessageOnPort(port); message; message = receiveMessageOnPort(port)) {
    const request = message.message as WaiterRequest;
    switch (request.op) {
      case 'wait':
        pending.push({
          id: request.id,
          handles: request.handles,
          deadline: request.timeoutMs < 0 ? Infinity : performance.now() + request.timeoutMs,
          sync: request.sync,
        });
        break;
      case 'cancel': {
        const index = pending.findIndex((p) => p.id === request.target);
        // Already answered (acquired or timed out) when not found: the main thread handles that answer.
        if (index >= 0) reply(pending.splice(index, 1)[0] as Pending, { outcome: 'cancelled' });
        break;
      }
      case 'release': {
        const released = k32.ReleaseMutex(request.handle);
        const errno = k32.GetLastError();
        reply(request, released ? { outcome: 'released' } : { outcome: 'failed', errno });
        break;
      }
      case 'stop':
        return false;
    }
  }
  return true;
}

Atomics.store(state, SLOT.ready, 1);
Atomics.notify(state, SLOT.ready);

/** Answers the waits whose time is up; each has been tried at least once by then (a timeout of 0 polls once). */
function expire(): void {
  const now = performance.now();
  for (let i = pending.length - 1; i >= 0; i--) {
    if ((pending[i] as Pending).deadline <= now) reply(pending.splice(i, 1)[0] as Pending, { outcome: 'timeout' });
  }
}

/** One round: read requests, wait, answer. False once asked to stop. */
function round(): boolean {
  if (!drain()) return false;
  const now = performance.now();
  // Rotate so that a low index cannot starve the others (WaitForMultipleObjects reports the lowest signalled), and
  // take whole requests while their handles fit beside the wake event.
  const active: Pending[] = [];
  const start = pending.length > 0 ? rotation++ % pending.length : 0;
  let slots = MAXIMUM_WAIT_OBJECTS - 1;
  for (let i = 0; i < pending.length; i++) {
    const p = pending[(start + i) % pending.length] as Pending;
    if (p.handles.length > slots) break;
    active.push(p);
    slots -= p.handles.length;
  }
  const handles = active.flatMap((p) => p.handles);
  const owners = active.flatMap((p) => p.handles.map((_, index) => ({ p, index })));
  const nearest = Math.min(...active.map((p) => p.deadline));
  // Never sleep longer than a slice: when the thread that owns this worker ends (process.exit() in a worker
  // thread, say), Node can only stop this one between native calls. Waits still end on their kernel objects.
  const timeout = Math.min(Number.isFinite(nearest) ? Math.max(0, Math.ceil(nearest - now)) : INFINITE, SLICE_MS);
  const result = k32.WaitForMultipleObjects(handles.length + 1, [wake, ...handles], false, timeout);
  if (result === WAIT_FAILED) {
    const errno = k32.GetLastError();
    // One handle is bad (closed under a pending wait, say): answer each request that fails on its own.
    // (A zero-timeout wait acquires what is free, a mutex included: such a request is answered as acquired.)
    for (const p of active) {
      const alone = k32.WaitForMultipleObjects(p.handles.length, p.handles, false, 0);
      if (alone === WAIT_TIMEOUT) continue;
      pending.splice(pending.indexOf(p), 1);
      if (alone === WAIT_FAILED) reply(p, { outcome: 'failed', errno: k32.GetLastError() || errno });
      else if (alone >= WAIT_ABANDONED) reply(p, { outcome: 'abandoned', index: alone - WAIT_ABANDONED });
      else reply(p, { outcome: 'signaled', index: alone - WAIT_OBJECT_0 });
    }
    return true;
  }
  // The wake event has the lowest index, so it masks the handles: read the new requests, then wait again before any
  // deadline is judged (a zero timeout must try its object once, not lose to the wake-up that announced it).
  if (result === WAIT_OBJECT_0) return true;
  if (result !== WAIT_TIMEOUT) {
    const abandoned = result >= WAIT_ABANDONED;
    const owner = owners[result - (abandoned ? WAIT_ABANDONED : WAIT_OBJECT_0) - 1];
    if (owner) {
      pending.splice(pending.indexOf(owner.p), 1);
      reply(owner.p, { outcome: abandoned ? 'abandoned' : 'signaled', index: owner.index });
    }
  }
  expire();
  return true;
}

// The main thread may be blocked on a synchronous answer: an exception here must answer, never end the thread.
for (;;) {
  try {
    if (!round()) break;
  } catch {
    for (const p of pending.splice(0)) reply(p, { outcome: 'failed', errno: 0 });
  }
}
