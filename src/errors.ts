/**
 * The package's error classes: few and distinct.
 *
 * - `Win32Error`: a kernel32 call failed; carries the Win32 code as `errno`, its name as `code`, the function as
 *   `syscall`, and a message with what was being done and the system's own text.
 * - `FileMappingValidationError`: options or arguments were refused before any native call.
 * - `ObjectClosedError`: a closed mapping or an unmapped view was used.
 * - `PlatformNotSupportedError`: the operation needs Windows.
 */
import type { z } from 'zod';
import { zod } from './core/zod.js';
import {
  ERROR_ACCESS_DENIED,
  ERROR_ALREADY_EXISTS,
  ERROR_BAD_EXE_FORMAT,
  ERROR_COMMITMENT_LIMIT,
  ERROR_FILE_INVALID,
  ERROR_FILE_NOT_FOUND,
  ERROR_INVALID_HANDLE,
  ERROR_MAPPED_ALIGNMENT,
  ERROR_NOT_ENOUGH_MEMORY,
  ERROR_PATH_NOT_FOUND,
  ERROR_PRIVILEGE_NOT_HELD,
  ERROR_USER_MAPPED_FILE,
  errorName,
} from './win32/constants.js';

const WIN32_ERROR = Symbol.for('filemapping.Win32Error');

/** Hints that depend on the function as well as the code, keyed `syscall:errno`; looked up before HINTS. */
const SYSCALL_HINTS: ReadonlyMap<string, string> = new Map([
  [`CreateFileW:${ERROR_FILE_NOT_FOUND}`, 'The file does not exist: pass `size` to create it, or check the path.'],
  [`CreateFileW:${ERROR_PATH_NOT_FOUND}`, 'A folder of the path does not exist.'],
  [
    `CreateFileW:${ERROR_ACCESS_DENIED}`,
    'The file cannot be opened for this protection: it may be read-only, a folder, or locked by another process.',
  ],
]);

/** The kinds of named object the package creates, for the hints that depend on the kind. */
export type ObjectKind = 'section' | 'mutex' | 'event' | 'semaphore' | 'channel';

/**
 * ERROR_ALREADY_EXISTS from an exclusive create(), by kind of object. Windows reports it only for an object of the
 * same kind (another kind with the name gives ERROR_INVALID_HANDLE), so the hint can name the class to open it with.
 */
const ALREADY_EXISTS_HINTS: Readonly<Record<ObjectKind, string>> = {
  section: 'A section with this name already exists: open it with FileMapping.open(), or pick another name.',
  mutex: 'A mutex with this name already exists: open it with NamedMutex.open(), or pick another name.',
  event: 'An event with this name already exists: open it with NamedEvent.open(), or pick another name.',
  semaphore: 'A semaphore with this name already exists: open it with NamedSemaphore.open(), or pick another name.',
  channel: 'A channel with this name already exists: join it with Channel.open(), or pick another name.',
};

/** Hints that depend on the kind of object as well as the code; looked up before HINTS when the kind is known. */
const KIND_HINTS: ReadonlyMap<number, Readonly<Record<ObjectKind, string>>> = new Map([[ERROR_ALREADY_EXISTS, ALREADY_EXISTS_HINTS]]);

/** What to do about the errors users meet most often; appended to the message. */
const HINTS: ReadonlyMap<number, string> = new Map([
  [
    ERROR_ALREADY_EXISTS,
    'An object with this name already exists: open it with the open() of its class (FileMapping, NamedMutex, NamedEvent, NamedSemaphore or Channel), or pick another name.',
  ],
  [
    ERROR_FILE_NOT_FOUND,
    'Nothing has this name: the object (section, mutex, event...) must be created first, and a name disappears when its last handle closes.',
  ],
  [
    ERROR_ACCESS_DENIED,
    'The object exists but this process may not use it that way: ask for less access (e.g. access: "read"), or check its security and the protection of the section. Creating a Global\\ section needs SeCreateGlobalPrivilege (services and administrators have it).',
  ],
  [
    ERROR_INVALID_HANDLE,
    'The name is taken by another kind of kernel object (a mutex, an event, a semaphore...): sections, mutexes, events and semaphores share one namespace, so pick another name.',
  ],
  [
    ERROR_MAPPED_ALIGNMENT,
    'The view offset (or base address) must be a multiple of the system allocation granularity.',
  ],
  [ERROR_BAD_EXE_FORMAT, "The file is not an executable image: the 'image' attributes are for .exe and .dll files."],
  [ERROR_FILE_INVALID, 'The file is empty: a file-backed section needs a size; pass `size` to grow the file.'],
  [
    ERROR_USER_MAPPED_FILE,
    'The file is mapped by a view, so it cannot be truncated or resized: unmap every view of it first.',
  ],
  [ERROR_COMMITMENT_LIMIT, 'The paging file is too small for a section of this size: ask for less, or use SEC_RESERVE.'],
  [ERROR_NOT_ENOUGH_MEMORY, 'The address space has no free range of this size: map a smaller view.'],
  [
    ERROR_PRIVILEGE_NOT_HELD,
    'A privilege is missing: large pages need SeLockMemoryPrivilege, Global\\ names need SeCreateGlobalPrivilege.',
  ],
]);

