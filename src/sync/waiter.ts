/**
 * The main thread's side of the wait threads (each OS's: win32/waiter-worker.ts, posix/waiter-worker.ts), started on
 * first use, as many as the pending waits need: each one waits on at most its platform's `capacity` distinct objects at
 * once, and every pending wait is in one thread's wait, so each is tried in every round however many there are.
 *
 * Asynchronous waits go there so that the event loop never blocks; mutex waits (synchronous ones too) go there so that
 * the thread that acquired a mutex is the one that releases it, and `await lock()` then `unlock()` always works.
 *
 * A thread's code travels with the package as a string (written by the build from the OS's waiter-worker.ts) and is
 * evaluated by `new Worker(source, { eval: true })`: no file of the package is looked up at run
 * time, so the package works bundled into one file and from inside an asar archive. A thread that cannot start fails
 * the call that needed it, with the thread's own error; it never raises an uncaught 'error' event.
 */
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import { backend, type Waitable, type WaitThreadPlatform } from '../backend.js';
import {
  FAILURE_TEXT_BYTES,
  OUTCOMES,
  READY,
  readStartFailure,
  SHARED_BYTES,
  SLOT,
  SLOTS_BYTES,
  START_FAILED,
  type Outcome,
  type WaiterReply,
  type WaiterRequest,
} from './waiter-protocol.js';

/** How long the first use waits for a thread to start before giving up with an error. */
const START_TIMEOUT_MS = 30_000;

/** What a wait ends with: the object was signalled, or was a mutex its holder left without releasing, or time ran out. */
export type WaitResult = 'signaled' | 'abandoned' | 'timeout';

/** What a synchronous wait can be answered, besides 'failed'. */
const WAIT_OUTCOMES: readonly WaitResult[] = ['signaled', 'abandoned', 'timeout'];

let nextId = 1;

/**
 * The thread's code, run so that whatever it throws before it is ready (koffi that cannot be loaded, say) is written
 * where the main thread, blocked until the thread is ready, reads it (readStartFailure()), instead of leaving it
 * waiting.
 *
 * A worker inherits its host's --input-type: under `node --input-type=module -e`, or a tool that runs code that way,
 * the string is evaluated as a module, where there is no require(). The code takes require() as a parameter, made
 * from node:module there (process.getBuiltinModule: Node 20.16 and later).
 */
function guarded(source: string): string {
  return `"use strict";
(function (require) {
const { workerData } = require('node:worker_threads');
try {
  (function () {
${source}
  })();
} catch (error) {
  const state = new Int32Array(workerData.shared);
  if (Atomics.load(state, ${SLOT.ready}) === 0) {
    const text = Buffer.from(error instanceof Error ? error.name + ': ' + error.message : String(error), 'utf8').subarray(0, ${FAILURE_TEXT_BYTES});
    new Uint8Array(workerData.shared, ${SLOTS_BYTES}, ${FAILURE_TEXT_BYTES}).set(text);
    Atomics.store(state, ${SLOT.failureBytes}, text.length);
    Atomics.store(state, ${SLOT.ready}, ${START_FAILED});
    Atomics.notify(state, ${SLOT.ready});
  }
  throw error;
}
})(typeof require === 'function' ? require : process.getBuiltinModule('node:module').createRequire(process.execPath));`;
}

/** One wait thread: its worker, how it is woken, and the objects of the waits it has been given. */
class WaitThread {
  readonly #platform: WaitThreadPlatform;
  readonly #wakeup: ReturnType<WaitThreadPlatform['wakeup']>;
  readonly #port: MessagePort;
  readonly #state: Int32Array;
  readonly #worker: Worker;
  readonly #replies = new Map<number, (reply: WaiterReply) => void>();
  /** The distinct objects of this thread's pending waits (by key), with how many waits use each. */
  readonly #targets = new Map<string | bigint, number>();
  /** Set once the thread has ended or failed: it takes no more requests. */
  #gone: Error | undefined;

