/**
 * Win32Error: a kernel32 call failed. Its `code` is portable (Node's code for the condition, as libuv gives it for the
 * same Win32 error), its `nativeCode` the Win32 name, and its message says what was being done, the system's own text
 * and, for the errors users meet most often, what to do.
 */
import { ADDRESS_IN_USE_HINT, ALREADY_EXISTS_HINTS, SystemCallError, type ObjectKind } from '../errors.js';
import {
  ERROR_ACCESS_DENIED,
  ERROR_ALREADY_EXISTS,
  ERROR_BAD_EXE_FORMAT,
  ERROR_COMMITMENT_LIMIT,
  ERROR_DISK_FULL,
  ERROR_FILE_EXISTS,
  ERROR_FILE_INVALID,
  ERROR_FILE_NOT_FOUND,
  ERROR_HANDLE_DISK_FULL,
  ERROR_INVALID_ADDRESS,
  ERROR_INVALID_HANDLE,
  ERROR_INVALID_NAME,
  ERROR_INVALID_PARAMETER,
  ERROR_LOCK_VIOLATION,
  ERROR_MAPPED_ALIGNMENT,
  ERROR_NOACCESS,
  ERROR_NOT_ENOUGH_MEMORY,
  ERROR_NOT_OWNER,
  ERROR_OUTOFMEMORY,
  ERROR_PATH_NOT_FOUND,
  ERROR_PRIVILEGE_NOT_HELD,
  ERROR_TOO_MANY_POSTS,
  ERROR_USER_MAPPED_FILE,
  errorName,
  FORMAT_MESSAGE_FROM_SYSTEM,
  FORMAT_MESSAGE_IGNORE_INSERTS,
} from './constants.js';
import type { Kernel32 } from './kernel32.js';

/**
 * The portable code of each Win32 error that has one: the code Node (libuv) gives the same condition, so that a
 * program handles "not found", "exists", "denied", "no space" and "invalid" the same way on every OS. Access denied is
 * EACCES, as shm_open and open() report it on Linux (libuv says EPERM on Windows).
 */
const PORTABLE_CODES: ReadonlyMap<number, string> = new Map([
  [ERROR_FILE_NOT_FOUND, 'ENOENT'],
  [ERROR_PATH_NOT_FOUND, 'ENOENT'],
  [ERROR_ALREADY_EXISTS, 'EEXIST'],
  [ERROR_FILE_EXISTS, 'EEXIST'],
  [ERROR_ACCESS_DENIED, 'EACCES'],
  [ERROR_PRIVILEGE_NOT_HELD, 'EPERM'],
  [ERROR_NOT_OWNER, 'EPERM'],
  [ERROR_DISK_FULL, 'ENOSPC'],
  [ERROR_HANDLE_DISK_FULL, 'ENOSPC'],
  [ERROR_COMMITMENT_LIMIT, 'ENOSPC'],
  [ERROR_NOT_ENOUGH_MEMORY, 'ENOMEM'],
  [ERROR_OUTOFMEMORY, 'ENOMEM'],
  [ERROR_INVALID_PARAMETER, 'EINVAL'],
  [ERROR_INVALID_NAME, 'EINVAL'],
  [ERROR_MAPPED_ALIGNMENT, 'EINVAL'],
  [ERROR_FILE_INVALID, 'EINVAL'],
  [ERROR_INVALID_HANDLE, 'EBADF'],
  [ERROR_BAD_EXE_FORMAT, 'ENOEXEC'],
  [ERROR_USER_MAPPED_FILE, 'EBUSY'],
  [ERROR_LOCK_VIOLATION, 'EBUSY'],
  [ERROR_TOO_MANY_POSTS, 'EOVERFLOW'],
  [ERROR_NOACCESS, 'EFAULT'],
]);

/**
 * Portable codes that depend on the function as well as the code, keyed `syscall:errno`; looked up before
 * PORTABLE_CODES. MapViewOfFileEx says ERROR_INVALID_ADDRESS for a base address already in use (alignment and bounds
 * are checked before the call), which Linux's mmap with MAP_FIXED_NOREPLACE says as EEXIST.
 */
const SYSCALL_CODES: ReadonlyMap<string, string> = new Map([
  [`MapViewOfFileEx:${ERROR_INVALID_ADDRESS}`, 'EEXIST'],
  // A name that another kind of object holds (sections, mutexes, events and semaphores share one namespace): Linux
  // refuses it as EINVAL, where Windows answers ERROR_INVALID_HANDLE.
  ...['CreateFileMappingW', 'OpenFileMappingW', 'CreateMutexW', 'OpenMutexW', 'CreateEventW', 'OpenEventW', 'CreateSemaphoreW', 'OpenSemaphoreW'].map(
    (syscall) => [`${syscall}:${ERROR_INVALID_HANDLE}`, 'EINVAL'] as const,
  ),
]);

