/**
 * Owners on Linux: the user that owns the shared memory object (fstat's st_uid), as the SID Samba gives a Unix user
 * (S-1-22-1-UID), so that `owner()` and `expectedOwner` compare the same way as on Windows. 'current-user' is this
 * process's effective user; 'system' and 'administrators' stand for root (uid 0), the one account above the others.
 */
import { readFileSync } from 'node:fs';
import type { ExpectedOwner, ObjectOwner } from '../core/owner.js';
import { UnexpectedOwnerError } from '../errors.js';

/** The SID of a Unix user, as Samba maps it. */
export function unixUserSid(uid: number): string {
  return `S-1-22-1-${uid}`;
}

/** The user name of `uid` (from /etc/passwd), or undefined. */
function userName(uid: number): string | undefined {
  try {
    for (const line of readFileSync('/etc/passwd', 'utf8').split('\n')) {
      const [name, , id] = line.split(':');
      if (id !== undefined && Number(id) === uid) return name;
    }
  } catch {
    // No passwd file (a minimal container): the SID alone.
  }
  return undefined;
}

export function ownerOf(uid: number): ObjectOwner {
  return { sid: unixUserSid(uid), account: userName(uid) };
}

/** The SIDs `expected` accepts here. */
function accepted(expected: ExpectedOwner): readonly string[] {
  if (expected === 'current-user') return [unixUserSid(process.geteuid?.() ?? -1)];
  if (expected === 'system' || expected === 'administrators') return [unixUserSid(0)];
  return [expected];
}

/** Throws an UnexpectedOwnerError unless the object owned by `uid` is owned by `expected`. */
export function checkOwner(uid: number, expected: ExpectedOwner, what: string, path: string | undefined): void {
  const sids = accepted(expected);
  const owner = ownerOf(uid);
  if (!sids.includes(owner.sid)) throw new UnexpectedOwnerError({ what, path, owner, expectedOwner: expected, accepted: sids });
}