  constructor(platform: WaitThreadPlatform) {
    this.#platform = platform;
    const source = platform.source;
    if (source === undefined) {
      throw new Error('The filemapping wait thread runs from the built package (npm run build): this copy runs from source');
    }
    const path = platform.koffiPath();
    this.#wakeup = platform.wakeup();
    const shared = new SharedArrayBuffer(SHARED_BYTES);
    this.#state = new Int32Array(shared);
    const { port1, port2 } = new MessageChannel();
    this.#port = port1;
    this.#port.on('message', (reply: WaiterReply) => this.#replies.get(reply.id)?.(reply));
    this.#port.unref();
    try {
      this.#worker = new Worker(guarded(source), {
        eval: true,
        workerData: { ...this.#wakeup.data, port: port2, shared, koffiPath: path },
        transferList: [port2],
      });
    } catch (error) {
      this.#wakeup.dispose();
      port1.close();
      throw new Error(`The filemapping wait thread could not start: ${(error as Error).message}`, { cause: error });
    }
    this.#worker.unref();
    // Never an uncaught 'error' event in the host: a thread that fails ends its own waits with the error.
    this.#worker.on('error', (error) => this.#end(new Error(`The filemapping wait thread failed: ${error.message}`, { cause: error })));
    this.#worker.on('exit', (code) => this.#end(new Error(`The filemapping wait thread ended (exit code ${code})`)));
    const started = Atomics.wait(this.#state, SLOT.ready, 0, START_TIMEOUT_MS);
    const ready = Atomics.load(this.#state, SLOT.ready);
    if (ready !== READY) {
      const why = ready === START_FAILED ? readStartFailure(this.#state) : `it did not start within ${START_TIMEOUT_MS / 1000} s (${started})`;
      this.stop();
      throw new Error(
        `The filemapping wait thread could not start: ${why}. It loads koffi from ${path}: keep koffi installed beside the package (or the bundle) and unpacked from any asar archive`,
      );
    }
  }

  /** False once the thread has ended. */
  get alive(): boolean {
    return this.#gone === undefined;
  }

  /** How many of `targets` this thread is not waiting on yet. */
  newTargets(targets: readonly Waitable[]): number {
    return new Set(targets.map((target) => this.#platform.key(target)).filter((key) => !this.#targets.has(key))).size;
  }

  /** Whether a wait on `targets` fits beside this thread's other waits. */
  fits(targets: readonly Waitable[]): boolean {
    return this.alive && this.#targets.size + this.newTargets(targets) <= this.#platform.capacity;
  }

  /** Posts an asynchronous request; `answer` gets its reply. */
  post(request: WaiterRequest, answer?: (reply: WaiterReply) => void): void {
    if (this.#gone) throw this.#gone;
    if (answer) {
      const targets = request.op === 'wait' ? request.targets : [];
      this.#hold(targets, 1);
      this.#replies.set(request.id, (reply) => {
        this.#replies.delete(request.id);
        this.#hold(targets, -1);
        if (this.#replies.size === 0) this.#port.unref();
        answer(reply);
      });
      this.#port.ref();
    }
    this.#port.postMessage(request);
    this.#wakeup.wake();
  }

  /** Posts a synchronous request and blocks until the thread answers it: one of `expected`, or a thrown error. */
  sync(request: WaiterRequest, what: string, expected: readonly Outcome[]): { outcome: Outcome; index: number } {
    if (this.#gone) throw this.#gone;
    // The thread answers by writing the request's id (as an Int32) to SLOT.done, then notifying. Wait for that id, not
    // for any change nor for the first wake-up: the notify of the previous answer can come after this thread has read
    // that answer and is already waiting for the next one (it saw SLOT.done change before the notify), and a stale
    // wake-up taken for this answer read the previous one ('acquired' for a lock the thread had not yet tried).
    const ticket = request.id | 0;
    const targets = request.op === 'wait' ? request.targets : [];
    this.#hold(targets, 1);
    try {
      this.#port.postMessage(request);
      this.#wakeup.wake();
      for (let seen = Atomics.load(this.#state, SLOT.done); seen !== ticket; seen = Atomics.load(this.#state, SLOT.done)) {
        Atomics.wait(this.#state, SLOT.done, seen);
      }
    } finally {
      this.#hold(targets, -1);
    }
    const outcome = OUTCOMES[Atomics.load(this.#state, SLOT.outcome)] as Outcome;
    if (outcome === 'failed') throw this.#platform.failure(Atomics.load(this.#state, SLOT.errno), request.op === 'release' ? 'release' : 'wait', what);
    // Never take an answer meant for another kind of request for this one (a 'released' read as a lock acquired).
    if (!expected.includes(outcome)) {
      throw new Error(`The filemapping wait thread answered '${outcome}' to ${what} (expected ${expected.join(' or ')}): this is a bug`);
    }
    return { outcome, index: Atomics.load(this.#state, SLOT.index) };
  }

  /** Asks the thread to stop (it sleeps in a native wait that worker termination cannot interrupt). */
  stop(): void {
    if (this.#gone === undefined) this.#gone = new Error('The filemapping wait threads are stopping');
    this.#port.postMessage({ op: 'stop', id: 0, sync: false } satisfies WaiterRequest);
    this.#wakeup.wake();
  }

  /** The error for a native failure this thread answered. */
  failure(errno: number, what: string): Error {
    return this.#platform.failure(errno, 'wait', what);
  }

  #hold(targets: readonly Waitable[], delta: 1 | -1): void {
    for (const key of new Set(targets.map((target) => this.#platform.key(target)))) {
      const count = (this.#targets.get(key) ?? 0) + delta;
      if (count > 0) this.#targets.set(key, count);
      else this.#targets.delete(key);
    }
  }

  /** The thread ended: its pending waits fail with `error`. */
  #end(error: Error): void {
    this.#gone ??= error;
    for (const [id, answer] of [...this.#replies]) {
      this.#replies.delete(id);
      answer({ id, outcome: 'failed', errno: 0, error: this.#gone.message });
    }
  }
}

/** The wait threads of this process. */
export class Waiter {
  static #instance: Waiter | undefined;

  readonly #platform: WaitThreadPlatform;
  readonly #threads: WaitThread[] = [];
  /** The thread that acquired each mutex (by key) this process holds: only that thread can release it. */
  readonly #owners = new Map<string | bigint, WaitThread>();

  /** The process's wait threads (the first one started on first use). */
  static get(): Waiter {
    Waiter.#instance ??= new Waiter();
    return Waiter.#instance;
  }

  private constructor() {
    this.#platform = backend().sync.threads;
    this.#threadFor([]);
    process.once('exit', () => {
      for (const thread of this.#threads) thread.stop();
    });
  }

  /** How many wait threads run (for the tests). */
  get threads(): number {
    return this.#threads.filter((thread) => thread.alive).length;
  }

  /**
   * Waits on a wait thread, blocking this thread until it answers. `mutex`: the wait acquires a mutex, which
   * releaseMutex() then releases on the same thread.
   */
  waitSync(target: Waitable, timeoutMs: number, what: string, mutex = false): WaitResult {
    const thread = this.#threadFor([target]);
    const request: WaiterRequest = { op: 'wait', id: nextId++, targets: [target], timeoutMs, sync: true };
    const result = thread.sync(request, what, WAIT_OUTCOMES).outcome as WaitResult;
    if (mutex && result !== 'timeout') this.#owners.set(this.#platform.key(target), thread);
    return result;
  }

  /** Releases a mutex that a wait thread acquired, on that thread. */
  releaseMutex(target: Waitable, what: string): void {
    const key = this.#platform.key(target);
    const thread = this.#owners.get(key);
    if (!thread) throw new Error(`Cannot release ${what}: no wait thread of this process acquired it (this is a bug)`);
    this.#owners.delete(key);
    thread.sync({ op: 'release', id: nextId++, target, sync: true }, what, ['released']);
  }

  /**
   * Waits on a wait thread without blocking. On abort, the wait is cancelled; if the thread acquired the object
   * before it saw the cancellation, `giveBack` undoes that (releases the mutex, the semaphore count, sets the
   * event again) before the promise rejects with the signal's reason.
   */
  wait(target: Waitable, timeoutMs: number, what: string, signal: AbortSignal | undefined, giveBack: () => void, mutex = false): Promise<WaitResult> {
    return this.waitAny([target], timeoutMs, what, signal, giveBack, mutex).then(({ result }) => result);
  }

  /** wait() for the first of a few objects; `index` says which one ended the wait. */
  waitAny(
    targets: Waitable[],
    timeoutMs: number,
    what: string,
    signal: AbortSignal | undefined,
    giveBack: (index: number) => void,
    mutex = false,
  ): Promise<{ result: WaitResult; index: number }> {
    signal?.throwIfAborted();
    const thread = this.#threadFor(targets);
    const id = nextId++;
    return new Promise<{ result: WaitResult; index: number }>((resolve, reject) => {
      const onAbort = () => thread.post({ op: 'cancel', id: nextId++, target: id, sync: false });
      thread.post({ op: 'wait', id, targets, timeoutMs, sync: false }, (reply) => {
        signal?.removeEventListener('abort', onAbort);
        if (reply.outcome === 'failed') {
          reject(reply.error === undefined ? thread.failure(reply.errno ?? 0, what) : new Error(reply.error));
          return;
        }
        if (reply.outcome === 'cancelled') {
          reject(signal?.reason);
          return;
        }
        const index = reply.index ?? 0;
        if (mutex && reply.outcome !== 'timeout') this.#owners.set(this.#platform.key(targets[index] as Waitable), thread);
        if (signal?.aborted && reply.outcome !== 'timeout') {
          giveBack(index);
          reject(signal.reason);
        } else {
          resolve({ result: reply.outcome as WaitResult, index });
        }
      });
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /**
   * A thread for a wait on `targets`: one already waiting on all of them (the copies cost no room), else the first
   * with room, else a new one.
   */
  #threadFor(targets: readonly Waitable[]): WaitThread {
    const live = this.#threads.filter((thread) => thread.alive);
    const thread = live.find((t) => targets.length > 0 && t.newTargets(targets) === 0 && t.fits(targets)) ?? live.find((t) => t.fits(targets));
    if (thread) return thread;
    const started = new WaitThread(this.#platform);
    this.#threads.push(started);
    return started;
  }
}
