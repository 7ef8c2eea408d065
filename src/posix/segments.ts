/**
 * The named segments of /dev/shm, one at a time: finding one under a name without waiting and without following a
 * link (openNamed), making one that appears under its name only once it is complete (publish), and looking at one
 * (statFd, ownMarked, stillNamed). What the package does with them over their life is posix/lifetime.ts.
 */
import { fstatSync, lstatSync, type Stats } from 'node:fs';
import type { ObjectKind } from '../errors.js';
import {
  AT_EMPTY_PATH,
  AT_FDCWD,
  AT_SYMLINK_FOLLOW,
  LOCK_SH,
  MFD_CLOEXEC,
  O_CLOEXEC,
  O_CREAT,
  O_EXCL,
  O_NOFOLLOW,
  O_NONBLOCK,
  O_RDONLY,
  O_RDWR,
  O_TMPFILE,
  S_IRUSR,
  S_ISGID,
  S_ISVTX,
  S_IWUSR,
} from './constants.js';
import { errnoNumber, posixError } from './errors.js';
import type { Libc } from './libc.js';

/** The mode of a new segment: its owner reads and writes it (as CPython's shared_memory makes them). */
export const MODE = S_IRUSR | S_IWUSR;

/** The mode of a finished segment of `kind`: marked (S_ISVTX), and S_ISGID for a mutex, event or semaphore. */
export function markedMode(kind: ObjectKind): number {
  return MODE | S_ISVTX | (kind === 'section' ? 0 : S_ISGID);
}

/** What a name that holds another kind of object is refused with. */
export const KIND_CLASH_HINT =
  'The name is taken by another kind of object (a section, a mutex, an event, a semaphore, or a file that is none of them): they share one namespace, as on Windows, so pick another name.';
/** Where glibc and musl keep shared memory objects: /dev/shm/NAME is the object shm_open("/NAME") opens. */
export const SHM_DIR = '/dev/shm';

/** fstat, through Node: no `struct stat` to declare (its layout differs between C libraries and architectures). */
export function statFd(fd: number): Stats {
  return fstatSync(fd);
}

/** Whether the package made this segment (marked), and this user did: only then may this process judge it stale. */
export function ownMarked(stats: Stats): boolean {
  return (stats.mode & S_ISVTX) !== 0 && stats.uid === process.geteuid?.();
}

/** Whether `name` still names the segment of `fd` (the name itself, not what a symbolic link there refers to). */
export function stillNamed(name: string, fd: number): boolean {
  try {
    const named = lstatSync(`${SHM_DIR}${name}`);
    const own = statFd(fd);
    return named.ino === own.ino && named.dev === own.dev;
  } catch {
    return false;
  }
}

/** The kind of file a name holds, when it is not a regular file (a shared memory object is one). */
export function oddFile(stats: Stats): string | undefined {
  if (stats.isFile()) return undefined;
  if (stats.isFIFO()) return 'a FIFO';
  if (stats.isDirectory()) return 'a directory';
  if (stats.isSocket()) return 'a socket';
  return 'a device';
}

/**
 * Refuses a segment found under the name when it holds the other kind of object: a mutex, event or semaphore (S_ISGID)
 * where a section is wanted, or a section (or another program's data) where one of those is wanted; or when it is no
 * regular file at all. Closes `fd` then.
 */
export function checkKind(libc: Libc, fd: number, kind: ObjectKind, given: string, what: string): void {
  const stats = statFd(fd);
  const odd = oddFile(stats);
  const object = (stats.mode & S_ISGID) !== 0;
  if (odd === undefined && object === (kind !== 'section')) return;
  libc.close(fd);
  const holds = odd ?? (object ? 'a mutex, an event or a semaphore' : 'a section (or data of another program)');
  throw posixError(libc, errnoNumber(libc, 'EINVAL'), 'shm_open', `${what}: the name holds ${holds}`, given, undefined, KIND_CLASH_HINT);
}

/**
 * Opens the segment under `name`, without waiting (a FIFO there would block an open for reading) and without following
 * a symbolic link; undefined when nothing has the name. Anything but a regular file of the wanted kind is refused.
 */
