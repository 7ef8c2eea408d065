/**
 * Named sections on Linux that live as on Windows: as long as a process of this package uses them, and no longer.
 *
 * POSIX names live until shm_unlink, not until the last close: a segment left behind by a process that was killed
 * stays in /dev/shm with its old contents. So each process of this package that uses a named section holds a shared
 * flock on its file descriptor for as long as it uses it (the kernel drops the lock when the process ends, however it
 * ends), and the segments this package creates carry a mark, the sticky bit of their mode (S_ISVTX, which means
 * nothing for a regular file). Then:
 *
 * - close(): the last user (its flock upgrades to exclusive without waiting) unlinks the name, if the segment is one of
 *   this package's, so the name goes with its last user as on Windows;
 * - create() and open() that find a marked segment of this user's that nobody locks know it was left by a process
 *   that ended without closing: they unlink it, and create() makes a new, zeroed one (never reporting
 *   `alreadyExisted`), open() reports ENOENT, as Windows would;
 * - a segment another program created (Python, C) has no mark, and one of another user's is not this user's to judge:
 *   this package never unlinks either (FileMapping.unlink() does, when asked), and uses it as it is.
 *
 * A segment is published under its name only once it is complete. It is made unnamed in /dev/shm (O_TMPFILE), locked,
 * sized and reserved (or written, for an object), marked, and only then linked to its name with linkat(), which fails
 * if the name exists: the loser of a race joins the winner. So no process ever finds a segment half made (of size 0,
 * or sized past what tmpfs can give, which would be a SIGBUS on first touch), and a creator killed at any instant
 * leaves either nothing (an unnamed file goes with its last descriptor) or a finished, marked segment that nobody
 * locks, which the next create() or open() of the name removes.
 *
 * Sections, mutexes, events and semaphores share one namespace, as on Windows. A mutex, event or semaphore carries
 * the set-group-ID bit in its mode (S_ISGID), which a section never has: a create or open of one kind that finds the
 * other is refused with EINVAL, as Windows refuses it (ERROR_INVALID_HANDLE), instead of, say, mapping a mutex's page
 * as a section's memory. So is a name that is not a regular file (a FIFO, a directory), which is never opened in a way
 * that could wait (O_NONBLOCK), and a symbolic link, which is never followed (O_NOFOLLOW).
 *
 * The first create() of a process also removes every other stale segment of this user's that the package made, so
 * that what killed processes left does not hold memory until its name is used again (once a minute old).
 *
 * Races: every step that found the name re-checks, once it holds its lock, that the name still refers to the segment it
 * opened (same inode), and starts again otherwise: a segment being unlinked by its last user, or replaced, is never
 * joined. A lock held by a program outside this protocol (flock -x) is waited for a second at most, never for ever.
 * A C or Python peer joins the lifetime by holding flock(fd, LOCK_SH) while it uses the segment.
 */
import { readdirSync, lstatSync } from 'node:fs';
import type { ObjectKind } from '../errors.js';
import { LOCK_EX, LOCK_NB, LOCK_SH, LOCK_UN, O_CLOEXEC, O_NOFOLLOW, O_NONBLOCK, O_RDONLY } from './constants.js';
import { errnoNumber, posixError } from './errors.js';
import type { Libc } from './libc.js';
import { openNamed, ownMarked, publish, SHM_DIR, statFd, stillNamed } from './segments.js';
import { sleep } from './wait-loop.js';

/** How many times a create or an open starts again when a segment is replaced under it. */
const ATTEMPTS = 100;
/**
 * How long a shared lock is waited for. In this package's protocol an exclusive lock is held for a few system calls
 * (a last user unlinking, a joiner removing what was left behind); one held longer is another program's (flock -x).
 */
const LOCK_WAIT_MS = 1000;
const LOCK_RETRY_MS = 5;

/** What was found under a name that exists. */
type Found = 'in-use' | 'foreign' | 'stale' | 'replaced' | 'exists';

/**
 * Looks at a segment found under `name` (its fd freshly opened): 'stale' (this user's, of the package, nobody uses it:
 * unlinked here), 'replaced' (the name no longer refers to it: start again), 'exists' (when `exclusive`: nothing was
 * joined), or 'in-use' / 'foreign' once this process holds its shared lock on it.
 */
