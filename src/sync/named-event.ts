/**
 * NamedEvent and NamedSemaphore: objects without an owner thread, so a synchronous wait runs on the calling thread and
 * an asynchronous one on a wait thread.
 */
import { lazy, zod } from '../core/zod.js';
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
} from './kernel-object.js';
import { Waiter } from './waiter.js';

/** A wait on an event or a semaphore ends signalled or timed out. */
export type SignalResult = 'signaled' | 'timeout';

abstract class Waitable extends KernelObject {
  /** Waits, blocking this thread, up to `timeoutMs` (default forever). A timeout is a result, not an exception. */
  wait(timeoutMs?: number): SignalResult {
    const ms = parseTimeout(timeoutMs, `${this.describe()}.wait() timeout`);
    this.checkOpen('wait on');
    const { result } = this.backend.sync.waitHere([this.waitable], ms, this.describe(), this.name);
    return result === 'timeout' ? 'timeout' : 'signaled';
  }

  /**
   * Waits without blocking the event loop (on the wait thread), up to `options.timeoutMs`, or up to `options`
   * milliseconds when it is a number (as wait() takes it). Rejects only on abort or a system failure.
   */
  async waitAsync(options: AsyncWaitOptions | number = {}): Promise<SignalResult> {
    const parsed = parseAsyncWait(options, `${this.describe()}.waitAsync() options`);
    const result = await this.waitOnHandle(parsed.signal, (waitable, signal) =>
      Waiter.get().wait(waitable, workerTimeout(parsed.timeoutMs), `waiting on ${this.describe()}`, signal, () => this.giveBack()),
    );
    return result === 'timeout' ? 'timeout' : 'signaled';
  }

  /** Undoes a wait that succeeded after it was cancelled (the handle is still open then, even after close()). */
  protected abstract giveBack(): void;
}

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

  private constructor(created: Created) {
    super(created, 'event');
    this.#manualReset = created.info.manualReset;
  }

  /** Creates the event, or opens the existing one of this name (`alreadyExisted`), unless `exclusive`. */
  static create(name: string | undefined, options: EventOptions = {}): NamedEvent {
    const parsed = parseOptions(eventOptionsSchema, options, 'NamedEvent.create() options');
    return new NamedEvent(createObject({ kind: 'event', name, ...parsed }));
  }

  /** Opens an existing event by name; with `expectedOwner`, only one owned by that user (see OpenObjectOptions). */
  static open(name: string, options: OpenObjectOptions = {}): NamedEvent {
    const parsed = parseOptions(openObjectSchema, options, 'NamedEvent.open() options');
    return new NamedEvent(openObject('event', name, parsed));
  }

  /** Signals the event (SetEvent). */
  set(): void {
    this.backend.sync.setEvent(this.checkOpen('set'), this.describe(), this.name);
  }

  /** Resets a manual-reset event (ResetEvent). */
  reset(): void {
    this.backend.sync.resetEvent(this.checkOpen('reset'), this.describe(), this.name);
  }

  protected giveBack(): void {
    // An auto-reset event consumed by a cancelled wait is set again; a manual-reset one was never consumed.
    if (this.#manualReset !== true) this.backend.sync.setEvent(this.heldNative(), this.describe(), this.name);
  }
}

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
    return new NamedSemaphore(createObject({ kind: 'semaphore', name, ...parsed }));
  }

  /** Opens an existing semaphore by name; with `expectedOwner`, only one owned by that user (see OpenObjectOptions). */
  static open(name: string, options: OpenObjectOptions = {}): NamedSemaphore {
    const parsed = parseOptions(openObjectSchema, options, 'NamedSemaphore.open() options');
    return new NamedSemaphore(openObject('semaphore', name, parsed));
  }

  /** Adds `releaseCount` (default 1) to the count (ReleaseSemaphore); returns the count before. Past the maximum: ERROR_TOO_MANY_POSTS. */
  release(releaseCount = 1): number {
    parseOptions(semaphoreSchemas().release, { releaseCount }, 'NamedSemaphore.release()');
    return this.backend.sync.releaseSemaphore(this.checkOpen('release'), releaseCount, this.describe(), this.name);
  }

  protected giveBack(): void {
    this.backend.sync.releaseSemaphore(this.heldNative(), 1, this.describe(), this.name);
  }
}
