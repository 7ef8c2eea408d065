/**
 * NamedEvent and NamedSemaphore: kernel objects without an owner thread, so a synchronous wait runs on the calling
 * thread and an asynchronous one on the wait thread.
 */
import { parseOptions } from '../section/options.js';
import { win32Error } from '../win32/errors.js';
import { lazy, zod } from '../core/zod.js';
import { EVENT_MODIFY_STATE, SEMAPHORE_MODIFY_STATE, WAIT_FAILED, WAIT_OBJECT_0, WAIT_TIMEOUT } from '../win32/constants.js';
import {
  asyncWaitSchema,
  createBaseSchema,
  createNamed,
  KernelObject,
  openNamed,
  openObjectSchema,
  parseTimeout,
  workerTimeout,
  type AsyncWaitOptions,
  type Created,
  type SecurityCreateOptions,
  type KernelObjectKind,
  type OpenObjectOptions,
} from './kernel-object.js';
import { Waiter } from './waiter.js';

/** A wait on an event or a semaphore ends signalled or timed out. */
export type SignalResult = 'signaled' | 'timeout';

abstract class Waitable extends KernelObject {
  /** Waits, blocking this thread, up to `timeoutMs` (default forever). A timeout is a result, not an exception. */
  wait(timeoutMs?: number): SignalResult {
    const dword = parseTimeout(timeoutMs, `${this.describe()}.wait() timeout`);
    const handle = this.checkOpen('wait on');
    const result = this.k32.WaitForSingleObject(handle, dword);
    if (result === WAIT_OBJECT_0) return 'signaled';
    if (result === WAIT_TIMEOUT) return 'timeout';
    const errno = result === WAIT_FAILED ? this.k32.GetLastError() : 0;
    throw win32Error(this.k32, errno, 'WaitForSingleObject', `waiting on ${this.describe()}`, this.name);
  }

  /** Waits without blocking the event loop (on the wait thread). Rejects only on abort or a Win32 failure. */
  async waitAsync(options: AsyncWaitOptions = {}): Promise<SignalResult> {
    const parsed = parseOptions(asyncWaitSchema, options, `${this.describe()}.waitAsync() options`);
    const result = await this.waitOnHandle(parsed.signal, (handle, signal) =>
      Waiter.get().wait(handle, workerTimeout(parsed.timeoutMs), `waiting on ${this.describe()}`, signal, () => this.giveBack(handle)),
    );
    return result === 'timeout' ? 'timeout' : 'signaled';
  }

  /** Undoes a wait that succeeded after it was cancelled (the handle is still open then, even after close()). */
  protected abstract giveBack(handle: bigint): void;
}

const EVENT: KernelObjectKind = { noun: 'event', createFunction: 'CreateEventW', openFunction: 'OpenEventW', openAccess: EVENT_MODIFY_STATE };

const eventOptionsSchema = lazy(() =>
  createBaseSchema().extend({
    /** Stays signalled until reset() (true), or wakes one waiter and resets itself (false, the default). */
    manualReset: zod().boolean({ error: 'Expected a boolean' }).default(false),
    /** Starts signalled; default false. */
    initialState: zod().boolean({ error: 'Expected a boolean' }).default(false),
  }),
);
/** The options of NamedEvent.create(). */
export interface EventOptions extends SecurityCreateOptions {
  /** Stays signalled until reset() (true), or wakes one waiter and resets itself (false, the default). */
  manualReset?: boolean;
  /** Starts signalled; default false. */
  initialState?: boolean;
}

/** A named event (CreateEventW): auto-reset by default, or manual-reset. */
export class NamedEvent extends Waitable {
  readonly #manualReset: boolean | undefined;

  private constructor(created: Created, manualReset: boolean | undefined) {
    super(created, 'event');
    this.#manualReset = manualReset;
  }

  /** Creates the event, or opens the existing one of this name (`alreadyExisted`), unless `exclusive`. */
  static create(name: string | undefined, options: EventOptions = {}): NamedEvent {
    const parsed = parseOptions(eventOptionsSchema, options, 'NamedEvent.create() options');
    const created = createNamed(EVENT, name, parsed, (k32, attributes, n) => k32.CreateEventW(attributes, parsed.manualReset, parsed.initialState, n));
    return new NamedEvent(created, created.alreadyExisted ? undefined : parsed.manualReset);
  }

