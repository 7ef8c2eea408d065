/**
 * What named mutexes, semaphores and events share: one owner for the handle, create-or-open by name with
 * `alreadyExisted` and `exclusive`, close, dispose, and the finalizer safety net. The OS is reached through the backend
 * (src/backend.ts): kernel objects on Windows, objects in shared memory on Linux.
 */
import type { z } from 'zod';
import { backend, type Backend, type NativeHandle, type SyncKind, type SyncObjectInfo, type SyncObjectRequest, type Waitable } from '../backend.js';
import { OwnedHandle } from '../core/owned-handle.js';
import type { ExpectedOwner, ObjectOwner } from '../core/owner.js';
import { lazy, zod } from '../core/zod.js';
import { ObjectClosedError, PlatformNotSupportedError } from '../errors.js';
import { expectedOwnerSchema, nameSchema, parseOptions, securitySchema, type Same } from '../section/options.js';

/** The longest timeout a wait takes in milliseconds (2^32 - 2: Win32's INFINITE is 2^32 - 1). */
const MAX_TIMEOUT_MS = 0xffff_fffe;

/** A timeout the waits take: Infinity, or whole milliseconds from 0 to 4294967294 (INFINITE is 4294967295). */
export function isTimeoutMs(ms: unknown): ms is number {
  return ms === Infinity || (typeof ms === 'number' && Number.isInteger(ms) && ms >= 0 && ms <= MAX_TIMEOUT_MS);
}

/** The schemas, built on first use (see zod.ts). */
const schemas = lazy(() => {
  const z = zod();
  // A custom check, not z.number(): zod's number refuses Infinity, which is a timeout (and the default) here.
  const timeout = z.custom<number>(isTimeoutMs, { error: 'Expected milliseconds: an integer from 0 to 4294967294, or Infinity' }).default(Infinity);
  return {
    timeout,
    /** Options shared by every create(). */
    createBase: z.strictObject({
      /** Fail with ERROR_ALREADY_EXISTS instead of opening an existing object of this name. */
      exclusive: z.boolean({ error: 'Expected a boolean' }).default(false),
      /** The object's security descriptor in SDDL; default: the caller's default DACL. */
      security: securitySchema().optional(),
      /** Child processes created with handle inheritance inherit the handle. */
      inheritable: z.boolean({ error: 'Expected a boolean' }).default(false),
    }),
    /** Options every named object's open() takes. */
    openObject: z.strictObject({
      /** Refuse the object unless this is its owner (READ_CONTROL is asked for too). */
      expectedOwner: expectedOwnerSchema().optional(),
    }),
    asyncWait: z.strictObject(
      {
        timeoutMs: timeout,
        signal: z.instanceof(AbortSignal, { error: 'Expected an AbortSignal' }).optional(),
      },
      // Not zod's "expected object, received number": what the options are.
      { error: (issue) => (issue.code === 'invalid_type' ? 'Expected options: { timeoutMs?, signal? }' : undefined) },
    ),
    syncWait: z.strictObject({ timeoutMs: timeout }),
  };
});
/** A wait's timeout in milliseconds: 0 to 4294967294, or Infinity (the default) to wait forever. */
export const timeoutSchema = (): ReturnType<typeof schemas>['timeout'] => schemas().timeout;
export const createBaseSchema = (): ReturnType<typeof schemas>['createBase'] => schemas().createBase;
export const openObjectSchema = (): ReturnType<typeof schemas>['openObject'] => schemas().openObject;
export const asyncWaitSchema = (): ReturnType<typeof schemas>['asyncWait'] => schemas().asyncWait;

/** Options every named object's create() takes. */
export interface SecurityCreateOptions {
  /** Fail with ERROR_ALREADY_EXISTS instead of opening an existing object of this name. */
  exclusive?: boolean;
  /** The object's security descriptor in SDDL, e.g. 'D:P(A;;GA;;;OW)'; default: the caller's default DACL. */
  security?: string;
  /** Child processes created with handle inheritance inherit the handle; default false. */
  inheritable?: boolean;
}

