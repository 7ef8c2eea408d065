/**
 * The main thread's side of the wait thread (src/win32/waiter-worker.ts): one per process, started on first use.
 *
 * Asynchronous waits go there so that the event loop never blocks; mutex waits (synchronous ones too) go there
 * so that one thread owns every mutex this process acquires, and `await lock()` then `unlock()` always works.
 */
import { fileURLToPath } from 'node:url';
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import { kernel32, win32Error } from '../platform.js';
import type { Kernel32 } from '../win32/kernel32.js';
import { OUTCOMES, SHARED_BYTES, SLOT, type Outcome, type WaiterReply, type WaiterRequest } from '../win32/waiter-protocol.js';

/** How long the first use waits for the thread to start before giving up with an error. */
const START_TIMEOUT_MS = 30_000;

/** What a wait ends with: the object was signalled, or was a mutex its holder left without releasing, or time ran out. */
export type WaitResult = 'signaled' | 'abandoned' | 'timeout';

/** What a synchronous wait can be answered, besides 'failed'. */
const WAIT_OUTCOMES: readonly WaitResult[] = ['signaled', 'abandoned', 'timeout'];

export class Waiter {
  static #instance: Waiter | undefined;

  readonly #k32: Kernel32;
  readonly #wake: bigint;
  readonly #port: MessagePort;
  readonly #state: Int32Array;
  readonly #worker: Worker;
  readonly #replies = new Map<number, (reply: WaiterReply) => void>();
  #nextId = 1;

  /** The process's wait thread, started (and waited for) on first use. */
  static get(): Waiter {
    Waiter.#instance ??= new Waiter();
    return Waiter.#instance;
  }

  private constructor() {
    this.#k32 = kernel32();
    // An anonymous auto-reset event: setting it wakes the thread to read its requests.
    const wake = this.#k32.CreateEventW(null, false, false, null);
    const errno = this.#k32.GetLastError();
    if (wake === null) throw win32Error(this.#k32, errno, 'CreateEventW', 'creating the wake event of the wait thread');
    this.#wake = wake;
    const shared = new SharedArrayBuffer(SHARED_BYTES);
    this.#state = new Int32Array(shared);
    const { port1, port2 } = new MessageChannel();
    this.#port = port1;
    this.#port.on('message', (reply: WaiterReply) => this.#replies.get(reply.id)?.(reply));
    this.#port.unref();
    this.#worker = new Worker(fileURLToPath(new URL('./win32/waiter-worker.cjs', import.meta.url)), {
      workerData: { wake, port: port2, shared },
      transferList: [port2],
    });
    this.#worker.unref();
    // The thread sleeps in a native wait that worker termination cannot interrupt: wake it to stop at exit.
    process.once('exit', () => this.#post({ op: 'stop', id: 0, sync: false }));
    if (Atomics.wait(this.#state, SLOT.ready, 0, START_TIMEOUT_MS) === 'timed-out') {
      throw new Error(`The filemapping wait thread did not start within ${START_TIMEOUT_MS / 1000} s`);
    }
  }

  /** Waits on the wait thread, blocking this thread until it answers. For mutexes: the wait thread owns them. */
  waitSync(handle: bigint, timeoutMs: number, what: string): WaitResult {
    const request: WaiterRequest = { op: 'wait', id: this.#nextId++, handles: [handle], timeoutMs, sync: true };
    return this.#sync(request, 'WaitForSingleObject', what, WAIT_OUTCOMES).outcome as WaitResult;
  }

  /** Releases a mutex the wait thread acquired. */
  releaseMutex(handle: bigint, what: string): void {
    this.#sync({ op: 'release', id: this.#nextId++, handle, sync: true }, 'ReleaseMutex', what, ['released']);
  }

  /**
   * Waits on the wait thread without blocking. On abort, the wait is cancelled; if the thread acquired the object
   * before it saw the cancellation, `giveBack` undoes that (releases the mutex, the semaphore count, sets the
   * event again) before the promise rejects with the signal's reason.
   */
  wait(handle: bigint, timeoutMs: number, what: string, signal: AbortSignal | undefined, giveBack: () => void): Promise<WaitResult> {
    return this.waitAny([handle], timeoutMs, what, signal, giveBack).then(({ result }) => result);
  }

  /** wait() for the first of a few handles; `index` says which one ended the wait. */
  waitAny(
    handles: bigint[],
    timeoutMs: number,
    what: string,
    signal: AbortSignal | undefined,
    giveBack: (index: number) => void,
  ): Promise<{ result: WaitResult; index: number }> {
    signal?.throwIfAborted();
    const id = this.#nextId++;
    return new Promise<{ result: WaitResult; index: number }>((resolve, reject) => {
      const onAbort = () => this.#post({ op: 'cancel', id: this.#nextId++, target: id, sync: false });
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#replies.set(id, (reply) => {
        this.#replies.delete(id);
        signal?.removeEventListener('abort', onAbort);
        if (this.#replies.size === 0) this.#port.unref();
        if (reply.outcome === 'failed') {
          reject(win32Error(this.#k32, reply.errno ?? 0, 'WaitForMultipleObjects', what));
        } else if (reply.outcome === 'cancelled') {
          reject(signal?.reason);
        } else if (signal?.aborted && reply.outcome !== 'timeout') {
          giveBack(reply.index ?? 0);
          reject(signal.reason);
        } else {
          resolve({ result: reply.outcome as WaitResult, index: reply.index ?? 0 });
        }
      });
      this.#port.ref();
      this.#post({ op: 'wait', id, handles, timeoutMs, sync: false });
    });
  }

  #post(request: WaiterRequest): void {
    this.#port.postMessage(request);
    this.#k32.SetEvent(this.#wake);
  }

  /** Posts a synchronous request and blocks until the thread answers it: one of `expected`, or a thrown Win32Error. */
  #sync(request: WaiterRequest, syscall: string, what: string, expected: readonly Outcome[]): { outcome: Outcome; index: number } {
    // The thread answers by writing the request's id (as an Int32) to SLOT.done, then notifying. Wait for that id, not
    // for any change nor for the first wake-up: the notify of the previous answer can come after this thread has read
    // that answer and is already waiting for the next one (it saw SLOT.done change before the notify), and a stale
    // wake-up taken for this answer read the previous one ('acquired' for a lock the thread had not yet tried).
    const ticket = request.id | 0;
    this.#post(request);
    for (let seen = Atomics.load(this.#state, SLOT.done); seen !== ticket; seen = Atomics.load(this.#state, SLOT.done)) {
      Atomics.wait(this.#state, SLOT.done, seen);
    }
    const outcome = OUTCOMES[Atomics.load(this.#state, SLOT.outcome)] as Outcome;
    if (outcome === 'failed') throw win32Error(this.#k32, Atomics.load(this.#state, SLOT.errno), syscall, what);
    // Never take an answer meant for another kind of request for this one (a 'released' read as a lock acquired).
    if (!expected.includes(outcome)) {
      throw new Error(`The filemapping wait thread answered '${outcome}' to ${what} (expected ${expected.join(' or ')}): this is a bug`);
    }
    return { outcome, index: Atomics.load(this.#state, SLOT.index) };
  }
}
