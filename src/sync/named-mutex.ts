/**
 * NamedMutex: a Win32 mutex shared by name, locked and unlocked from anywhere in this process.
 *
 * A mutex belongs to the thread that acquired it, and only that thread may release it (a Win32 mutex, and the robust
 * pthread mutex of Linux alike). Every lock of this process is therefore taken by a wait thread (sync/waiter.ts), and
 * released by the same one: `await lockAsync()` then
 * `unlock()` always works, whatever thread the wait ran on. A Win32 mutex is also recursive for its owner thread,
 * which would let two locks of this process through at once; here the mutex is not recursive: within the process
 * a second lock waits for unlock(), as in any other process.
 */
import { parseOptions } from '../section/options.js';
import {
  createBaseSchema,
  createObject,
  KernelObject,
  openObject,
  openObjectSchema,
  parseAsyncWait,
  parseTimeout,
  workerTimeout,
  type AsyncWaitOptions,
  type Created,
  type SecurityCreateOptions,
  type OpenObjectOptions,
  type ParsedAsyncWaitOptions,
} from './kernel-object.js';
import { Turns } from './turns.js';
import { Waiter } from './waiter.js';

/**
 * 'acquired'; 'abandoned': acquired, but the previous holder ended (exited, was killed, crashed) without
 * unlocking, so the data it guards may be half-written and must be checked; or 'timeout': not acquired.
 */
export type LockResult = 'acquired' | 'abandoned' | 'timeout';

/** A lock that timed out inside withLock(), which cannot call its function without the lock. */
export class LockTimeoutError extends Error {
  constructor(what: string, timeoutMs: number) {
    super(`Timed out after ${timeoutMs} ms waiting for ${what}`);
  }
}
Object.defineProperty(LockTimeoutError.prototype, 'name', { value: 'LockTimeoutError' });

/** This process's turns at its mutexes, by kernel object (see turns.ts). */
export const turns = new Turns();

/** The options of NamedMutex.create(). */
export type MutexOptions = SecurityCreateOptions;

/** What withLock() passes to its function. */
export interface LockState {
  /** The previous holder ended without unlocking: check the data the mutex guards. */
  abandoned: boolean;
}

/**
 * A named mutex (CreateMutexW; a robust process-shared pthread mutex on Linux): one holder at a time, across
 * processes. A holder that ends without unlocking is reported to the next locker as `'abandoned'`. Locks are taken
 * and released by the package's wait threads, so `await lockAsync()` then `unlock()` works from any code of the
 * thread that locked; within a process locks take turns, as other processes' do (not recursive).
 */
export class NamedMutex extends KernelObject {
  readonly #key: string;
  #holding = false;

  private constructor(created: Created) {
    super(created, 'mutex');
    // "x" and "Local\x" are one object; an anonymous mutex is its own.
    this.#key = created.name === undefined ? `handle:${String(created.info.handle)}` : created.name.replace(/^Local\\/u, '');
  }

  /** Creates the mutex (not owned), or opens the existing one of this name (`alreadyExisted`), unless `exclusive`. */
  static create(name: string | undefined, options: MutexOptions = {}): NamedMutex {
    const parsed = parseOptions(createBaseSchema, options, 'NamedMutex.create() options');
    return new NamedMutex(createObject({ kind: 'mutex', name, ...parsed }));
  }

  /** Opens an existing mutex by name; with `expectedOwner`, only one owned by that user (see OpenObjectOptions). */
  static open(name: string, options: OpenObjectOptions = {}): NamedMutex {
    const parsed = parseOptions(openObjectSchema, options, 'NamedMutex.open() options');
    return new NamedMutex(openObject('mutex', name, parsed));
  }

  /** True while this object holds the lock. */
  get held(): boolean {
    return this.#holding;
  }

