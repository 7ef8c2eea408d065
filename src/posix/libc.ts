/**
 * Every koffi declaration of libc, and the only module of the POSIX backend that imports koffi.
 *
 * The prototypes are C-style, with the parameter names of the Linux man pages. Pointers are BigInt values (koffi 3);
 * `mmap` fails with MAP_FAILED (all bits set), not NULL. Nothing is loaded at import: `getLibc()` loads the C library
 * on the first call. errno is read with `koffi.errno()` right after a failed call: koffi keeps it per call.
 *
 * Which C library: glibc from 2.34 has `shm_open` in libc.so.6, before it in librt.so.1; musl has everything in its
 * one library. Anything else fails with an error naming the library found.
 */
import { createRequire } from 'node:module';
import { built, sourceRequire } from '../core/package-require.js';

/** The libc functions the package calls, typed. A function that returns -1 sets errno. */
export interface Libc {
  /** The C library these functions come from, for messages: 'glibc 2.36 (libc.so.6)'. */
  readonly library: string;
  shm_open(name: string, oflag: number, mode: number): number;
  shm_unlink(name: string): number;
  /** memfd_create (glibc 2.27+, musl 1.1.20+), or undefined where the C library lacks it. */
  readonly memfd_create: ((name: string, flags: number) => number) | undefined;
  open(pathname: string, flags: number, mode: number): number;
  linkat(olddirfd: number, oldpath: string, newdirfd: number, newpath: string, flags: number): number;
  close(fd: number): number;
  ftruncate(fd: number, length: bigint): number;
  /** Returns an error number itself (0 on success), not through errno. */
  posix_fallocate(fd: number, offset: bigint, len: bigint): number;
  /** Linux's fallocate(2): -1 and errno on failure (EOPNOTSUPP where the file system cannot reserve). */
  fallocate(fd: number, mode: number, offset: bigint, len: bigint): number;
  mmap(addr: bigint | null, length: bigint, prot: number, flags: number, fd: number, offset: bigint): bigint;
  munmap(addr: bigint, length: bigint): number;
  msync(addr: bigint, length: bigint, flags: number): number;
  mprotect(addr: bigint, len: bigint, prot: number): number;
  flock(fd: number, operation: number): number;
  fchmod(fd: number, mode: number): number;
  fsync(fd: number): number;
  sysconf(name: number): number;
  getpid(): number;
  /** Copies n bytes; an address is a bigint, a Buffer stands for its own memory. */
  memcpy(dest: bigint | Uint8Array, src: bigint | Uint8Array, n: number): void;
  strerror(errnum: number): string;
  /** syscall(2) with arguments given as koffi's variadic pairs (type name, value). */
  syscall(number: number, ...args: unknown[]): number | bigint;
  /** clock_gettime into a 16-byte struct timespec. */
  clock_gettime(clockid: number, tp: Buffer): number;
  /** poll(2) on `nfds` 8-byte struct pollfd (int fd, short events, short revents) in `fds`. */
  poll(fds: Buffer, nfds: number, timeout: number): number;
  pthread_mutexattr_init(attr: Buffer): number;
  pthread_mutexattr_setpshared(attr: Buffer, pshared: number): number;
  pthread_mutexattr_setrobust(attr: Buffer, robust: number): number;
  pthread_mutex_init(mutex: bigint, attr: Buffer): number;
  /** These return an error number (0 on success), not -1 and errno. */
  pthread_mutex_trylock(mutex: bigint): number;
  pthread_mutex_unlock(mutex: bigint): number;
  pthread_mutex_consistent(mutex: bigint): number;
  /** errno after the last call (koffi.errno()). */
  errno(): number;
  /** Not libc: an ArrayBuffer over `length` bytes at `address`, without copy (koffi.view). */
  viewMemory(address: bigint, length: number): ArrayBuffer;
  /** Not libc: a function calling the machine code at `address` with the platform's C convention. */
  functionAt(address: bigint, result: string, parameters: readonly string[]): (...args: unknown[]) => unknown;
  /** errno names by number, from koffi's table for this OS. */
  readonly errnoNames: ReadonlyMap<number, string>;
}

type Koffi = typeof import('koffi');

let loaded: Libc | undefined;

/** Loads the C library and declares its functions, once. */
export function getLibc(): Libc {
  // A lazy require keeps koffi (and its native binary) out of the import graph until a section is made.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy, and visible to bundlers
  loaded ??= declareLibc((built ? require('koffi') : sourceRequire()('koffi')) as Koffi);
  return loaded;
}

/**
 * The file koffi is loaded from, for a wait thread: its code is evaluated from a string (no file of the package is
 * looked up at run time), and such a thread's own require() resolves from the working directory, not from here.
 */
export function koffiPathOf(): string {
  return built ? require.resolve('koffi') : sourceRequire().resolve('koffi');
}

/** libc declared through the koffi at `path` (koffiPathOf() of the main thread): for a wait thread. */
export function loadLibc(path: string): Libc {
  loaded ??= declareLibc(createRequire(path)(path) as Koffi);
  return loaded;
}

/** The glibc version of this process, or undefined under another C library (musl). */
function glibcVersion(): string | undefined {
  const header = (process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined)?.header;
  return header?.glibcVersionRuntime;
}

