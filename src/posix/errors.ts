/**
 * PosixError: a libc call failed. Its `code` is the errno name ('ENOENT', 'EEXIST'...), which is already Node's
 * portable code; its message says what was being done, the system's text (strerror) and, for the errors users meet
 * most often, what to do.
 */
import { ALREADY_EXISTS_HINTS, SystemCallError, type ObjectKind } from '../errors.js';
import type { Libc } from './libc.js';

/** What to do about the errors users meet most often, by errno name; appended to the message. */
const HINTS: ReadonlyMap<string, string> = new Map([
  [
    'ENOENT',
    'Nothing has this name: the object (section, mutex, event...) must be created first, and a name disappears when the last process of this package using it closes it.',
  ],
  ['EEXIST', 'Something with this name already exists: open it, or pick another name.'],
  [
    'EACCES',
    "The object exists but this user may not use it that way: ask for less access (e.g. access: 'read'), or check its owner and mode (ls -l /dev/shm).",
  ],
  [
    'ENOSPC',
    'There is not enough room in /dev/shm (a tmpfs) for this size: ask for less, or give /dev/shm more room. Containers often have only 64 MiB there (docker run --shm-size=1g).',
  ],
  ['ENOMEM', 'The address space or the memory has no room for this: map a smaller view.'],
  ['EMFILE', 'This process has too many open file descriptors: each open section holds one; close sections you no longer use (or raise ulimit -n).'],
  ['EINVAL', 'The system refused a value: check the offset (a multiple of the page size), the length and the address.'],
]);

/** What a PosixError is made of. */
export interface PosixErrorOptions {
  errno: number;
  /** The errno name, e.g. 'ENOENT'. */
  nativeCode: string;
  syscall: string;
  action: string;
  systemMessage: string;
  path?: string | undefined;
  kind?: ObjectKind | undefined;
  hint?: string | undefined;
}

/** A libc call failed. `code` and `nativeCode` are the errno name ('ENOENT'), `errno` its number. */
export class PosixError extends SystemCallError {
  /** @internal Made by the package. */
  constructor(options: PosixErrorOptions, init?: { cause?: unknown }) {
    const name = options.nativeCode;
    super(
      {
        errno: options.errno,
        nativeCode: name,
        code: name,
        syscall: options.syscall,
        action: options.action,
        systemMessage: options.systemMessage,
        path: options.path,
        hint: options.hint ?? (name === 'EEXIST' && options.kind !== undefined ? ALREADY_EXISTS_HINTS[options.kind] : HINTS.get(name)),
      },
      init,
    );
  }
}
Object.defineProperty(PosixError.prototype, 'name', { value: 'PosixError' });

/** A PosixError for `errno`, which the caller read right after `syscall` failed. */
export function posixError(libc: Libc, errno: number, syscall: string, action: string, path?: string, kind?: ObjectKind, hint?: string): PosixError {
  const nativeCode = libc.errnoNames.get(errno) ?? `E${errno}`;
  return new PosixError({ errno, nativeCode, syscall, action, systemMessage: libc.strerror(errno), path, kind, hint });
}

/** The number of an errno name on this OS (from koffi's table). */
export function errnoNumber(libc: Libc, name: string): number {
  for (const [number, known] of libc.errnoNames) if (known === name) return number;
  throw new Error(`No errno ${name} on this OS`);
}
