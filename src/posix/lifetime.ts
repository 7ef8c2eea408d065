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
 * Races: every step that found the name re-checks, once it holds its lock, that the name still refers to the segment it
 * opened (same inode), and starts again otherwise: a segment being unlinked by its last user, or replaced, is never
 * joined. A C or Python peer joins the lifetime by holding flock(fd, LOCK_SH) while it uses the segment.
 */
import { fstatSync, statSync } from 'node:fs';
import type { ObjectKind } from '../errors.js';
import { LOCK_EX, LOCK_NB, LOCK_SH, LOCK_UN, O_CLOEXEC, O_CREAT, O_EXCL, O_RDONLY, O_RDWR, S_IRUSR, S_ISVTX, S_IWUSR } from './constants.js';
import { errnoNumber, posixError } from './errors.js';
import type { Libc } from './libc.js';

/** The mode of a new segment: its owner reads and writes it (as CPython's shared_memory makes them). */
export const MODE = S_IRUSR | S_IWUSR;
/** How many times a create or an open starts again when a segment is replaced under it. */
const ATTEMPTS = 100;

/** Where glibc and musl keep shared memory objects: the name's file, for the inode check. */
const SHM_DIR = '/dev/shm';

/** What was found under a name that exists. */
export type Found = 'in-use' | 'stale' | 'foreign' | 'replaced';

/** The inode of the file descriptor (fstat through Node), and whether this package made the segment. */
function identity(fd: number): { ino: number; dev: number; ours: boolean } {
  const stats = statFd(fd);
  return { ino: stats.ino, dev: stats.dev, ours: (stats.mode & S_ISVTX) !== 0 };
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
    // Nobody holds it: a process that made it ended without closing. Unlink only what the name still refers to.
    if (!stillNamed(name, fd)) return 'replaced';
    libc.shm_unlink(name);
    return 'stale';
  }
  if (libc.flock(fd, LOCK_SH) !== 0) return 'replaced';
  return stillNamed(name, fd) ? (ours ? 'in-use' : 'foreign') : 'replaced';
}

/** Marks a segment this process just created (and holds its shared lock on) as this package's. */
export function markOurs(libc: Libc, fd: number, mode: number): number {
  return libc.fchmod(fd, mode | S_ISVTX);
}

/** Takes this process's shared lock on a segment it created. */
export function holdShared(libc: Libc, fd: number): number {
  return libc.flock(fd, LOCK_SH);
}

/**
 * Before the last close of this process's descriptor: unlinks the name if no other process uses the segment and this
 * package made it. Returns whether it unlinked.
 */
export function leave(libc: Libc, name: string, fd: number): boolean {
  const { ours } = identity(fd);
  if (!ours || libc.flock(fd, LOCK_EX | LOCK_NB) !== 0) return false;
  const unlinked = stillNamed(name, fd) && libc.shm_unlink(name) === 0;
  libc.flock(fd, LOCK_UN);
  return unlinked;
}

/** A named segment this process now holds (its shared lock taken), and whether the package's protocol applies to it. */
export interface HeldSegment {
  fd: number;
  /** True when this call created it. */
  created: boolean;
  /** The package made it (marked): the last user removes its name. False for a segment another program made. */
  ours: boolean;
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
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const fd = libc.shm_open(name, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, MODE);
    if (fd >= 0) {
      try {
        if (holdShared(libc, fd) !== 0) throw posixError(libc, libc.errno(), 'flock', `${what}: taking its lock`, given);
        options.initialize(fd);
        if (markOurs(libc, fd, MODE) !== 0) throw posixError(libc, libc.errno(), 'fchmod', `${what}: marking it`, given);
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
    return { fd: existing, created: false, ours: found === 'in-use' };
  }
  throw new Error(`${what}: the name kept being replaced by other processes (${ATTEMPTS} attempts)`);
}

/** Opens the segment `name` another process created and joins it; ENOENT when none has it (or only a stale one). */
export function openAndJoin(libc: Libc, name: string, given: string, what: string, writes: boolean): HeldSegment {
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
      throw posixError(libc, errnoNumber(libc, 'ENOENT'), 'shm_open', `${what} (it was left behind by a process that ended without closing it, and is now removed)`, given);
    }
    return { fd, created: false, ours: found === 'in-use' };
  }
  throw new Error(`${what}: the name kept being replaced by other processes (${ATTEMPTS} attempts)`);
}
