/**
 * Who owns a kernel object, and the `expectedOwner` check of open(): the defence of a client against name squatting.
 *
 * `Local\` and `Global\` names are first come, first served: a process that creates a name before its real owner
 * does has its object opened by every client. The owner in the object's security descriptor (GetSecurityInfo) says
 * who created it: the creator picks it among the SIDs of its own token (its user, or Administrators when elevated)
 * unless it holds SeRestorePrivilege, and later only a holder of WRITE_OWNER can change it, to a SID of its own. A
 * client that knows whom to expect can therefore refuse the object of a squatter running as another, unprivileged
 * user.
 *
 * SIDs are read as bytes (GetLengthSid, then a copy) and written in their string form here, as
 * ConvertSidToStringSidW writes them; this avoids a string the system allocates and that would then need reading at
 * an address.
 */
import { UnexpectedOwnerError } from '../errors.js';
import { formatSid, OWNER_KEYWORDS, type ExpectedOwner, type ObjectOwner } from '../core/owner.js';
import { win32Error } from './errors.js';
import {
  ERROR_SUCCESS,
  LMEM_FIXED,
  OWNER_SECURITY_INFORMATION,
  SE_KERNEL_OBJECT,
  SECURITY_MAX_SID_SIZE,
  TOKEN_QUERY,
  TokenOwner,
  TokenUser,
} from './constants.js';
import type { Kernel32 } from './kernel32.js';

/** The string form of the SID at `pSid` (memory the system owns, valid for the duration of the call). */
function sidAt(k32: Kernel32, pSid: bigint): string {
  const length = k32.GetLengthSid(pSid);
  const bytes = Buffer.alloc(length);
  k32.RtlMoveMemory(bytes, pSid, length);
  return formatSid(bytes);
}

/** `DOMAIN\name` for the SID at `pSid`, or undefined when the system does not know it (LookupAccountSidW fails). */
function accountAt(k32: Kernel32, pSid: bigint): string | undefined {
  // 256 characters hold every account and domain name (UNLEN and DNLEN are 256 and 15); a longer one is left out.
  const chars = 256;
  const name = Buffer.alloc(chars * 2);
  const domain = Buffer.alloc(chars * 2);
  const nameLength: [number] = [chars];
  const domainLength: [number] = [chars];
  if (!k32.LookupAccountSidW(null, pSid, name, nameLength, domain, domainLength, [0])) return undefined;
  const account = name.toString('utf16le', 0, nameLength[0] * 2);
  const domainName = domain.toString('utf16le', 0, domainLength[0] * 2);
  return domainName === '' ? account : `${domainName}\\${account}`;
}

/**
 * The owner of the object `handle` refers to (GetSecurityInfo, OWNER_SECURITY_INFORMATION), which needs READ_CONTROL
 * on the handle; undefined when its security descriptor has no owner. Windows gives every named object an owner
 * (the creator's, or the one its SDDL names); Wine gives none to an object created without a security descriptor.
 * `what` and `path` are for the error message.
 */
export function readOwner(k32: Kernel32, handle: bigint, what: string, path: string | undefined): ObjectOwner | undefined {
  const owner: [bigint | null] = [null];
  const descriptor: [bigint | null] = [null];
  const status = k32.GetSecurityInfo(handle, SE_KERNEL_OBJECT, OWNER_SECURITY_INFORMATION, owner, null, null, null, descriptor);
  if (status !== ERROR_SUCCESS) throw win32Error(k32, status, 'GetSecurityInfo', `reading the owner of ${what}`, path);
  try {
    // The owner pointer points into the descriptor: read it before the descriptor is freed.
    if (owner[0] === null) return undefined;
    return { sid: sidAt(k32, owner[0]), account: accountAt(k32, owner[0]) };
  } finally {
    if (descriptor[0] !== null) k32.LocalFree(descriptor[0]);
  }
}

/** The SID of a TOKEN_USER or TOKEN_OWNER of `token`: a pointer to the SID, which follows in the same memory. */
function tokenSid(k32: Kernel32, token: bigint, informationClass: number): string {
  // TOKEN_USER (the largest of the two) is a SID pointer and a DWORD, padded to 16 bytes, then the SID.
  const bytes = 16 + SECURITY_MAX_SID_SIZE;
  const memory = k32.LocalAlloc(LMEM_FIXED, bytes);
  if (memory === null) throw win32Error(k32, k32.GetLastError(), 'LocalAlloc', 'allocating memory for the process token');
  try {
    const needed: [number] = [0];
    const what = informationClass === TokenUser ? 'TokenUser' : 'TokenOwner';
    if (!k32.GetTokenInformation(token, informationClass, memory, bytes, needed)) {
      throw win32Error(k32, k32.GetLastError(), 'GetTokenInformation', `reading the ${what} of this process's token`);
    }
    // The SID pointer points into `memory`, as the documentation says: read it from there, not from a copy.
    const pointer = Buffer.alloc(8);
    k32.RtlMoveMemory(pointer, memory, 8);
    return sidAt(k32, pointer.readBigUInt64LE(0));
  } finally {
    k32.LocalFree(memory);
  }
}

const currentUserCache = new WeakMap<Kernel32, readonly string[]>();

/**
 * The SIDs 'current-user' accepts: the token's user and its default owner (TokenOwner), which Windows writes as the
 * owner of what this process creates. For an elevated administrator (and for services running as such accounts)
 * the default owner is BUILTIN\Administrators, not the user. Read once per process.
 */
export function currentUserSids(k32: Kernel32): readonly string[] {
  const cached = currentUserCache.get(k32);
  if (cached) return cached;
  const token: [bigint | null] = [null];
  if (!k32.OpenProcessToken(k32.GetCurrentProcess(), TOKEN_QUERY, token) || token[0] === null) {
    throw win32Error(k32, k32.GetLastError(), 'OpenProcessToken', "opening this process's token to learn its user");
  }
  try {
    const user = tokenSid(k32, token[0], TokenUser);
    const owner = tokenSid(k32, token[0], TokenOwner);
    const sids = owner === user ? [user] : [user, owner];
    currentUserCache.set(k32, sids);
    return sids;
  } finally {
    k32.CloseHandle(token[0]);
  }
}

/** The SIDs `expected` accepts. */
function expectedSids(k32: Kernel32, expected: ExpectedOwner): readonly string[] {
  if (expected === 'current-user') return currentUserSids(k32);
  if (expected === 'system' || expected === 'administrators') return [OWNER_KEYWORDS[expected]];
  return [expected];
}

/**
 * Checks that the object `handle` refers to is owned by `expected`; otherwise closes the handle and throws an
 * UnexpectedOwnerError. The handle is also closed when the owner cannot be read: the caller only gets it back checked.
 */
export function checkOwner(k32: Kernel32, handle: bigint, expected: ExpectedOwner, what: string, path: string | undefined): void {
  let checked = false;
  try {
    const accepted = expectedSids(k32, expected);
    const owner = readOwner(k32, handle, what, path);
    // An object without an owner cannot be shown to be anyone's: refused like any other.
    if (owner === undefined || !accepted.includes(owner.sid)) throw new UnexpectedOwnerError({ what, path, owner, expectedOwner: expected, accepted });
    checked = true;
  } finally {
    if (!checked) k32.CloseHandle(handle);
  }
}