  /** Opens an existing event by name; with `expectedOwner`, only one owned by that user (see OpenObjectOptions). */
  static open(name: string, options: OpenObjectOptions = {}): NamedEvent {
    const parsed = parseOptions(openObjectSchema, options, 'NamedEvent.open() options');
    return new NamedEvent(
      openNamed(EVENT, name, (k32, access, n) => k32.OpenEventW(access, false, n), parsed),
      undefined,
    );
  }

  /** Signals the event (SetEvent). */
  set(): void {
    if (!this.k32.SetEvent(this.checkOpen('set'))) {
      throw win32Error(this.k32, this.k32.GetLastError(), 'SetEvent', `setting ${this.describe()}`, this.name);
    }
  }

  /** Resets a manual-reset event (ResetEvent). */
  reset(): void {
    if (!this.k32.ResetEvent(this.checkOpen('reset'))) {
      throw win32Error(this.k32, this.k32.GetLastError(), 'ResetEvent', `resetting ${this.describe()}`, this.name);
    }
  }

  protected giveBack(handle: bigint): void {
    // An auto-reset event consumed by a cancelled wait is set again; a manual-reset one was never consumed.
    if (this.#manualReset !== true) this.k32.SetEvent(handle);
  }
}

const SEMAPHORE: KernelObjectKind = {
  noun: 'semaphore',
  createFunction: 'CreateSemaphoreW',
  openFunction: 'OpenSemaphoreW',
  openAccess: SEMAPHORE_MODIFY_STATE,
};
/** The semaphore's schemas, built on first use (see zod.ts). */
const semaphoreSchemas = lazy(() => {
  const z = zod();
  const count = z.number({ error: 'Expected an integer from 0 to 2147483647' }).int().min(0).max(0x7fff_ffff);
  return {
    options: createBaseSchema()
      .extend({
        initialCount: count.default(0),
        maximumCount: count.min(1, { error: 'Must be at least 1' }).default(0x7fff_ffff),
      })
      .refine((o) => o.initialCount <= o.maximumCount, { error: 'initialCount must not exceed maximumCount', path: ['initialCount'] }),
    release: z.strictObject({ releaseCount: count.min(1, { error: 'Must be at least 1' }) }),
  };
});
/** The options of NamedSemaphore.create(). */
export interface SemaphoreOptions extends SecurityCreateOptions {
  /** Default 0. */
  initialCount?: number;
  /** Default 2147483647. */
  maximumCount?: number;
}

/** A named counting semaphore (CreateSemaphoreW). A wait takes one count; release() gives counts back. */
export class NamedSemaphore extends Waitable {
  private constructor(created: Created) {
    super(created, 'semaphore');
  }

  /** Creates the semaphore, or opens the existing one of this name (`alreadyExisted`), unless `exclusive`. */
  static create(name: string | undefined, options: SemaphoreOptions = {}): NamedSemaphore {
    const parsed = parseOptions(semaphoreSchemas().options, options, 'NamedSemaphore.create() options');
    return new NamedSemaphore(
      createNamed(SEMAPHORE, name, parsed, (k32, attributes, n) =>
        k32.CreateSemaphoreW(attributes, parsed.initialCount, parsed.maximumCount, n),
      ),
    );
  }

  /** Opens an existing semaphore by name; with `expectedOwner`, only one owned by that user (see OpenObjectOptions). */
  static open(name: string, options: OpenObjectOptions = {}): NamedSemaphore {
    const parsed = parseOptions(openObjectSchema, options, 'NamedSemaphore.open() options');
    return new NamedSemaphore(openNamed(SEMAPHORE, name, (k32, access, n) => k32.OpenSemaphoreW(access, false, n), parsed));
  }

  /** Adds `releaseCount` (default 1) to the count (ReleaseSemaphore); returns the count before. Past the maximum: ERROR_TOO_MANY_POSTS. */
  release(releaseCount = 1): number {
    parseOptions(semaphoreSchemas().release, { releaseCount }, 'NamedSemaphore.release()');
    const previous: [number] = [0];
    if (!this.k32.ReleaseSemaphore(this.checkOpen('release'), releaseCount, previous)) {
      throw win32Error(this.k32, this.k32.GetLastError(), 'ReleaseSemaphore', `releasing ${releaseCount} of ${this.describe()}`, this.name);
    }
    return previous[0];
  }

  protected giveBack(handle: bigint): void {
    this.k32.ReleaseSemaphore(handle, 1, null);
  }
}