const WIN32_ERROR = Symbol.for('filemapping.Win32Error');

/** Hints that depend on the function as well as the code, keyed `syscall:errno`; looked up before HINTS. */
const SYSCALL_HINTS: ReadonlyMap<string, string> = new Map([
  [`CreateFileW:${ERROR_FILE_NOT_FOUND}`, 'The file does not exist: pass `size` to create it, or check the path.'],
  [`CreateFileW:${ERROR_PATH_NOT_FOUND}`, 'A folder of the path does not exist.'],
  [`CreateFileW:${ERROR_ACCESS_DENIED}`, 'The file cannot be opened for this protection: it may be read-only, a folder, or locked by another process.'],
  [`MapViewOfFileEx:${ERROR_INVALID_ADDRESS}`, ADDRESS_IN_USE_HINT],
]);

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
  [ERROR_MAPPED_ALIGNMENT, 'The view offset (or base address) must be a multiple of the system allocation granularity.'],
  [ERROR_BAD_EXE_FORMAT, "The file is not an executable image: the 'image' attributes are for .exe and .dll files."],
  [ERROR_FILE_INVALID, 'The file is empty: a file-backed section needs a size; pass `size` to grow the file.'],
  [ERROR_USER_MAPPED_FILE, 'The file is mapped by a view, so it cannot be truncated or resized: unmap every view of it first.'],
  [ERROR_COMMITMENT_LIMIT, 'The paging file is too small for a section of this size: ask for less, or use SEC_RESERVE.'],
  [ERROR_NOT_ENOUGH_MEMORY, 'The address space has no free range of this size: map a smaller view.'],
  [ERROR_PRIVILEGE_NOT_HELD, 'A privilege is missing: large pages need SeLockMemoryPrivilege, Global\\ names need SeCreateGlobalPrivilege.'],
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
  /** The portable code, where the call knows better than the tables below. */
  code?: string | undefined;
}

function hintFor({ errno, syscall, kind, hint }: Win32ErrorOptions): string | undefined {
  return hint ?? SYSCALL_HINTS.get(`${syscall}:${errno}`) ?? (kind === undefined ? undefined : KIND_HINTS.get(errno)?.[kind]) ?? HINTS.get(errno);
}

/** A kernel32 call failed. `code` is portable (see SystemCallError); `nativeCode` is the Win32 name. */
export class Win32Error extends SystemCallError {
  /**
   * `init.cause`: the error this one was made from, if any.
   * @internal Made by the package.
   */
  constructor(options: Win32ErrorOptions, init?: { cause?: unknown }) {
    const nativeCode = errorName(options.errno);
    super(
      {
        errno: options.errno,
        nativeCode,
        code: options.code ?? SYSCALL_CODES.get(`${options.syscall}:${options.errno}`) ?? PORTABLE_CODES.get(options.errno) ?? nativeCode,
        syscall: options.syscall,
        action: options.action,
        systemMessage: options.systemMessage,
        path: options.path,
        hint: hintFor(options),
      },
      init,
    );
  }
}
Object.defineProperty(Win32Error.prototype, 'name', { value: 'Win32Error' });
Object.defineProperty(Win32Error.prototype, WIN32_ERROR, { value: true });

/** True for a Win32Error, also one made by another copy of the package or in another realm. */
export function isWin32Error(value: unknown): value is Win32Error {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[WIN32_ERROR] === true;
}

/** The system's text for a Win32 error code (FormatMessageW), without the trailing line break; '' if none. */
export function systemMessage(k32: Kernel32, errno: number): string {
  const buffer = Buffer.alloc(2048);
  const chars = k32.FormatMessageW(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, null, errno, 0, buffer, buffer.length / 2, null);
  return buffer.toString('utf16le', 0, chars * 2).trim();
}

/** A Win32Error for `errno`, which the caller read with GetLastError right after `syscall` failed. */
export function win32Error(
  k32: Kernel32,
  errno: number,
  syscall: string,
  action: string,
  path?: string,
  kind?: ObjectKind,
  hint?: string,
  code?: string,
): Win32Error {
  return new Win32Error({ errno, syscall, action, systemMessage: systemMessage(k32, errno), path, kind, hint, code });
}
