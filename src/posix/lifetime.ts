/**
 * Named sections on Linux that live as on Windows: as long as a process of this package uses them, and no longer.
 *
 * POSIX names live until shm_unlink, not until the last close: a segment left behind by a process that was killed
 * stays in /dev/shm with its old contents. So each process of this package that uses a named section holds a shared
 * flock on its file descriptor for as long as it uses it (the kernel drops the lock when the process ends, however it
 * ends), and the segments this package creates carry a mark, the sticky bit of their mode (S_ISVTX, which means
 * nothing for a regular file and is set with fchmod, after the creator holds its lock). Then:
 *
 * - close(): the last user (its flock upgrades to exclusive without waiting) unlinks the name, if the segment is one of
 *   this package's, so the name goes with its last user as on Windows;
 * - create() and open() that find a marked segment nobody locks know it was left by a process that ended without
 *   closing: they unlink it, and create() makes a new, zeroed one (never reporting `alreadyExisted`), open() reports
 *   ENOENT, as Windows would;
 * - a segment another program created (Python, C) has no mark: this package never unlinks it (FileMapping.unlink()
 *   does, when asked), and uses it as it is.
 *
 * Sections, mutexes, events and semaphores share one namespace, as on Windows. A mutex, event or semaphore is created
 * with the set-group-ID bit in its mode (S_ISGID, from shm_open on, so before anything else can find it), which a
 * section never has: a create or open of one kind that finds the other is refused with EINVAL, as Windows refuses it
 * (ERROR_INVALID_HANDLE), instead of, say, mapping a mutex's page as a section's memory.
 *
 * - the first create() of a process also removes every other stale segment of this user's that the package made, so
 *   that what killed processes left does not hold memory until its name is used again (once a minute old).
 *
 * Races: every step that found the name re-checks, once it holds its lock, that the name still refers to the segment it
 * opened (same inode), and starts again otherwise: a segment being unlinked by its last user, or replaced, is never
 * joined. A C or Python peer joins the lifetime by holding flock(fd, LOCK_SH) while it uses the segment.
 */
import { fstatSync, readdirSync, statSync } from 'node:fs';
import type { ObjectKind } from '../errors.js';
import {
  LOCK_EX,
  LOCK_NB,
  LOCK_SH,
  LOCK_UN,
  MFD_CLOEXEC,
  O_CLOEXEC,
  O_CREAT,
  O_EXCL,
  O_RDONLY,
  O_RDWR,
  S_IRUSR,
  S_ISGID,
  S_ISVTX,
  S_IWUSR,
} from './constants.js';
import { errnoNumber, posixError } from './errors.js';
import type { Libc } from './libc.js';

/** The mode of a new segment: its owner reads and writes it (as CPython's shared_memory makes them). */
export const MODE = S_IRUSR | S_IWUSR;

/** The mode a new segment of `kind` is created with: a mutex, event or semaphore carries S_ISGID. */
function modeOf(kind: ObjectKind): number {
  return kind === 'section' ? MODE : MODE | S_ISGID;
}

/** What a name that holds another kind of object is refused with. */
export const KIND_CLASH_HINT =
  'The name is taken by another kind of object (a section, a mutex, an event, a semaphore): they share one namespace, as on Windows, so pick another name.';
/** How many times a create or an open starts again when a segment is replaced under it. */
const ATTEMPTS = 100;

/** Where glibc and musl keep shared memory objects: the name's file, for the inode check. */
const SHM_DIR = '/dev/shm';

/** What was found under a name that exists. */
export type Found = 'in-use' | 'stale' | 'foreign' | 'replaced';

/**
 * The inode of the file descriptor (fstat through Node), and whether this package made the segment: marked (finished),
 * or a mutex, event or semaphore (S_ISGID from shm_open on) whose creator may not have finished it.
 */