/** The options of NamedMutex.open(), NamedEvent.open() and NamedSemaphore.open(). */
export interface OpenObjectOptions {
  /**
   * Refuse the object unless it is owned by this: 'current-user' (this process's user, or its token's default
   * owner), 'system', 'administrators', or a SID string. Otherwise open() closes the handle and throws an
   * UnexpectedOwnerError (the name may have been squatted). With it, open() also asks for READ_CONTROL, which
   * reading the owner needs.
   */
  expectedOwner?: ExpectedOwner;
}
/** OpenObjectOptions as the schema gives them (written by hand: see ParsedCreateOptions in section/options.ts). */
export interface ParsedOpenObjectOptions {
  expectedOwner?: ExpectedOwner | undefined;
}
const inStep: Same<ParsedOpenObjectOptions, z.output<ReturnType<typeof openObjectSchema>>> = true;
void inStep;

/** Options of the asynchronous waits. */
export interface AsyncWaitOptions {
  /** Milliseconds to wait; default Infinity. A timeout is a result ('timeout'), not an exception. */
  timeoutMs?: number;
  /** Cancels the wait: the promise rejects with the signal's reason, and nothing stays acquired. */
  signal?: AbortSignal;
}

/** AsyncWaitOptions as the schema gives them. */
export interface ParsedAsyncWaitOptions {
  timeoutMs: number;
  signal?: AbortSignal | undefined;
}
const asyncInStep: Same<ParsedAsyncWaitOptions, z.output<ReturnType<typeof asyncWaitSchema>>> = true;
void asyncInStep;

/**
 * Validates an asynchronous wait's options of a mutex, an event or a semaphore: `{ timeoutMs?, signal? }`, or a number
 * of milliseconds, as their synchronous forms take (`wait(1000)`, `waitAsync(1000)`). Any other value that is not an
 * object is taken for a timeout too, so that the message says what a timeout is.
 */
export function parseAsyncWait(options: AsyncWaitOptions | number | undefined, context: string): ParsedAsyncWaitOptions {
  const value: unknown = options;
  const given = value === undefined || value === null || typeof value === 'object' ? value : { timeoutMs: value };
  return parseOptions(asyncWaitSchema, given, context);
}

/** Validates a sync wait's timeout: milliseconds, or Infinity. */
export function parseTimeout(timeoutMs: unknown, context: string): number {
  return parseOptions(schemas().syncWait, { timeoutMs }, context).timeoutMs;
}

/** The wait thread's form of a timeout: -1 for forever. */
export function workerTimeout(timeoutMs: number): number {
  return timeoutMs === Infinity ? -1 : timeoutMs;
}

/** What a subclass's constructor gets: the backend that made the object, and what it made. */
export interface Created {
  backend: Backend;
  info: SyncObjectInfo;
  name: string | undefined;
}

/** Creates an object of `request.kind` through the backend (after the checks every create() makes). */
export function createObject(request: SyncObjectRequest): Created {
  if (request.name !== undefined) parseOptions(nameSchema, request.name, `${request.kind} name`);
  const system = backend();
  const unsupported = system.sync.unsupportedOptions(request)[0];
  if (unsupported) throw new PlatformNotSupportedError(system.platform, unsupported);
  const what = `creating ${request.name === undefined ? `an anonymous ${request.kind}` : `${request.kind} "${request.name}"`}`;
  return { backend: system, info: system.sync.createObject(request, what), name: request.name };
}

/**
 * Opens an existing object of `kind` by name. With an expected owner, an object owned by anyone else is closed and
 * refused with an UnexpectedOwnerError.
 */
export function openObject(kind: SyncKind, name: string, options: ParsedOpenObjectOptions = {}): Created {
  parseOptions(nameSchema, name, `${kind} name`);
  const system = backend();
  return { backend: system, info: system.sync.openObject(kind, name, options.expectedOwner, `opening ${kind} "${name}"`), name };
}

/** @internal What the waits on `object` wait on, for a Channel that waits on its events with other things. */
export let waitableOf: (object: KernelObject) => Waitable;