/** Options for constructing a Win32Error. */
export interface Win32ErrorOptions {
  /** The Win32 error code (GetLastError). */
  errno: number;
  /** The function that failed, e.g. 'OpenFileMappingW'. */
  syscall: string;
  /** What was being done, e.g. `opening section "Local\\x"`. */
  action: string;
  /** The system's text for the code (FormatMessageW); empty if none. */
  systemMessage: string;
  /** The section or file name involved, if any. */
  path?: string | undefined;
  /** The kind of object being created or opened, for the hints that depend on it (ERROR_ALREADY_EXISTS). */
  kind?: ObjectKind | undefined;
  /** What to do, where the call knows better than the tables below (an access already the least there is). */
  hint?: string | undefined;
}

function hintFor({ errno, syscall, kind, hint }: Win32ErrorOptions): string | undefined {
  return hint ?? SYSCALL_HINTS.get(`${syscall}:${errno}`) ?? (kind === undefined ? undefined : KIND_HINTS.get(errno)?.[kind]) ?? HINTS.get(errno);
}

/**
 * @internal `error` told about an object of `kind`, for an object built on another kind's create(): a Channel's
 * section is made by FileMapping.create(), but its ERROR_ALREADY_EXISTS should say Channel.open(). A new Win32Error
 * with `error` as `cause` when that changes the hint; anything else (another code, another error, a Win32Error of
 * another copy of the package) is returned as it is, so that a catch block can rethrow what this returns.
 */
export let withObjectKind: (error: unknown, kind: ObjectKind) => unknown;

/** A kernel32 call failed. */
export class Win32Error extends Error {
  /** The Win32 error code, e.g. 2. */
  readonly errno: number;
  /** Its symbolic name, e.g. 'ERROR_FILE_NOT_FOUND'. */
  readonly code: string;
  /** The function that failed, e.g. 'OpenFileMappingW'. */
  readonly syscall: string;
  /** The system's own text for the code, as FormatMessageW gives it. */
  readonly systemMessage: string;
  /** The section name or file path involved, if any. */
  readonly path: string | undefined;

  /** What it was built from, for withObjectKind(). */
  readonly #options: Win32ErrorOptions;

  /** `init.cause`: the error this one was made from, if any. */
  constructor(options: Win32ErrorOptions, init?: { cause?: unknown }) {
    const code = errorName(options.errno);
    const system = options.systemMessage.trim().replace(/\s+$/u, '') || 'no system message';
    const hint = hintFor(options);
    super(`${options.syscall} failed ${options.action}: ${code} (${options.errno}): ${system}${hint ? ` ${hint}` : ''}`, init);
    this.errno = options.errno;
    this.code = code;
    this.syscall = options.syscall;
    this.systemMessage = system;
    this.path = options.path;
    this.#options = options;
  }

  static {
    withObjectKind = (error, kind) => {
      if (typeof error !== 'object' || error === null || !(#options in error)) return error;
      const options = { ...error.#options, kind };
      return hintFor(options) === hintFor(error.#options) ? error : new Win32Error(options, { cause: error });
    };
  }
}
Object.defineProperty(Win32Error.prototype, 'name', { value: 'Win32Error' });
Object.defineProperty(Win32Error.prototype, WIN32_ERROR, { value: true });

/** True for a Win32Error, also one made by another copy of the package or in another realm. */
export function isWin32Error(value: unknown): value is Win32Error {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[WIN32_ERROR] === true;
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

  /** Builds the error from a ZodError, keeping it as `cause`. */
  static fromZod(context: string, error: z.ZodError): FileMappingValidationError {
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
}
Object.defineProperty(FileMappingValidationError.prototype, 'name', { value: 'FileMappingValidationError' });

/** A closed mapping or an unmapped view was used. */
export class ObjectClosedError extends Error {
  /** Always 'ERR_INVALID_STATE', as Node's own errors for an object in the wrong state. */
  readonly code = 'ERR_INVALID_STATE';

  constructor(what: string, operation: string) {
    super(`Cannot ${operation}: the ${what} is closed`);
  }
}
Object.defineProperty(ObjectClosedError.prototype, 'name', { value: 'ObjectClosedError' });

/** The operation needs an operating system this package has no backend for yet. */
export class PlatformNotSupportedError extends Error {
  /** Always 'ERR_FEATURE_UNAVAILABLE_ON_PLATFORM', as Node's own errors for what a platform lacks. */
  readonly code = 'ERR_FEATURE_UNAVAILABLE_ON_PLATFORM';
  readonly platform: string;

  constructor(platform: string) {
    super(
      `filemapping requires Windows: the file-mapping API is a Windows API and this is ${platform}. ` +
        'Importing the package works everywhere; creating or opening a section needs Windows (a POSIX backend is planned).',
    );
    this.platform = platform;
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
  owner: { readonly sid: string; readonly account: string | undefined } | undefined;
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
  readonly owner: { readonly sid: string; readonly account: string | undefined } | undefined;
  /** The `expectedOwner` option as given, e.g. 'current-user'. */
  readonly expectedOwner: string;
  /** The SIDs it accepts (for 'current-user': the token's user and its default owner). */
  readonly accepted: readonly string[];
  /** The object's name. */
  readonly path: string | undefined;

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