function identity(fd: number): { ino: number; dev: number; ours: boolean } {
  const stats = statFd(fd);
  return { ino: stats.ino, dev: stats.dev, ours: (stats.mode & (S_ISVTX | S_ISGID)) !== 0 };
}

/** fstat, through Node: no `struct stat` to declare (its layout differs between C libraries and architectures). */
export function statFd(fd: number): { ino: number; dev: number; mode: number; size: number; uid: number } {
  return fstatSync(fd);
}

/** Whether `name` still names the segment of `fd`. */
export function stillNamed(name: string, fd: number): boolean {
  try {
    const named = statSync(`${SHM_DIR}${name}`);
    const own = identity(fd);
    return named.ino === own.ino && named.dev === own.dev;
  } catch {
    return false;
  }
}

/**
 * Looks at a segment found under `name` (its fd freshly opened): 'stale' (this package's, nobody uses it: the caller
 * unlinks it), 'replaced' (the name no longer refers to it: start again), or 'in-use' / 'foreign' once this process
 * holds its shared lock on it.
 */
export function join(libc: Libc, name: string, fd: number): Found {
  const { ours } = identity(fd);
  if (ours && libc.flock(fd, LOCK_EX | LOCK_NB) === 0) {
    // Nobody holds it: a process that made it ended without closing, or was killed while it made it (an object its
    // creator never marked, which would otherwise take its name for good). Unlink only what the name still refers to.
    if (!stillNamed(name, fd)) return 'replaced';
    libc.shm_unlink(name);
    return 'stale';
  }
  if (libc.flock(fd, LOCK_SH) !== 0) return 'replaced';
  return stillNamed(name, fd) ? (ours ? 'in-use' : 'foreign') : 'replaced';
}

/** Marks a segment this process just created (and holds its shared lock on) as this package's. */
function markOurs(libc: Libc, fd: number, kind: ObjectKind): number {
  return libc.fchmod(fd, modeOf(kind) | S_ISVTX);
}

/**
 * Refuses a segment found under the name when it holds the other kind of object: a mutex, event or semaphore (S_ISGID)
 * where a section is wanted, or a section (or another program's data) where one of those is wanted. Closes `fd` then.
 */
function checkKind(libc: Libc, fd: number, kind: ObjectKind, given: string, what: string): void {
  const object = (statFd(fd).mode & S_ISGID) !== 0;
  if (object === (kind !== 'section')) return;
  libc.close(fd);
  const holds = object ? 'a mutex, an event or a semaphore' : 'a section (or data of another program)';
  throw posixError(libc, errnoNumber(libc, 'EINVAL'), 'shm_open', `${what}: the name holds ${holds}`, given, undefined, KIND_CLASH_HINT);
}

/** Takes this process's shared lock on a segment it created. */
function holdShared(libc: Libc, fd: number): number {
  return libc.flock(fd, LOCK_SH);
}

/**
 * A segment with no name, for an anonymous section or object: a memfd, or before Linux 3.17 (and glibc 2.27) a shared
 * memory object of a name nobody else picks, unlinked at once. Returns the descriptor (-1 on failure, errno set) and
 * the call that made it.
 */
export function anonymousFd(libc: Libc, label: string): { fd: number; syscall: string } {
  if (libc.memfd_create) return { fd: libc.memfd_create(label, MFD_CLOEXEC), syscall: 'memfd_create' };
  const name = `/filemapping-anonymous-${process.pid}-${Math.random().toString(36).slice(2)}`;
  const fd = libc.shm_open(name, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, MODE);
  if (fd >= 0) libc.shm_unlink(name);
  return { fd, syscall: 'shm_open' };
}

/**
 * Before the last close of this process's descriptor: unlinks the name if no other process uses the segment and this
 * package made it. Returns whether it unlinked.
 */
