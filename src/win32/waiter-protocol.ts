/** What the main thread and the wait thread (waiter-worker.ts) say to each other. */

/**
 * A wait for any of `handles` (one or a few): `timeoutMs` < 0 waits forever. `sync` requests are answered in shared
 * memory, the others on the port.
 */
export interface WaitRequest {
  op: 'wait';
  id: number;
  handles: bigint[];
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
/** ReleaseMutex on the wait thread, which owns every mutex it acquired. */
export interface ReleaseRequest {
  op: 'release';
  id: number;
  handle: bigint;
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
  /** The Win32 error of a 'failed' outcome. */
  errno?: number;
  /** Which of the handles ended a 'signaled' or 'abandoned' wait. */
  index?: number;
}

/**
 * Int32 slots of the shared memory: the thread's readiness, and the answer to the one synchronous request. `done` is
 * the id (as an Int32) of the last synchronous request answered, written after `outcome`, `errno` and `index`.
 */
export const SLOT = { ready: 0, done: 1, outcome: 2, errno: 3, index: 4 } as const;
export const SHARED_BYTES = 5 * Int32Array.BYTES_PER_ELEMENT;
