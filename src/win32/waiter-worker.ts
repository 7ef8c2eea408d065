/**
 * One wait thread: a worker thread that performs waits that must not block the event loop, and waits on mutexes.
 * The main thread (sync/waiter.ts) runs as many as it needs, each given at most 63 distinct handles (its capacity).
 *
 * Why threads of the package's own: koffi's async calls run on libuv's thread pool (4 threads by default), so a long
 * wait there would starve file and crypto work; and a Win32 mutex belongs to the thread that acquired it, so a mutex
 * acquired on one pool thread could not be released from another (ReleaseMutex fails with ERROR_NOT_OWNER). Here the
 * thread that acquired a mutex is the one that releases it, whoever asked.
 *
 * The thread sleeps in WaitForMultipleObjects on a wake event and on every handle it was given: each pending wait is
 * tried in every round, however many there are. The main thread posts a request on the port and sets the wake event;
 * the thread drains the port and answers on the port, or, for a synchronous request, in shared memory (see
 * waitThreadSide() in sync/waiter-protocol.ts).
 */
import { performance } from 'node:perf_hooks';
import { workerData } from 'node:worker_threads';
import { INFINITE, MAXIMUM_WAIT_OBJECTS, WAIT_ABANDONED, WAIT_FAILED, WAIT_OBJECT_0, WAIT_TIMEOUT } from './constants.js';
import { loadKernel32, type Kernel32 } from './kernel32.js';
import { waitThreadSide, type WaitThreadData } from '../sync/waiter-protocol.js';

/** The longest single native wait (see round()). */
const SLICE_MS = 250;

interface Pending {
  id: number;
  handles: bigint[];
  deadline: number;
  sync: boolean;
}

const data = workerData as WaitThreadData & { wake: bigint };
const { wake, koffiPath } = data;
const pending: Pending[] = [];
let rotation = 0;
let k32: Kernel32;

const { reply, drain, serve } = waitThreadSide(data, pending, {
  wait: (request) => ({
    id: request.id,
    handles: request.targets as bigint[],
    deadline: request.timeoutMs < 0 ? Infinity : performance.now() + request.timeoutMs,
    sync: request.sync,
  }),
  release: (request) => {
    const released = k32.ReleaseMutex(request.target as bigint);
    const errno = k32.GetLastError();
    return released ? { outcome: 'released' } : { outcome: 'failed', errno };
  },
});

/** Tries `p` alone without waiting, and answers it unless nothing of it is signalled: true when answered. */
function tryAlone(p: Pending, failedErrno = 0): boolean {
  // A zero-timeout wait acquires what is free (a mutex, a semaphore count, an auto-reset event): the request is
  // answered with what it acquired.
  const alone = k32.WaitForMultipleObjects(p.handles.length, p.handles, false, 0);
  if (alone === WAIT_TIMEOUT) return false;
  if (alone === WAIT_FAILED) reply(p, { outcome: 'failed', errno: k32.GetLastError() || failedErrno });
  else if (alone >= WAIT_ABANDONED && alone < WAIT_ABANDONED + MAXIMUM_WAIT_OBJECTS) reply(p, { outcome: 'abandoned', index: alone - WAIT_ABANDONED });
  else reply(p, { outcome: 'signaled', index: alone - WAIT_OBJECT_0 });
  return true;
}

/**
 * Answers the waits whose time is up. Each is tried alone once more first: WaitForMultipleObjects reports only the
 * lowest signalled handle, so a wait whose object was free may not have been reported yet (a timeout of 0 must still
 * acquire a free mutex).
 */
function expire(): void {
  const now = performance.now();
  for (let i = pending.length - 1; i >= 0; i--) {
    const p = pending[i] as Pending;
    if (p.deadline > now) continue;
    pending.splice(i, 1);
    if (!tryAlone(p)) reply(p, { outcome: 'timeout' });
  }
}

/** One round: read requests, wait on every pending handle, answer. False once asked to stop. */
function round(): boolean {
  if (!drain()) return false;
  const now = performance.now();
  // Each distinct handle once (WaitForMultipleObjects refuses a copy of a handle), the oldest request first for each.
  // The order rotates so that a handle that stays signalled cannot starve the others: the call reports the lowest
  // index signalled.
  const start = pending.length > 0 ? rotation++ % pending.length : 0;
  const handles: bigint[] = [];
  for (let i = 0; i < pending.length; i++) {
    for (const handle of (pending[(start + i) % pending.length] as Pending).handles) {
      if (!handles.includes(handle)) handles.push(handle);
    }
  }
  if (handles.length > MAXIMUM_WAIT_OBJECTS - 1) {
    // The main thread gives a thread no more distinct handles than fit beside the wake event: this is a bug.
    for (const p of pending.splice(0)) reply(p, { outcome: 'failed', errno: 0 });
    return true;
  }
  const nearest = Math.min(...pending.map((p) => p.deadline));
  // Never sleep longer than a slice: when the thread that owns this worker ends (process.exit() in a worker
  // thread, say), Node can only stop this one between native calls. Waits still end on their kernel objects.
  const timeout = Math.min(Number.isFinite(nearest) ? Math.max(0, Math.ceil(nearest - now)) : INFINITE, SLICE_MS);
  const result = k32.WaitForMultipleObjects(handles.length + 1, [wake, ...handles], false, timeout);
  if (result === WAIT_FAILED) {
    const errno = k32.GetLastError();
    // One handle is bad (closed under a pending wait, say): answer each request that fails on its own.
    for (const p of [...pending]) if (tryAlone(p, errno)) pending.splice(pending.indexOf(p), 1);
    return true;
  }
  // The wake event has the lowest index, so it masks the handles: read the new requests, then wait again before any
  // deadline is judged (a zero timeout must try its object once, not lose to the wake-up that announced it).
  if (result === WAIT_OBJECT_0) return true;
  if (result !== WAIT_TIMEOUT) {
    const abandoned = result >= WAIT_ABANDONED;
    const handle = handles[result - (abandoned ? WAIT_ABANDONED : WAIT_OBJECT_0) - 1];
    // One wait was satisfied (a mutex, a count or an auto-reset event acquired once): the oldest request for it.
    const owner = pending.find((p) => handle !== undefined && p.handles.includes(handle));
    if (owner) {
      pending.splice(pending.indexOf(owner), 1);
      reply(owner, { outcome: abandoned ? 'abandoned' : 'signaled', index: owner.handles.indexOf(handle as bigint) });
    }
  }
  expire();
  return true;
}

function run(): void {
  // A failure here reaches the main thread, blocked until this thread is ready, through the guard around this code
  // (see guarded() in sync/waiter.ts).
  k32 = loadKernel32(koffiPath);
  serve(round);
}

run();