/** A named object's handle with one owner. */
export abstract class KernelObject implements Disposable {
  /** The object's name, or undefined for an anonymous one. */
  readonly name: string | undefined;
  /** True when create() found an object of this name and opened it; always true for open(). */
  readonly alreadyExisted: boolean;

  protected readonly backend: Backend;
  /** What the waits wait on: the handle on Windows, the object's words on Linux. */
  protected readonly waitable: Waitable;
  /** The handle: owned by this object, held open by each wait in progress (closing it under a wait is undefined). */
  readonly #handle: OwnedHandle<NativeHandle>;
  readonly #native: NativeHandle;
  readonly #noun: SyncKind;
  /** Aborted by close(): cancels the asynchronous waits in progress. */
  readonly #closing = new AbortController();

  protected constructor(created: Created, noun: SyncKind) {
    this.backend = created.backend;
    this.name = created.name;
    this.alreadyExisted = created.info.alreadyExisted;
    this.waitable = created.info.waitable;
    this.#native = created.info.handle;
    this.#noun = noun;
    const { backend: system, name } = created;
    const what = this.describe();
    this.#handle = new OwnedHandle(created.info.handle, (handle) => system.sync.closeObject(handle, what, name), this);
  }

  /** The handle, for the raw layer `filemapping/win32` (on Linux, the object's file descriptor). Owned by this object. */
  get handle(): bigint {
    return BigInt(this.checkOpen('use the handle of'));
  }

  /** True once close() has run. */
  get closed(): boolean {
    return this.#handle.value === undefined;
  }

  /**
   * Who owns the object: its SID and, when the system knows it, the account's name (on Linux the owning user, as the
   * SID S-1-22-1-UID). Undefined when it has none, which Windows never leaves a named object without but Wine does.
   * On Windows it needs READ_CONTROL on the handle: create() has it, open() asks for it only with `expectedOwner`.
   */
  owner(): ObjectOwner | undefined {
    return this.backend.sync.objectOwner(this.checkOpen('read the owner of'), this.describe(), this.name);
  }

  /**
   * Closes the handle. Idempotent. The object lives on while other handles to it exist. Asynchronous waits in
   * progress reject with ObjectClosedError, and the handle is closed once the wait thread has let go of it (closing
   * a handle under a pending wait is undefined behaviour in Win32).
   */
  close(): void {
    if (this.closed) return;
    if (this.#handle.holders > 0) this.#closing.abort(new ObjectClosedError(this.#noun, `wait on ${this.describe()}`));
    this.#handle.letGo();
  }

  /**
   * Runs an asynchronous wait on the object, cancelled by `signal` or by close(). The handle stays open until the wait
   * has settled.
   */
  protected async waitOnHandle<T>(signal: AbortSignal | undefined, wait: (waitable: Waitable, signal: AbortSignal) => Promise<T>): Promise<T> {
    this.checkOpen('wait on');
    // A signal of this wait's own: listeners are added to it, never to the object's closing signal (one per pending
    // wait would warn of a leak past ten).
    const combined = AbortSignal.any(signal ? [signal, this.#closing.signal] : [this.#closing.signal]);
    this.#handle.hold();
    try {
      return await wait(this.waitable, combined);
    } finally {
      try {
        this.#handle.release();
      } catch {
        // The object was closed during the wait, which rejected with ObjectClosedError: that is what the caller sees.
      }
    }
  }

  /** The same as close(): what a `using` declaration calls at the end of its block. */
  [Symbol.dispose](): void {
    this.close();
  }

  /** The native handle while a wait holds it, even after close() (a cancelled wait's giveBack). */
  protected heldNative(): NativeHandle {
    return this.#native;
  }

  protected checkOpen(operation: string): NativeHandle {
    const handle = this.#handle.value;
    if (handle === undefined) throw new ObjectClosedError(this.#noun, `${operation} ${this.describe()}`);
    return handle;
  }

  protected describe(): string {
    return this.name === undefined ? `an anonymous ${this.#noun}` : `${this.#noun} "${this.name}"`;
  }

  static {
    waitableOf = (object) => object.waitable;
  }
}
