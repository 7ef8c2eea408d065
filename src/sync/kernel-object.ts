/**
 * What named mutexes, semaphores and events share: one owner for the handle, create-or-open by name with
 * `alreadyExisted` and `exclusive`, close, dispose, and the finalizer safety net.
 */
import type { z } from 'zod';
import { ObjectClosedError, type ObjectKind } from '../errors.js';
import { expectedOwnerSchema, nameSchema, parseOptions, securitySchema } from '../section/options.js';
import type { ExpectedOwner, ObjectOwner } from '../core/owner.js';
import { checkOwner, readOwner } from '../win32/owner.js';
import { withSecurityAttributes } from '../win32/security.js';
import { win32Error } from '../win32/errors.js';
import { OwnedHandle } from '../core/owned-handle.js';
import { lazy, zod } from '../core/zod.js';
import { ERROR_ALREADY_EXISTS, ERROR_SUCCESS, INFINITE, READ_CONTROL, SYNCHRONIZE } from '../win32/constants.js';
import { kernel32, type HANDLE, type Kernel32 } from '../win32/kernel32.js';


/** The schemas, built on first use (see zod.ts). */
const schemas = lazy(() => {
  const z = zod();
  const timeout = z
    .number({ error: 'Expected milliseconds: a number from 0 to 4294967294, or Infinity' })
    .refine((ms) => ms === Infinity || (Number.isInteger(ms) && ms >= 0 && ms < INFINITE), {
      error: 'Expected milliseconds: an integer from 0 to 4294967294, or Infinity',
    })
    .default(Infinity);
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
    asyncWait: z.strictObject({
      timeoutMs: timeout,
      signal: z.instanceof(AbortSignal, { error: 'Expected an AbortSignal' }).optional(),
    }),
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
export type ParsedOpenObjectOptions = z.output<ReturnType<typeof openObjectSchema>>;

/** Options of the asynchronous waits. */
export interface AsyncWaitOptions {
  /** Milliseconds to wait; default Infinity. A timeout is a result ('timeout'), not an exception. */
  timeoutMs?: number;
  /** Cancels the wait: the promise rejects with the signal's reason, and nothing stays acquired. */
  signal?: AbortSignal;
}

/** Validates a sync wait's timeout and converts it to a DWORD (INFINITE for Infinity). */
export function parseTimeout(timeoutMs: unknown, context: string): number {
  const ms = parseOptions(schemas().syncWait, { timeoutMs }, context).timeoutMs;
  return ms === Infinity ? INFINITE : ms;
}

/** The wait thread's form of a timeout: -1 for forever. */
export function workerTimeout(timeoutMs: number): number {
  return timeoutMs === Infinity ? -1 : timeoutMs;
}

/** How a subclass creates or opens its kind of object. */
export interface KernelObjectKind {
  /** 'mutex', 'semaphore', 'event': for messages, and the hint of ERROR_ALREADY_EXISTS. */
  noun: Extract<ObjectKind, 'mutex' | 'semaphore' | 'event'>;
  createFunction: string;
  openFunction: string;
  /** The rights open() asks for. */
  openAccess: number;
}

export interface Created {
  k32: Kernel32;
  handle: bigint;
  name: string | undefined;
  alreadyExisted: boolean;
}

/** Calls a Create*W function and turns its result into a handle or a Win32Error. */
export function createNamed(
  kind: KernelObjectKind,
  name: string | undefined,
  options: { exclusive: boolean; security?: string | undefined; inheritable: boolean },
  create: (k32: Kernel32, attributes: Buffer | null, name: string | null) => HANDLE,
): Created {
  const exclusive = options.exclusive;
  if (name !== undefined) parseOptions(nameSchema, name, `${kind.noun} name`);
  const k32 = kernel32();
  const what = `creating ${name === undefined ? `an anonymous ${kind.noun}` : `${kind.noun} "${name}"`}`;
  const [handle, errno] = withSecurityAttributes(k32, options, what, (attributes) => {
    k32.SetLastError(ERROR_SUCCESS);
    const created = create(k32, attributes, name ?? null);
    return [created, k32.GetLastError()] as const;
  });
  if (handle === null) throw win32Error(k32, errno, kind.createFunction, what, name);
  const alreadyExisted = errno === ERROR_ALREADY_EXISTS;
  if (alreadyExisted && exclusive) {
    k32.CloseHandle(handle);
    const action = `${what} (exclusive)`;
    throw win32Error(k32, errno, kind.createFunction, action, name, kind.noun);
  }
  return { k32, handle, name, alreadyExisted };
}

/**
 * Calls an Open*W function with SYNCHRONIZE and the kind's rights, and READ_CONTROL when the owner is to be checked
 * (GetSecurityInfo needs it); a handle whose owner is not the expected one is closed before the error is thrown.
 */
export function openNamed(
  kind: KernelObjectKind,
  name: string,
  open: (k32: Kernel32, access: number, name: string) => HANDLE,
  options: ParsedOpenObjectOptions = {},
): Created {
  parseOptions(nameSchema, name, `${kind.noun} name`);
  const k32 = kernel32();
  const expectedOwner = options.expectedOwner;
  const handle = open(k32, SYNCHRONIZE | kind.openAccess | (expectedOwner === undefined ? 0 : READ_CONTROL), name);
  const errno = k32.GetLastError();
  if (handle === null) throw win32Error(k32, errno, kind.openFunction, `opening ${kind.noun} "${name}"`, name);
  if (expectedOwner !== undefined) checkOwner(k32, handle, expectedOwner, `${kind.noun} "${name}"`, name);
  return { k32, handle, name, alreadyExisted: true };
}

/** A kernel object handle with one owner. */
export abstract class KernelObject implements Disposable {
  /** The object's name, or undefined for an anonymous one. */
  readonly name: string | undefined;
  /** True when create() found an object of this name and opened it; always true for open(). */
  readonly alreadyExisted: boolean;

  protected readonly k32: Kernel32;
  /** The handle: owned by this object, held open by each wait in progress (closing it under a wait is undefined). */
  readonly #handle: OwnedHandle<bigint>;
  readonly #noun: string;
  /** Aborted by close(): cancels the asynchronous waits in progress. */
  readonly #closing = new AbortController();

  protected constructor(created: Created, noun: string) {
    this.k32 = created.k32;
    this.name = created.name;
    this.alreadyExisted = created.alreadyExisted;
    this.#noun = noun;
    const { k32, name } = created;
    const what = this.describe();
    this.#handle = new OwnedHandle(
      created.handle,
      (handle) => {
        if (!k32.CloseHandle(handle)) throw win32Error(k32, k32.GetLastError(), 'CloseHandle', `closing ${what}`, name);
      },
      this,
    );
  }

  /** The handle, for `filemapping/win32`. Owned by this object: do not close it. */
  get handle(): bigint {
    return this.checkOpen('use the handle of');
  }

  /** True once close() has run. */
  get closed(): boolean {
    return this.#handle.value === undefined;
  }

  /**
   * Who owns the object (GetSecurityInfo): its SID and, when the system knows it, `DOMAIN\\name`. Undefined when it
   * has none, which Windows never leaves a named object without but Wine does (objects created without `security`).
   * Needs READ_CONTROL on the handle: create() has it, open() asks for it only with `expectedOwner` (otherwise
   * ERROR_ACCESS_DENIED).
   */
  owner(): ObjectOwner | undefined {
    return readOwner(this.k32, this.checkOpen('read the owner of'), this.describe(), this.name);
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
   * Runs an asynchronous wait on the handle, cancelled by `signal` or by close(). The handle stays open until the
   * wait has settled.
   */
  protected async waitOnHandle<T>(signal: AbortSignal | undefined, wait: (handle: bigint, signal: AbortSignal) => Promise<T>): Promise<T> {
    this.checkOpen('wait on');
    // A signal of this wait's own: listeners are added to it, never to the object's closing signal (one per pending
    // wait would warn of a leak past ten).
    const combined = AbortSignal.any(signal ? [signal, this.#closing.signal] : [this.#closing.signal]);
    const handle = this.#handle.hold();
    try {
      return await wait(handle, combined);
    } finally {
      try {
        this.#handle.release();
      } catch {
        // The object was closed during the wait, which rejected with ObjectClosedError: that is what the caller sees.
      }
    }
  }

  [Symbol.dispose](): void {
    this.close();
  }

  protected checkOpen(operation: string): bigint {
    const handle = this.#handle.value;
    if (handle === undefined) throw new ObjectClosedError(this.#noun, `${operation} ${this.describe()}`);
    return handle;
  }

  protected describe(): string {
    return this.name === undefined ? `an anonymous ${this.#noun}` : `${this.#noun} "${this.name}"`;
  }
}
