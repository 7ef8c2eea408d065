/**
 * The order of one channel end's asynchronous calls: those of a direction (sending, receiving) are served one at a
 * time, in the order they were made, so that a second pending receiveAsync() waits for the first instead of racing it
 * for the wake-up; and a synchronous call is refused while asynchronous ones of its direction are pending.
 */
import type { Role } from './ring.js';

export class CallQueue {
  /** The last asynchronous call of each direction: the next one starts once it has settled. */
  readonly #queues: Record<Role, Promise<void>> = { writer: Promise.resolve(), reader: Promise.resolve() };
  /** How many asynchronous calls of each direction are pending (waiting for their turn or in progress). */
  readonly #queued: Record<Role, number> = { writer: 0, reader: 0 };
  /** The channel's name, for the errors. */
  readonly #channel: string;

  constructor(channel: string) {
    this.#channel = channel;
  }

  /**
   * Runs `call` once the asynchronous calls of `role` made before it have settled. Aborting while it waits for its
   * turn rejects with the signal's reason, having done nothing.
   */
  async inTurn<T>(role: Role, signal: AbortSignal | undefined, call: () => Promise<T>): Promise<T> {
    signal?.throwIfAborted();
    const previous = this.#queues[role];
    let settled!: () => void;
    const mine = new Promise<void>((resolve) => (settled = resolve));
    this.#queues[role] = previous.then(() => mine);
    this.#queued[role]++;
    try {
      await untilAborted(previous, signal);
      return await call();
    } finally {
      this.#queued[role]--;
      settled();
    }
  }

  /** A synchronous call while asynchronous ones of its direction are pending would race them for the wake-up. */
  refuseWhileQueued(role: Role, operation: string): void {
    if (this.#queued[role] === 0) return;
    throw new Error(
      `Cannot ${operation}() synchronously on channel "${this.#channel}" while an asynchronous ${role === 'writer' ? 'send or claim' : 'receive'} of this end is pending: await it first (calls of one end are served in order)`,
    );
  }
}

/** `promise`, or a rejection with the signal's reason as soon as `signal` aborts. */
function untilAborted(promise: Promise<void>, signal: AbortSignal | undefined): Promise<void> {
  if (!signal) return promise;
  signal.throwIfAborted();
  return new Promise<void>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    });
  });
}
