/**
 * SECURITY_ATTRIBUTES for the Create* functions: a security descriptor given in SDDL, and whether child processes
 * inherit the handle. Without either, the pointer is NULL and Windows applies the default DACL of the caller.
 */
import type { ObjectKind } from '../errors.js';
import { ERROR_ALREADY_EXISTS, ERROR_INVALID_HANDLE, ERROR_SUCCESS, SDDL_REVISION_1, SIZEOF_SECURITY_ATTRIBUTES } from './constants.js';
import { systemMessage, Win32Error, win32Error } from './errors.js';
import type { HANDLE, Kernel32 } from './kernel32.js';

export interface SecurityOptions {
  /** A security descriptor in SDDL, e.g. 'D:P(A;;GA;;;OW)' (full access for the owner only). */
  security?: string | undefined;
  /** Child processes created with handle inheritance inherit the handle. */
  inheritable: boolean;
}

/**
 * Calls `use` with the attributes (null for the defaults), typically to pass them to a Create*W function, and frees
 * the security descriptor when `use` returns or throws: koffi throws for an argument it cannot convert, and the
 * descriptor (LocalAlloc'd by ConvertStringSecurityDescriptorToSecurityDescriptorW) would leak. `use` must read
 * the last error itself: LocalFree comes after it.
 */
export function withSecurityAttributes<T>(k32: Kernel32, options: SecurityOptions, what: string, use: (attributes: Buffer | null) => T): T {
  if (options.security === undefined && !options.inheritable) return use(null);
  const descriptor: [bigint | null] = [null];
  if (options.security !== undefined) {
    if (!k32.ConvertStringSecurityDescriptorToSecurityDescriptorW(options.security, SDDL_REVISION_1, descriptor, null)) {
      throw win32Error(
        k32,
        k32.GetLastError(),
        'ConvertStringSecurityDescriptorToSecurityDescriptorW',
        `reading the SDDL ${excerpt(options.security)} for ${what}`,
      );
    }
  }
  try {
    const attributes = Buffer.alloc(SIZEOF_SECURITY_ATTRIBUTES);
    attributes.writeUInt32LE(SIZEOF_SECURITY_ATTRIBUTES, 0);
    attributes.writeBigUInt64LE(descriptor[0] ?? 0n, 8);
    attributes.writeInt32LE(options.inheritable ? 1 : 0, 16);
    return use(attributes);
  } finally {
    if (descriptor[0] !== null) k32.LocalFree(descriptor[0]);
  }
}

/** The longest SDDL quoted whole in a message; a longer one is cut (a descriptor of thousands of ACEs is tens of KB). */
const SDDL_QUOTED = 200;

/** `sddl` quoted for a message: whole, or its start and its length. */
export function excerpt(sddl: string): string {
  return sddl.length <= SDDL_QUOTED ? `"${sddl}"` : `"${sddl.slice(0, SDDL_QUOTED)}…" (${sddl.length} characters)`;
}

/** What createNamed() needs to know of the call: the function, the object's kind, and for errors what and whose. */
export interface NamedCreate extends SecurityOptions {
  syscall: string;
  kind: ObjectKind;
  /** What was being done, e.g. `creating section "Local\\x"`. */
  what: string;
  /** The name (or the file) the errors name. */
  path: string | undefined;
  /** Refuse a name that exists instead of opening what has it. */
  exclusive: boolean;
}

/**
 * Calls a Create*W function (`create`, given the SECURITY_ATTRIBUTES) and tells whether the name existed. An exclusive
 * create that finds the name taken throws a Win32Error with code 'EEXIST', also when another kind of object has it
 * (Windows says ERROR_INVALID_HANDLE then; Linux EEXIST), and closes what it opened.
 */
export function createNamed(k32: Kernel32, call: NamedCreate, create: (attributes: Buffer | null) => HANDLE): { handle: bigint; alreadyExisted: boolean } {
  const [handle, errno] = withSecurityAttributes(k32, call, call.what, (attributes) => {
    // A new object does not always reset the last error: clear it so that ERROR_ALREADY_EXISTS is never stale.
    k32.SetLastError(ERROR_SUCCESS);
    const created = create(attributes);
    return [created, k32.GetLastError()] as const;
  });
  if (handle === null) {
    const taken = call.exclusive && errno === ERROR_INVALID_HANDLE ? 'EEXIST' : undefined;
    throw new Win32Error({ errno, syscall: call.syscall, action: call.what, systemMessage: systemMessage(k32, errno), path: call.path, code: taken });
  }
  const alreadyExisted = errno === ERROR_ALREADY_EXISTS;
  if (alreadyExisted && call.exclusive) {
    k32.CloseHandle(handle);
    throw win32Error(k32, errno, call.syscall, `${call.what} (exclusive)`, call.path, call.kind);
  }
  return { handle, alreadyExisted };
}