function join(libc: Libc, name: string, fd: number, given: string, what: string, exclusive: boolean): Found {
  const ours = ownMarked(statFd(fd));
  if (ours && libc.flock(fd, LOCK_EX | LOCK_NB) === 0) {
    // Nobody holds it: a process that made it ended without closing. Unlink only what the name still refers to.
    if (!stillNamed(name, fd)) return 'replaced';
    if (libc.shm_unlink(name) !== 0 && libc.errnoNames.get(libc.errno()) !== 'ENOENT') {
      // Closed here, with its exclusive lock (a read-only /dev/shm): kept, it made every later look at the name EBUSY.
      const errno = libc.errno();
      libc.close(fd);
      throw posixError(libc, errno, 'shm_unlink', `${what}: removing what a process that ended without closing left under the name`, given);
    }
    return 'stale';
  }
  // Another program's segment (or lock) is not waited for by an exclusive create. But an exclusive lock on one of ours
  // is this protocol's, held for a few system calls by a process removing the segment (its last user, an open() or a
  // sweep that found it left behind): wait for it, then see whether the name still refers to it.
  if (exclusive && !ours) return 'exists';
  if (!lockShared(libc, fd, given, what)) {
    // Held for longer than this protocol holds one: another program's lock, on a name that exists.
    if (exclusive) return 'exists';
    libc.close(fd);
    throw posixError(
      libc,
      errnoNumber(libc, 'EBUSY'),
      'flock',
      `${what}: another process has held an exclusive lock (flock) on ${SHM_DIR}${name} for more than ${LOCK_WAIT_MS} ms`,
      given,
      undefined,
      'A program outside this package holds the name locked (flock -x): this package waits for such a lock a second at most. Stop that program, or pick another name.',
    );
  }
  if (!stillNamed(name, fd)) return 'replaced';
  if (exclusive) return 'exists';
  if (ours) return 'in-use';
  // Another program creates a segment in two steps (shm_open, then ftruncate: CPython's shared_memory, most C): one of
  // 0 bytes is one it is still setting up. Its size is waited for as a lock is, a second at most.
  for (let waited = 0; statFd(fd).size === 0 && waited < LOCK_WAIT_MS; waited += LOCK_RETRY_MS) {
    sleep(LOCK_RETRY_MS);
    if (!stillNamed(name, fd)) return 'replaced';
  }
  return 'foreign';
}

/**
 * Takes a shared lock on `fd`, waiting LOCK_WAIT_MS at most for an exclusive one to go (never blocks for ever): false
 * when it is still held then.
 */
function lockShared(libc: Libc, fd: number, given: string, what: string): boolean {
  for (let waited = 0; waited <= LOCK_WAIT_MS; waited += LOCK_RETRY_MS) {
    if (libc.flock(fd, LOCK_SH | LOCK_NB) === 0) return true;
    const errno = libc.errno();
    if (libc.errnoNames.get(errno) !== 'EWOULDBLOCK' && libc.errnoNames.get(errno) !== 'EAGAIN') {
      libc.close(fd);
      throw posixError(libc, errno, 'flock', `${what}: taking its shared lock`, given);
    }
    sleep(LOCK_RETRY_MS);
  }
  return false;
}

/**
 * Before the last close of this process's descriptor: unlinks the name if no other process uses the segment and this
 * package made it. Returns whether it unlinked.
 */
function leave(libc: Libc, name: string, fd: number): boolean {
  // A failed upgrade to LOCK_EX drops the shared lock this process held (Linux converts a flock by releasing it
  // first): harmless here, since the descriptor is closed next (or the process is ending).
  if (!ownMarked(statFd(fd)) || libc.flock(fd, LOCK_EX | LOCK_NB) !== 0) return false;
  const unlinked = stillNamed(name, fd) && libc.shm_unlink(name) === 0;
  libc.flock(fd, LOCK_UN);
  return unlinked;
}

/** The package's named segments this thread holds (sections and objects alike), by descriptor: their shm names. */
const held = new Map<number, { libc: Libc; name: string }>();
let leavingAtExit = false;

/**
 * Records a named segment of the package's that this thread now holds, so that its name goes with its last user:
 * at release(), or when the thread ends normally without closing (the end of a script, process.exit()), as Windows
 * closes a process's handles when it ends. A process killed by a signal cannot run this; the next create() or open()
 * of the name, or a later sweep, removes what it left.
 */
export function hold(libc: Libc, fd: number, name: string): void {
  held.set(fd, { libc, name });
  if (leavingAtExit) return;
  leavingAtExit = true;
  process.once('exit', () => {
    for (const [heldFd, segment] of held) leave(segment.libc, segment.name, heldFd);
  });
}

/** Before this thread closes `fd`: leaves its segment if hold() recorded it (see leave()). */
export function release(libc: Libc, fd: number): void {
  const segment = held.get(fd);
  if (segment === undefined) return;
  held.delete(fd);
  leave(libc, segment.name, fd);
}

/** A named segment this process now holds (its shared lock taken), and whether the package's protocol applies to it. */
export interface HeldSegment {
  fd: number;
  /** True when this call created it. */
  created: boolean;
  /** The package made it (marked): the last user removes its name. False for a segment another program made. */
  ours: boolean;
}

