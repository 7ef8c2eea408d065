/**
 * SECURITY_ATTRIBUTES for the Create* functions: a security descriptor given in SDDL, and whether child processes
 * inherit the handle. Without either, the pointer is NULL and Windows applies the default DACL of the caller.
 */
import { win32Error } from './errors.js';
import { SDDL_REVISION_1, SIZEOF_SECURITY_ATTRIBUTES } from './constants.js';
import type { Kernel32 } from './kernel32.js';


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
      throw win32Error(k32, k32.GetLastError(), 'ConvertStringSecurityDescriptorToSecurityDescriptorW', `reading the SDDL ${excerpt(options.security)} for ${what}`);
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