function declareLibc(koffi: Koffi): Libc {
  const glibc = glibcVersion();
  const names = glibc === undefined ? ['libc.musl-x86_64.so.1', 'libc.musl-aarch64.so.1', 'libc.so'] : ['libc.so.6'];
  let lib: ReturnType<Koffi['load']> | undefined;
  let libraryName = '';
  for (const name of names) {
    try {
      lib = koffi.load(name);
      libraryName = name;
      break;
    } catch {
      // The next name.
    }
  }
  if (lib === undefined) {
    throw new Error(
      `filemapping could not load the C library: this process runs ${glibc === undefined ? 'a C library that is not glibc (musl?)' : `glibc ${glibc}`}, and none of ${names.join(', ')} loaded`,
    );
  }
  const library = glibc === undefined ? `musl (${libraryName})` : `glibc ${glibc} (${libraryName})`;
  const libc = lib;
  const fn = (prototype: string) => libc.func(prototype);
  /** A function of libc, or of librt.so.1 where glibc before 2.34 keeps it. */
  const rt = (prototype: string) => {
    try {
      return fn(prototype);
    } catch (error) {
      if (glibc === undefined) throw new Error(`${library} has no ${prototype.replace(/^.*? \*?(\w+)\(.*$/u, '$1')}`, { cause: error });
      return koffi.load('librt.so.1').func(prototype);
    }
  };
  /** A pthread function of libc, or of libpthread.so.0 where glibc before 2.34 keeps it. */
  const pthread = (prototype: string) => {
    try {
      return fn(prototype);
    } catch (error) {
      if (glibc === undefined) throw error;
      return koffi.load('libpthread.so.0').func(prototype);
    }
  };
  const optional = (prototype: string) => {
    try {
      return fn(prototype);
    } catch {
      return undefined;
    }
  };
  // shm_open is variadic (int shm_open(const char *, int, ...)): declared so, since variadic arguments are passed
  // differently from fixed ones on some ABIs (macOS arm64), and the mode is given with its type.
  const shmOpen = rt('int shm_open(const char *name, int oflag, ...)');
  const open = fn('int open(const char *pathname, int flags, ...)');
  const memfd = optional('int memfd_create(const char *name, unsigned int flags)');
  const errnoNames = new Map<number, string>();
  for (const [name, value] of Object.entries(koffi.os.errno as Record<string, number>)) {
    if (!errnoNames.has(value)) errnoNames.set(value, name);
  }
  return {
    library,
    shm_open: (name, oflag, mode) => shmOpen(name, oflag, 'uint32_t', mode) as number,
    shm_unlink: rt('int shm_unlink(const char *name)'),
    memfd_create: memfd as Libc['memfd_create'],
    open: (pathname, flags, mode) => open(pathname, flags, 'uint32_t', mode) as number,
    linkat: fn('int linkat(int olddirfd, const char *oldpath, int newdirfd, const char *newpath, int flags)'),
    close: fn('int close(int fd)'),
    ftruncate: fn('int ftruncate(int fd, int64_t length)'),
    posix_fallocate: fn('int posix_fallocate(int fd, int64_t offset, int64_t len)'),
    fallocate: fn('int fallocate(int fd, int mode, int64_t offset, int64_t len)'),
    mmap: fn('void *mmap(void *addr, size_t length, int prot, int flags, int fd, int64_t offset)'),
    munmap: fn('int munmap(void *addr, size_t length)'),
    msync: fn('int msync(void *addr, size_t length, int flags)'),
    mprotect: fn('int mprotect(void *addr, size_t len, int prot)'),
    flock: fn('int flock(int fd, int operation)'),
    fchmod: fn('int fchmod(int fd, uint32_t mode)'),
    fsync: fn('int fsync(int fd)'),
    sysconf: fn('long sysconf(int name)'),
    getpid: fn('int getpid()'),
    memcpy: fn('void *memcpy(void *dest, const void *src, size_t n)'),
    strerror: fn('const char *strerror(int errnum)'),
    syscall: fn('long syscall(long number, ...)'),
    clock_gettime: fn('int clock_gettime(int clockid, void *tp)'),
    poll: fn('int poll(void *fds, unsigned long nfds, int timeout)'),
    // glibc before 2.34 keeps the pthread functions in libpthread.so.0: rt() looks there too.
    pthread_mutexattr_init: pthread('int pthread_mutexattr_init(void *attr)'),
    pthread_mutexattr_setpshared: pthread('int pthread_mutexattr_setpshared(void *attr, int pshared)'),
    pthread_mutexattr_setrobust: pthread('int pthread_mutexattr_setrobust(void *attr, int robust)'),
    pthread_mutex_init: pthread('int pthread_mutex_init(void *mutex, void *attr)'),
    pthread_mutex_trylock: pthread('int pthread_mutex_trylock(void *mutex)'),
    pthread_mutex_unlock: pthread('int pthread_mutex_unlock(void *mutex)'),
    pthread_mutex_consistent: pthread('int pthread_mutex_consistent(void *mutex)'),
    errno: () => koffi.errno(),
    viewMemory: (address, length) => koffi.view(address, length),
    // An anonymous prototype: koffi's type names are global to the process.
    functionAt: (address, result, parameters) => koffi.decode(address, koffi.proto(null, result, [...parameters])) as (...args: unknown[]) => unknown,
    errnoNames,
  } as Libc;
}