let swept = false;
/**
 * A segment left behind is swept once it is this old (by its last change, mtime): one left a moment ago waits for the
 * next process, or for its name to be used again, which removes it by the same rule. Not for safety (the lock decides
 * that): so that a program restarted at once after a crash finds its names through that one path, and so that the
 * tests of that path are not raced by the sweeps of other test processes.
 */
const SWEEP_AFTER_MS = 60_000;

/**
 * Once per process: removes the segments this user's processes of the package left behind (marked, owned by this
 * user, locked by nobody), as join() removes one it finds under a name. Safe for the same reason: a user holds its
 * shared lock for as long as it uses a segment, and a process that opened one but has not locked it yet re-checks that
 * the name still refers to it. Best effort: whatever cannot be looked at is left alone.
 */
function sweepStale(libc: Libc): void {
  if (swept) return;
  let entries: string[];
  try {
    entries = readdirSync(SHM_DIR);
  } catch {
    return; // out of descriptors (EMFILE), say: the next create() tries again
  }
  swept = true;
  for (const entry of entries) {
    try {
      const stats = lstatSync(`${SHM_DIR}/${entry}`);
      if (!ownMarked(stats) || !stats.isFile() || Date.now() - stats.mtimeMs < SWEEP_AFTER_MS) continue;
      const fd = libc.shm_open(`/${entry}`, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC, 0);
      if (fd < 0) continue;
      // Locked by nobody, and still the one the name refers to: left behind.
      if (libc.flock(fd, LOCK_EX | LOCK_NB) === 0 && stillNamed(`/${entry}`, fd)) libc.shm_unlink(`/${entry}`);
      libc.close(fd);
    } catch {
      // Gone in between, or not ours to look at.
    }
  }
}

/**
 * Creates the segment `name` (the shm name of `given`), or joins the one that has the name (unless `exclusive`): a
 * stale one of the package's is removed and made anew, as lifetime's protocol says. `initialize` prepares a new one
 * (its size, its contents) before it gets its name, and so before any other process can find it.
 */
export function createOrJoin(
  libc: Libc,
  name: string,
  given: string,
  what: string,
  options: { exclusive: boolean; writes: boolean; kind: ObjectKind; initialize: (fd: number) => void },
): HeldSegment {
  sweepStale(libc);
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    // Join first: a segment that exists is never made again (nor its size reserved twice).
    const existing = openNamed(libc, name, options.writes, options.kind, given, what);
    if (existing === undefined) {
      const made = publish(libc, name, options.kind, options.initialize, given, what);
      if (made !== undefined) return { fd: made, created: true, ours: true };
      continue; // another process published it first: join that one
    }
    const found = join(libc, name, existing, given, what, options.exclusive);
    if (found === 'in-use' || found === 'foreign') return { fd: existing, created: false, ours: found === 'in-use' };
    libc.close(existing);
    if (found === 'exists') throw posixError(libc, errnoNumber(libc, 'EEXIST'), 'shm_open', `${what} (exclusive)`, given, options.kind);
  }
  throw replacedTooOften(libc, given, what);
}

/**
 * Opens the segment `name` another process created and joins it; ENOENT when none has it (or only a stale one), EINVAL
 * when it holds another kind of object than `kind`.
 */
export function openAndJoin(libc: Libc, name: string, given: string, what: string, options: { writes: boolean; kind: ObjectKind }): HeldSegment {
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const fd = openNamed(libc, name, options.writes, options.kind, given, what);
    if (fd === undefined) throw posixError(libc, errnoNumber(libc, 'ENOENT'), 'shm_open', what, given);
    const found = join(libc, name, fd, given, what, false);
    if (found === 'in-use' || found === 'foreign') return { fd, created: false, ours: found === 'in-use' };
    libc.close(fd);
    if (found === 'stale') {
      // Left by a process that ended without closing: as on Windows, the name is gone with its last user.
      throw posixError(
        libc,
        errnoNumber(libc, 'ENOENT'),
        'shm_open',
        `${what} (it was left behind by a process that ended without closing it, and is now removed)`,
        given,
      );
    }
  }
  throw replacedTooOften(libc, given, what);
}

/** What a create or open that kept finding the name replaced under it throws. */
function replacedTooOften(libc: Libc, given: string, what: string): Error {
  return posixError(
    libc,
    errnoNumber(libc, 'EBUSY'),
    'shm_open',
    `${what}: the name was removed or replaced by other processes each of the ${ATTEMPTS} times it was looked up`,
    given,
    undefined,
    'Other processes keep creating and removing this name: try again, or pick a name of your own.',
  );
}
