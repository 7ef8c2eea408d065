/**
 * The package's error classes, the same on every operating system: few and distinct.
 *
 * - `SystemCallError`: a call into the operating system failed. `code` is portable (Node's code for the condition:
 *   'ENOENT', 'EEXIST', 'EACCES', 'ENOSPC', 'EINVAL'...), so that a program handles a missing name or a full disk the
 *   same way on Windows and Linux; the native detail comes with it (`errno`, `nativeCode`, `syscall`, the system's
 *   text). On Windows it is a `Win32Error`, on Linux and macOS a `PosixError`.
 * - `FileMappingValidationError`: options or arguments were refused before any native call.
 * - `ObjectClosedError`: a closed mapping or an unmapped view was used.
 * - `PlatformNotSupportedError`: the operation, or one of its options, does not exist on this operating system.
 * - `UnexpectedOwnerError`: open() found the object owned by someone else than `expectedOwner`.
 */
import type { z } from 'zod';
import { zod } from './core/zod.js';
import type { ObjectOwner } from './core/owner.js';

const SYSTEM_CALL_ERROR = Symbol.for('filemapping.SystemCallError');

/** The kinds of named object the package creates, for the hints that depend on the kind. */
export type ObjectKind = 'section' | 'mutex' | 'event' | 'semaphore' | 'channel';

/**
 * A name taken (EEXIST, ERROR_ALREADY_EXISTS) for an exclusive create(), by kind of object: the hint names the class to
 * open it with. (Windows reports it only for an object of the same kind; another kind with the name gives
 * ERROR_INVALID_HANDLE.)
 */
/** The hint of a view refused at a base address where something is already mapped (code 'EEXIST' on every OS). */
export const ADDRESS_IN_USE_HINT =
  'Something is already mapped in that range, and a view never replaces it: pick another address (one a view of this size was just unmapped from), or omit address.';

export const ALREADY_EXISTS_HINTS: Readonly<Record<ObjectKind, string>> = {
  section: 'A section with this name already exists: open it with FileMapping.open(), or pick another name.',
  mutex: 'A mutex with this name already exists: open it with NamedMutex.open(), or pick another name.',
  event: 'An event with this name already exists: open it with NamedEvent.open(), or pick another name.',
  semaphore: 'A semaphore with this name already exists: open it with NamedSemaphore.open(), or pick another name.',
  channel: 'A channel with this name already exists: join it with Channel.open(), or pick another name.',
};

/** What a SystemCallError is made of. */
export interface SystemCallErrorOptions {
  /** The native error number: a Win32 code (GetLastError), or errno. */
  errno: number;
  /** Its native name: 'ERROR_FILE_NOT_FOUND', 'ENOENT'. */
  nativeCode: string;
  /** The portable code: Node's code for the condition, or the native name when there is none. */
  code: string;
  /** The function that failed: 'OpenFileMappingW', 'shm_open'. */
  syscall: string;
  /** What was being done: `opening section "Local\\x"`. */
  action: string;
  /** The system's own text for the error. */
  systemMessage: string;
  /** The object's name or file path involved, if any. */
  path?: string | undefined;
  /** What to do about it, if known. */
  hint?: string | undefined;
}

/**
 * A call into the operating system failed. `code` is portable: the same on every OS for the same condition (Node's
 * convention: 'ENOENT' for a name nobody made, 'EEXIST' for a name taken, 'EACCES' when access is denied, 'ENOSPC'
 * when there is no room, 'EINVAL' for a value the system refused), or the native name when the condition has no
 * portable code. `errno` and `nativeCode` are the system's own ('ERROR_FILE_NOT_FOUND' on Windows, 'ENOENT' on Linux).
 */
export class SystemCallError extends Error {
  /** The portable code, e.g. 'ENOENT'. */
  readonly code: string;
  /** The native error number: 2 for ERROR_FILE_NOT_FOUND on Windows, 2 for ENOENT on Linux. */
  readonly errno: number;
  /** The native error's name: 'ERROR_FILE_NOT_FOUND' or 'ENOENT'. */
  readonly nativeCode: string;
  /** The function that failed, e.g. 'OpenFileMappingW' or 'shm_open'. */
  readonly syscall: string;
  /** The system's own text for the error. */
  readonly systemMessage: string;
  /** The object's name or the file path involved, if any. */
  readonly path: string | undefined;