  /**
   * Locks, blocking this thread up to `timeoutMs` (default forever). The mutex is not recursive: while a lock of this
   * thread holds it or waits for it (through this object or another of the same name), a synchronous lock could only
   * time out, since the code that would unlock cannot run while it blocks, so it throws, whatever the timeout.
   */
  lock(timeoutMs?: number): LockResult {
    const ms = parseTimeout(timeoutMs, `${this.describe()}.lock() timeout`);
    this.checkOpen('lock');
    if (!turns.tryTake(this.#key)) {
      // Not 'timeout': that would say another process held it all along. On Windows the mutex, recursive for its owner
      // thread, would even let this lock through; here it is refused the same way on every OS.
      throw new Error(
        `Cannot lock ${this.describe()} synchronously: this thread already holds it or waits for it (the mutex is not recursive), and waiting would never end. Unlock it first, or use lockAsync(), which waits its turn`,
      );
    }
    let result;
    try {
      result = Waiter.get().waitSync(this.waitable, workerTimeout(ms), `locking ${this.describe()}`, true);
    } catch (error) {
      turns.pass(this.#key);
      throw error;
    }
    return this.#settle(result);
  }

  /**
   * Locks without blocking the event loop, up to `options.timeoutMs`, or up to `options` milliseconds when it is a
   * number (as lock() takes it). Resolves to 'acquired', 'abandoned' or 'timeout'; rejects on abort. While another
   * lock of this process holds the mutex, it waits its turn.
   */
  async lockAsync(options: AsyncWaitOptions | number = {}): Promise<LockResult> {
    return this.#lockAsync(parseAsyncWait(options, `${this.describe()}.lockAsync() options`));
  }

  #lockAsync(parsed: ParsedAsyncWaitOptions): Promise<LockResult> {
    return this.waitOnHandle(parsed.signal, async (waitable, signal) => {
      const started = performance.now();
      if (!(await turns.take(this.#key, parsed.timeoutMs, signal))) return 'timeout';
      const left = parsed.timeoutMs === Infinity ? Infinity : Math.max(0, Math.round(parsed.timeoutMs - (performance.now() - started)));
      let result;
      try {
        result = await Waiter.get().wait(
          waitable,
          workerTimeout(left),
          `locking ${this.describe()}`,
          signal,
          () => Waiter.get().releaseMutex(waitable, `releasing ${this.describe()} after a cancelled lock`),
          true,
        );
      } catch (error) {
        turns.pass(this.#key);
        throw error;
      }
      return this.#settle(result);
    });
  }

  /** Unlocks (ReleaseMutex on the thread that locked). Throws if this object does not hold the lock. */
  unlock(): void {
    if (!this.#holding) throw new Error(`Cannot unlock ${this.describe()}: this object does not hold it`);
    this.checkOpen('unlock');
    Waiter.get().releaseMutex(this.waitable, `unlocking ${this.describe()}`);
    this.#holding = false;
    turns.pass(this.#key);
  }

  /** Runs `fn` holding the lock, and always unlocks, even when fn throws. A timeout throws LockTimeoutError. */
  withLock<T>(fn: (state: LockState) => T, timeoutMs?: number): T {
    const result = this.lock(timeoutMs);
    if (result === 'timeout') throw new LockTimeoutError(this.describe(), timeoutMs ?? Infinity);
    try {
      return fn({ abandoned: result === 'abandoned' });
    } finally {
      this.unlock();
    }
  }

  /** The asynchronous withLock(): awaits fn, and always unlocks. `options` as lockAsync()'s. */
  async withLockAsync<T>(fn: (state: LockState) => T | Promise<T>, options: AsyncWaitOptions | number = {}): Promise<T> {
    const parsed = parseAsyncWait(options, `${this.describe()}.withLockAsync() options`);
    const result = await this.#lockAsync(parsed);
    if (result === 'timeout') throw new LockTimeoutError(this.describe(), parsed.timeoutMs);
    try {
      return await fn({ abandoned: result === 'abandoned' });
    } finally {
      this.unlock();
    }
  }

  /** Closing while holding the lock unlocks first, so that no other process sees it abandoned. */
  override close(): void {
    if (this.#holding && !this.closed) this.unlock();
    super.close();
  }

  #settle(result: 'signaled' | 'abandoned' | 'timeout'): LockResult {
    if (result === 'timeout') {
      turns.pass(this.#key);
      return 'timeout';
    }
    this.#holding = true;
    return result === 'abandoned' ? 'abandoned' : 'acquired';
  }
}
