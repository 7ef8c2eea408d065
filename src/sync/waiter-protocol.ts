/**
 * What the main thread and a wait thread say to each other (sync/waiter.ts, and each OS's thread: win32/waiter-worker.ts,
 * posix/waiter-worker.ts).
 */
import { receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import type { Waitable } from '../backend.js';

/**
 * A wait for any of `targets` (one or a few): `timeoutMs` < 0 waits forever. `sync` requests are answered in shared
 * memory, the others on the port.
 */
export interface WaitRequest {
  op: 'wait';
  id: number;
  targets: Waitable[];
  timeoutMs: number;
  sync: boolean;
}
/** Cancels the wait `target`, if the thread has not answered it yet. */
export interface CancelRequest {
  op: 'cancel';
  id: number;
  target: number;
  sync: false;
}
/** Releases a mutex on the wait thread that acquired it (only that thread may). */
export interface ReleaseRequest {
  op: 'release';
  id: number;
  target: Waitable;
  sync: boolean;
}
export interface StopRequest {
  op: 'stop';
  id: number;
  sync: false;
}
export type WaiterRequest = WaitRequest | CancelRequest | ReleaseRequest | StopRequest;

export const OUTCOMES = ['signaled', 'abandoned', 'timeout', 'cancelled', 'released', 'failed'] as const;
export type Outcome = (typeof OUTCOMES)[number];

export interface WaiterReply {
  id: number;
  outcome: Outcome;
  /** The native error of a 'failed' outcome (a Win32 code, or errno). */
  errno?: number;
  /** Which of the targets ended a 'signaled' or 'abandoned' wait. */
  index?: number;
  /** Why a 'failed' wait failed when it is not a native error: the thread ended. */
  error?: string;
}

/** What a wait thread is started with, beside what its OS adds (how it is woken: WaitThreadPlatform.wakeup()). */
export interface WaitThreadData {
  port: MessagePort;
  /** SHARED_BYTES: the slots below, then the text of a start failure. */
  shared: SharedArrayBuffer;
  /** Where the main thread's koffi is (see koffiPath()). */
  koffiPath: string;
}

/**
 * Int32 slots of the shared memory: the thread's readiness (READY or START_FAILED once it has started or failed to),
 * and the answer to the one synchronous request. `done` is the id (as an Int32) of the last synchronous request
 * answered, written after `outcome`, `errno` and `index`. `failureBytes` is the length of the start failure's text.
 */
export const SLOT = { ready: 0, done: 1, outcome: 2, errno: 3, index: 4, failureBytes: 5 } as const;
export const READY = 1;
export const START_FAILED = 2;
export const SLOTS_BYTES = 6 * Int32Array.BYTES_PER_ELEMENT;
/** Room for the text of a start failure, after the slots. */
export const FAILURE_TEXT_BYTES = 2048;
export const SHARED_BYTES = SLOTS_BYTES + FAILURE_TEXT_BYTES;

/** Why the thread could not start, as the guard around its code wrote it (see guarded() in sync/waiter.ts). */
export function readStartFailure(state: Int32Array): string {
  const length = Atomics.load(state, SLOT.failureBytes);
  return Buffer.from(state.buffer as SharedArrayBuffer, SLOTS_BYTES, length).toString('utf8');
}

/** A request a wait thread has taken and not answered yet. */
export interface PendingRequest {
  id: number;
  sync: boolean;
}

/**
 * A wait thread's side of the protocol, the same on every OS: `reply` answers a request (in shared memory for a
 * synchronous one, on the port otherwise), `drain` reads what the main thread asked (with receiveMessageOnPort: the
 * thread never returns to its event loop), keeps new waits in `pending`, answers cancels and releases, and returns
 * false once asked to stop.
 */
export function waitThreadSide<P extends PendingRequest>(
  { port, shared }: WaitThreadData,
  pending: P[],
  handlers: {
    /** What the thread keeps of a new wait. */
    wait(request: WaitRequest): P;
    /** Releases a mutex this thread acquired; the answer. */
    release(request: ReleaseRequest): Omit<WaiterReply, 'id'>;
  },
) {
  const state = new Int32Array(shared);

  function reply(request: PendingRequest, answer: Omit<WaiterReply, 'id'>): void {
    if (request.sync) {
      Atomics.store(state, SLOT.outcome, OUTCOMES.indexOf(answer.outcome));
      Atomics.store(state, SLOT.errno, answer.errno ?? 0);
      Atomics.store(state, SLOT.index, answer.index ?? 0);
      // Last, the request's id: the main thread waits for that value (see WaitThread.sync), so every slot above is
      // written before it reads them.
      Atomics.store(state, SLOT.done, request.id | 0);
      Atomics.notify(state, SLOT.done);
    } else {
      port.postMessage({ id: request.id, ...answer } satisfies WaiterReply);
    }
  }

  function drain(): boolean {
    for (let message = receiveMessageOnPort(port); message; message = receiveMessageOnPort(port)) {
      const request = message.message as WaiterRequest;
      switch (request.op) {
        case 'wait':
          pending.push(handlers.wait(request));
          break;
        case 'cancel': {
          const index = pending.findIndex((p) => p.id === request.target);
          // Already answered (acquired or timed out) when not found: the main thread handles that answer.
          if (index >= 0) reply(pending.splice(index, 1)[0] as P, { outcome: 'cancelled' });
          break;
        }
        case 'release':
          reply(request, handlers.release(request));
          break;
        case 'stop':
          return false;
      }
    }
    return true;
  }

  /**
   * Marks the thread started, for the main thread blocked until it is (a failure before this reaches it through
   * guarded() in sync/waiter.ts), then runs `round` until it returns false (asked to stop). The main thread may be
   * blocked on a synchronous answer: an exception in a round answers every pending wait, and never ends the thread.
   */
  function serve(round: () => boolean): void {
    Atomics.store(state, SLOT.ready, READY);
    Atomics.notify(state, SLOT.ready);
    for (;;) {
      try {
        if (!round()) return;
      } catch {
        for (const p of pending.splice(0)) reply(p, { outcome: 'failed', errno: 0 });
      }
    }
  }

  return { reply, drain, serve };
}
