/**
 * The ends of this thread that use each role of each channel: the ring records one holder per role, a thread of a
 * process, but a thread may open several ends of one channel. A role is given up when the last of its ends here
 * closes, so that closing one object never takes the role from another object of the same thread. Module state is per
 * thread: each worker thread has its own.
 */
import type { Role } from './ring.js';

/** By `channel:role` (the channel's name without its Local\ prefix, which names the same object). */
const users = new Map<string, Set<object>>();

/** `end` uses `role` of channel `key`. */
export function useRole(key: string, role: Role, end: object): void {
  const at = `${key}:${role}`;
  let ends = users.get(at);
  if (!ends) users.set(at, (ends = new Set()));
  ends.add(end);
}

/** `end` closes: the roles of channel `key` it was the last end of this thread to use, which the thread gives up. */
export function leaveRoles(key: string, end: object): Role[] {
  const left: Role[] = [];
  for (const role of ['writer', 'reader'] as const) {
    const at = `${key}:${role}`;
    const ends = users.get(at);
    if (!ends?.delete(end) || ends.size > 0) continue;
    users.delete(at);
    left.push(role);
  }
  return left;
}