  /** What it was made of, for retold(). */
  readonly #options: SystemCallErrorOptions;

  /** @internal Made by the package. */
  constructor(options: SystemCallErrorOptions, init?: { cause?: unknown }) {
    const system = options.systemMessage.trim().replace(/\s+$/u, '') || 'no system message';
    const hint = options.hint;
    // The system's text is a sentence: strerror's have no full stop, FormatMessage's do.
    const sentence = /[.!?]$/u.test(system) ? system : `${system}.`;
    super(`${options.syscall} failed ${options.action}: ${options.nativeCode} (${options.errno}): ${sentence}${hint ? ` ${hint}` : ''}`, init);
    this.code = options.code;
    this.errno = options.errno;
    this.nativeCode = options.nativeCode;
    this.syscall = options.syscall;
    this.systemMessage = system;
    this.path = options.path;
    this.#options = options;
  }

  /**
   * @internal The same failure told as part of something larger (a channel's event, for a channel): a new error of the
   * same class, with this one as its cause.
   */
  retold(action: string, path: string | undefined, hint: string | undefined): SystemCallError {
    const error = new SystemCallError({ ...this.#options, action, path, hint }, { cause: this });
    Object.setPrototypeOf(error, Object.getPrototypeOf(this) as object);
    return error;
  }
}
Object.defineProperty(SystemCallError.prototype, 'name', { value: 'SystemCallError' });
Object.defineProperty(SystemCallError.prototype, SYSTEM_CALL_ERROR, { value: true });

/** True for a SystemCallError (Win32Error, PosixError), also one made by another copy of the package or in another realm. */
export function isSystemCallError(value: unknown): value is SystemCallError {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[SYSTEM_CALL_ERROR] === true;
}

/** Options or arguments were refused before any native call. `cause` is the ZodError when zod found it. */
export class FileMappingValidationError extends TypeError {
  /** Always 'ERR_INVALID_ARG_VALUE', as Node's own errors for a refused value. */
  readonly code = 'ERR_INVALID_ARG_VALUE';
  /** Every problem found, one line each, naming the option. */
  readonly issues: readonly string[];

  constructor(context: string, issues: readonly string[], options?: { cause?: unknown }) {
    super(`Invalid ${context}:\n${issues.map((issue) => `  ✖ ${issue}`).join('\n')}`, options);
    this.issues = issues;
  }
}
Object.defineProperty(FileMappingValidationError.prototype, 'name', { value: 'FileMappingValidationError' });

/**
 * A FileMappingValidationError built from a ZodError, kept as `cause`. A function of its own, not a static of the class:
 * the published declarations must name no zod type, or a project's plain `tsc` checks zod's own declarations too.
 */
export function validationErrorFromZod(context: string, error: z.ZodError): FileMappingValidationError {
  const issues = zod()
    .prettifyError(error)
    .split('\n')
    .reduce<string[]>((lines, line) => {
      // prettifyError puts each issue on a "✖ message" line followed by "  → at path".
      if (line.startsWith('✖ ')) lines.push(line.slice(2));
      else if (line.trim().startsWith('→ at ') && lines.length > 0) {
        lines[lines.length - 1] = `${line.trim().slice(5)}: ${lines[lines.length - 1]}`;
      }
      return lines;
    }, []);
  return new FileMappingValidationError(context, issues, { cause: error });
}

/** A closed mapping or an unmapped view was used. */
export class ObjectClosedError extends Error {
  /** Always 'ERR_INVALID_STATE', as Node's own errors for an object in the wrong state. */
  readonly code = 'ERR_INVALID_STATE';

  constructor(what: string, operation: string) {
    super(`Cannot ${operation}: the ${what} is closed`);
  }
}
Object.defineProperty(ObjectClosedError.prototype, 'name', { value: 'ObjectClosedError' });

/** The operation, or one of its options, does not exist on this operating system (or the OS has no backend yet). */
export class PlatformNotSupportedError extends Error {
  /** Always 'ERR_FEATURE_UNAVAILABLE_ON_PLATFORM', as Node's own errors for what a platform lacks. */
  readonly code = 'ERR_FEATURE_UNAVAILABLE_ON_PLATFORM';
  /** The OS it ran on, as `process.platform` says it ('darwin', 'linux', 'win32'...). */
  readonly platform: string;
  /** The option or feature refused, when it is one option of an operation that exists here. */
  readonly option: string | undefined;

  /** Without `what`: the whole package needs another OS. With it: that option or feature does not exist here. */
  constructor(platform: string, what?: { option: string; reason: string }) {
    super(
      what === undefined
        ? `filemapping has no backend for ${platform}: sections, views and the objects around them work on Windows and Linux. Importing the package works everywhere (macOS is planned: see the docs on operating systems).`
        : `${what.option} is not available on ${platform}: ${what.reason}`,
    );
    this.platform = platform;
    this.option = what?.option;
  }
}
Object.defineProperty(PlatformNotSupportedError.prototype, 'name', { value: 'PlatformNotSupportedError' });

/** What an UnexpectedOwnerError is built from. */
export interface UnexpectedOwnerErrorOptions {
  /** The object, e.g. `section "Local\\x"`. */
  what: string;
  /** Its name. */
  path: string | undefined;
  /** Who owns it; undefined when its security descriptor names no owner. */
  owner: ObjectOwner | undefined;
  /** The `expectedOwner` option as given. */
  expectedOwner: string;
  /** The SIDs that option accepts. */
  accepted: readonly string[];
}

/**
 * open() with `expectedOwner` found the object owned by someone else: possibly name squatting, another process
 * having created the name first. The handle was closed before this was thrown.
 */
export class UnexpectedOwnerError extends Error {
  /** The owner found: its SID and, when the system knows it, `DOMAIN\name`; undefined when it has none. */
  readonly owner: ObjectOwner | undefined;
  /** The `expectedOwner` option as given, e.g. 'current-user'. */
  readonly expectedOwner: string;
  /** The SIDs it accepts (for 'current-user': the token's user and its default owner). */
  readonly accepted: readonly string[];
  /** The object's name. */
  readonly path: string | undefined;

  /** @internal Made by the package. */
  constructor(options: UnexpectedOwnerErrorOptions) {
    const owner = options.owner;
    const found =
      owner === undefined ? 'nobody (its security descriptor names no owner)' : owner.account === undefined ? owner.sid : `${owner.sid} (${owner.account})`;
    const wanted = options.expectedOwner.startsWith('S-') ? options.expectedOwner : `'${options.expectedOwner}' (${options.accepted.join(' or ')})`;
    super(
      `Refusing ${options.what}: it is owned by ${found}, but expectedOwner is ${wanted}. ` +
        'This may be name squatting: another process created the name before the one that should own it, to read ' +
        'what clients write or feed them its own data. The handle is closed; do not retry blindly. Find which ' +
        'process holds the name, and make the rightful owner create it before clients open it, with exclusive: true ' +
        'so that its create() fails instead of joining a squatter.',
    );
    this.owner = options.owner;
    this.expectedOwner = options.expectedOwner;
    this.accepted = options.accepted;
    this.path = options.path;
  }
}
Object.defineProperty(UnexpectedOwnerError.prototype, 'name', { value: 'UnexpectedOwnerError' });

/**
 * @internal The refusal of a write through a view that may not write: through a raw Buffer it would be a page fault
 * that kills the process.
 */
export function readOnlyView(method: string, view: string, access: string): FileMappingValidationError {
  return new FileMappingValidationError(`MappedView.${method}()`, [
    `access: ${view} is mapped with '${access}' access, which cannot write; map a view with 'write', 'all' or 'copy' access to write`,
  ]);
}