export function openNamed(libc: Libc, name: string, writes: boolean, kind: ObjectKind, given: string, what: string): number | undefined {
  const fd = libc.shm_open(name, (writes ? O_RDWR : O_RDONLY) | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC, 0);
  if (fd >= 0) {
    checkKind(libc, fd, kind, given, what);
    return fd;
  }
  const errno = libc.errno();
  const code = libc.errnoNames.get(errno);
  if (code === 'ENOENT') return undefined;
  if (code === 'ELOOP') {
    throw posixError(libc, errno, 'shm_open', `${what}: the name is a symbolic link, which this package never follows`, given, undefined, KIND_CLASH_HINT);
  }
  // glibc reports a directory opened for writing as EINVAL; a socket cannot be opened (ENXIO).
  if (code === 'EISDIR' || code === 'EINVAL' || code === 'ENXIO') {
    let odd: string | undefined;
    try {
      odd = oddFile(lstatSync(`${SHM_DIR}${name}`));
    } catch {
      // Gone in between: report what open() said.
    }
    if (odd !== undefined) throw posixError(libc, errnoNumber(libc, 'EINVAL'), 'shm_open', `${what}: the name holds ${odd}`, given, undefined, KIND_CLASH_HINT);
  }
  throw posixError(libc, errno, 'shm_open', what, given);
}

/**
 * Makes a finished segment of `kind` and links it to `name`, or returns undefined when the name exists by then (the
 * caller joins that one). The segment is unnamed (O_TMPFILE) until linkat(): a creator that fails or is killed before
 * leaves nothing; after it, a finished segment, marked and locked by its creator from the start.
 */
export function publish(libc: Libc, name: string, kind: ObjectKind, initialize: (fd: number) => void, given: string, what: string): number | undefined {
  const fd = libc.open(SHM_DIR, O_TMPFILE | O_RDWR | O_CLOEXEC, MODE);
  if (fd < 0) throw posixError(libc, libc.errno(), 'open', `${what}: making its segment in ${SHM_DIR} (O_TMPFILE)`, given);
  try {
    // Nobody else can reach the file yet: the lock is taken at once, and held from before the name exists.
    if (libc.flock(fd, LOCK_SH) !== 0) throw posixError(libc, libc.errno(), 'flock', `${what}: taking its lock`, given);
    initialize(fd);
    // The umask filtered the mode given to open(): fchmod sets it exactly, with the mark.
    if (libc.fchmod(fd, markedMode(kind)) !== 0) throw posixError(libc, libc.errno(), 'fchmod', `${what}: marking it`, given);
    if (linkFd(libc, fd, `${SHM_DIR}${name}`) === 0) return fd;
    const errno = libc.errno();
    const code = libc.errnoNames.get(errno);
    if (code === 'ENOENT') throw posixError(libc, errno, 'linkat', `${what}: giving the new segment its name: ${NO_PROC}`, given, undefined, NO_PROC_HINT);
    if (code !== 'EEXIST') throw posixError(libc, errno, 'linkat', `${what}: giving the new segment its name`, given);
  } catch (error) {
    libc.close(fd);
    throw error;
  }
  libc.close(fd);
  return undefined;
}

/** Why linkFd() fails with ENOENT. */
const NO_PROC =
  '/proc is not mounted (linking /proc/self/fd/N names an unnamed file), and this kernel lets only a process with CAP_DAC_READ_SEARCH link a descriptor itself (linkat with AT_EMPTY_PATH; Linux 6.10 lifts that)';
const NO_PROC_HINT = 'Mount /proc in this mount namespace (mount -t proc proc /proc): named sections, mutexes, events and semaphores need it to be created.';

/**
 * Links the unnamed file of `fd` to `path` (linkat, failing with EEXIST if the name exists): through /proc/self/fd/N,
 * or, where /proc is not mounted (a chroot, a bare container), through the descriptor itself (AT_EMPTY_PATH), which
 * Linux allows any process from 6.10 on, and before only one with CAP_DAC_READ_SEARCH. Returns 0, or -1 with errno set.
 */
function linkFd(libc: Libc, fd: number, path: string): number {
  if (libc.linkat(AT_FDCWD, `/proc/self/fd/${fd}`, AT_FDCWD, path, AT_SYMLINK_FOLLOW) === 0) return 0;
  if (libc.errnoNames.get(libc.errno()) !== 'ENOENT') return -1;
  return libc.linkat(fd, '', AT_FDCWD, path, AT_EMPTY_PATH);
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
