/**
 * One wait thread on Linux (see sync/waiter.ts for why there are threads of the package's own, and win32/waiter-worker.ts
 * for Windows'): it waits on every pending wait at once, sleeping in futex_waitv on each object's word and on its wake
 * word, which the main thread changes (and wakes) when it posts a request. Every pending wait is tried in every round;
 * a mutex is locked, and unlocked, by this thread (a pthread mutex belongs to the thread that locked it).
 */
import { performance } from 'node:perf_hooks';
import { workerData } from 'node:worker_threads';
import type { Waitable } from '../backend.js';
import { waitThreadSide, type WaitThreadData } from '../sync/waiter-protocol.js';
import { futex } from './futex.js';
import { posixInterlocked } from './interlocked.js';
import { loadLibc } from './libc.js';
import { unlockMutex, type ObjectTools, type ObjectWaitable } from './objects.js';
import { sleepOn, tryEach } from './wait-loop.js';

/** The longest single sleep: Node can stop this thread only between native calls (see win32/waiter-worker.ts). */
const SLICE_MS = 250;

interface Pending {
  id: number;
  targets: Waitable[];
  deadline: number;
  sync: boolean;
  /** It slept once at least: a mutex it takes keeps the waiters' bit. */
  slept: boolean;
}

const data = workerData as WaitThreadData & { wakeAddress: bigint };
const { koffiPath, wakeAddress } = data;
const pending: Pending[] = [];
let tools: ObjectTools;

const { reply, drain, serve } = waitThreadSide(data, pending, {
  wait: (request) => ({
    id: request.id,
    targets: request.targets,
    deadline: request.timeoutMs < 0 ? Infinity : performance.now() + request.timeoutMs,
    sync: request.sync,
    slept: false,
  }),
  release: (request) => {
    const error = unlockMutex(tools, request.target as ObjectWaitable);
    return error === 0 ? { outcome: 'released' } : { outcome: 'failed', errno: error };
  },
});

/** One round: read requests, try every pending wait (oldest first), answer what ended, sleep. False once asked to stop. */
function round(): boolean {
  // The wake word is read before the requests: a request posted after this changes it, and the sleep below ends at once.
  const wake = { address: wakeAddress, value: tools.interlocked.load32(wakeAddress) };
  if (!drain()) return false;
  const now = performance.now();
  for (let i = 0; i < pending.length;) {
    const p = pending[i] as Pending;
    const found = tryEach(tools, p.targets, p.slept);
    if (found === undefined && p.deadline > now) {
      i++;
      continue;
    }
    pending.splice(i, 1);
    if (found === undefined) reply(p, { outcome: 'timeout' });
    else if ('failed' in found) reply(p, { outcome: 'failed', errno: found.failed });
    else reply(p, { outcome: found.outcome, index: found.index });
  }
  const nearest = Math.min(...pending.map((p) => p.deadline));
  const timeout = Math.min(Number.isFinite(nearest) ? Math.max(0, Math.ceil(nearest - performance.now())) : SLICE_MS, SLICE_MS);
  if (
    sleepOn(
      tools,
      pending.flatMap((p) => p.targets),
      [wake],
      timeout,
    )
  )
    for (const p of pending) p.slept = true;
  return true;
}

function run(): void {
  // A failure here reaches the main thread, blocked until this thread is ready, through the guard around this code
  // (see guarded() in sync/waiter.ts).
  const libc = loadLibc(koffiPath);
  tools = { libc, futex: futex(libc), interlocked: posixInterlocked(libc) };
  serve(round);
}

run();