function leave(libc: Libc, name: string, fd: number): boolean {
  const { ours } = identity(fd);
  if (!ours || libc.flock(fd, LOCK_EX | LOCK_NB) !== 0) return false;
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
  swept = true;
  const uid = process.geteuid?.();
  let entries: string[];
  try {
    entries = readdirSync(SHM_DIR);
  } catch {
    return;
  }
  for (const entry of entries) {
    try {
      const stats = statSync(`${SHM_DIR}/${entry}`);
      if ((stats.mode & (S_ISVTX | S_ISGID)) === 0 || stats.uid !== uid || !stats.isFile() || Date.now() - stats.mtimeMs < SWEEP_AFTER_MS) continue;
      const fd = libc.shm_open(`/${entry}`, O_RDONLY | O_CLOEXEC, 0);
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
 * (its size, its contents) before it is marked and so before any other process of the package uses it.
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
    const fd = libc.shm_open(name, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, modeOf(options.kind));
    if (fd >= 0) {
      try {
        if (holdShared(libc, fd) !== 0) throw posixError(libc, libc.errno(), 'flock', `${what}: taking its lock`, given);
        // Between shm_open and the lock, another process may have taken the new object for one whose creator died, and
        // unlinked it (join): then start again, under the name as it is now.
        if (options.kind !== 'section' && !stillNamed(name, fd)) {
          libc.close(fd);
          continue;
        }
        options.initialize(fd);
        if (markOurs(libc, fd, options.kind) !== 0) throw posixError(libc, libc.errno(), 'fchmod', `${what}: marking it`, given);
      } catch (error) {
        libc.shm_unlink(name);
        libc.close(fd);
        throw error;
      }
      return { fd, created: true, ours: true };
    }
    const errno = libc.errno();
    if (libc.errnoNames.get(errno) !== 'EEXIST') throw posixError(libc, errno, 'shm_open', what, given);
    const existing = libc.shm_open(name, (options.writes ? O_RDWR : O_RDONLY) | O_CLOEXEC, 0);
    if (existing < 0) {
      if (libc.errnoNames.get(libc.errno()) === 'ENOENT') continue; // gone in between: create it
      throw posixError(libc, libc.errno(), 'shm_open', `${what} (opening the existing one)`, given);
    }
    const found = join(libc, name, existing);
    if (found === 'stale' || found === 'replaced' || options.exclusive) {
      libc.close(existing);
      if (found === 'stale' || found === 'replaced') continue;
      throw posixError(libc, errnoNumber(libc, 'EEXIST'), 'shm_open', `${what} (exclusive)`, given, options.kind);
    }
    checkKind(libc, existing, options.kind, given, what);
    return { fd: existing, created: false, ours: found === 'in-use' };
  }
  throw new Error(`${what}: the name kept being replaced by other processes (${ATTEMPTS} attempts)`);
}

/**
 * Opens the segment `name` another process created and joins it; ENOENT when none has it (or only a stale one), EINVAL
 * when it holds another kind of object than `kind`.
 */
export function openAndJoin(libc: Libc, name: string, given: string, what: string, options: { writes: boolean; kind: ObjectKind }): HeldSegment {
  const { writes } = options;
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const fd = libc.shm_open(name, (writes ? O_RDWR : O_RDONLY) | O_CLOEXEC, 0);
    if (fd < 0) throw posixError(libc, libc.errno(), 'shm_open', what, given);
    const found = join(libc, name, fd);
    if (found === 'replaced') {
      libc.close(fd);
      continue;
    }
    if (found === 'stale') {
      // Left by a process that ended without closing: as on Windows, the name is gone with its last user.
      libc.close(fd);
      throw posixError(
        libc,
        errnoNumber(libc, 'ENOENT'),
        'shm_open',
        `${what} (it was left behind by a process that ended without closing it, and is now removed)`,
        given,
      );
    }
    checkKind(libc, fd, options.kind, given, what);
    return { fd, created: false, ours: found === 'in-use' };
  }
  throw new Error(`${what}: the name kept being replaced by other processes (${ATTEMPTS} attempts)`);
}
