/**
 * The libc constants the package uses, with their Linux values (x86_64 and aarch64 share most of them; the few open(2)
 * flags that differ are chosen by the running architecture below). The raw layer `filemapping/posix` exports them
 * under their C names. macOS has other values for several (O_CREAT 0x200,
 * O_EXCL 0x800, MAP_ANON 0x1000, MS_SYNC 0x10): its backend, when there is one, brings its own table.
 */

// open(2), shm_open(3)
/** libc's `O_RDONLY`, for open(2), shm_open(3). */
export const O_RDONLY = 0;
/** libc's `O_WRONLY`, for open(2), shm_open(3). */
export const O_WRONLY = 1;
/** libc's `O_RDWR`, for open(2), shm_open(3). */
export const O_RDWR = 2;
/** libc's `O_CREAT`, for open(2), shm_open(3). */
export const O_CREAT = 0x40;
/** libc's `O_EXCL`, for open(2), shm_open(3). */
export const O_EXCL = 0x80;
/** libc's `O_TRUNC`, for open(2), shm_open(3). */
export const O_TRUNC = 0x200;
/** libc's `O_NONBLOCK`, for open(2), shm_open(3): opening a FIFO does not wait for its other end. */
export const O_NONBLOCK = 0x800;
/** libc's `O_CLOEXEC`, for open(2), shm_open(3). */
export const O_CLOEXEC = 0x80000;
// aarch64 (and 32-bit arm) number these flags otherwise than x86_64 (asm/fcntl.h of each architecture).
const ARM = process.arch === 'arm64' || process.arch === 'arm';
/** libc's `O_DIRECTORY`, for open(2): 0x10000 on x86_64, 0x4000 on aarch64. */
export const O_DIRECTORY = ARM ? 0x4000 : 0x10000;
/** libc's `O_NOFOLLOW`, for open(2): a symbolic link is refused (ELOOP). 0x20000 on x86_64, 0x8000 on aarch64. */
export const O_NOFOLLOW = ARM ? 0x8000 : 0x20000;
/** libc's `O_TMPFILE` (Linux 3.11+), for open(2): an unnamed file in the directory given, which linkat() can name. */
export const O_TMPFILE = 0x400000 | O_DIRECTORY;

// linkat(2)
/** libc's `AT_FDCWD`: a path relative to the current directory. */
export const AT_FDCWD = -100;
/** libc's `AT_SYMLINK_FOLLOW`, for linkat(2): link what a symbolic link (such as /proc/self/fd/N) refers to. */
export const AT_SYMLINK_FOLLOW = 0x400;
/** libc's `AT_EMPTY_PATH`, for linkat(2): link the file of the descriptor itself (an empty path). */
export const AT_EMPTY_PATH = 0x1000;

// mmap(2), mprotect(2)
/** libc's `PROT_NONE`, for mmap(2), mprotect(2). */
export const PROT_NONE = 0;
/** libc's `PROT_READ`, for mmap(2), mprotect(2). */
export const PROT_READ = 1;
/** libc's `PROT_WRITE`, for mmap(2), mprotect(2). */
export const PROT_WRITE = 2;
/** libc's `PROT_EXEC`, for mmap(2), mprotect(2). */
export const PROT_EXEC = 4;
/** libc's `MAP_SHARED`, for mmap(2), mprotect(2). */
export const MAP_SHARED = 0x01;
/** libc's `MAP_PRIVATE`, for mmap(2), mprotect(2). */
export const MAP_PRIVATE = 0x02;
/** libc's `MAP_FIXED`, for mmap(2), mprotect(2). */
export const MAP_FIXED = 0x10;
/** libc's `MAP_ANONYMOUS`, for mmap(2), mprotect(2). */
export const MAP_ANONYMOUS = 0x20;
/** libc's `MAP_NORESERVE`, for mmap(2), mprotect(2). */
export const MAP_NORESERVE = 0x4000;
/** Linux 4.17+: map at the address given, or fail with EEXIST if anything is mapped there (never clobbers). */
export const MAP_FIXED_NOREPLACE = 0x100000;
/** What mmap returns on failure: (void *) -1. */
export const MAP_FAILED = 0xffff_ffff_ffff_ffffn;

// msync(2)
/** libc's `MS_ASYNC`, for msync(2). */
export const MS_ASYNC = 1;
/** libc's `MS_INVALIDATE`, for msync(2). */
export const MS_INVALIDATE = 2;
/** libc's `MS_SYNC`, for msync(2). */
export const MS_SYNC = 4;

// flock(2)
/** libc's `LOCK_SH`, for flock(2). */
export const LOCK_SH = 1;
/** libc's `LOCK_EX`, for flock(2). */
export const LOCK_EX = 2;
/** libc's `LOCK_NB`, for flock(2). */
export const LOCK_NB = 4;
/** libc's `LOCK_UN`, for flock(2). */
export const LOCK_UN = 8;

// memfd_create(2)
/** libc's `MFD_CLOEXEC`, for memfd_create(2). */
export const MFD_CLOEXEC = 1;

// sysconf(3)
/** libc's `_SC_PAGESIZE`, for sysconf(3). */
export const _SC_PAGESIZE = 30;

// stat(2) mode bits
/** libc's `S_IRUSR`, for stat(2) mode bits. */
export const S_IRUSR = 0o400;
/** libc's `S_IWUSR`, for stat(2) mode bits. */
export const S_IWUSR = 0o200;
/** The sticky bit: on a shared memory object, the mark of one this package created (see posix/lifetime.ts). */
export const S_ISVTX = 0o1000;
/**
 * The set-group-ID bit: on a shared memory object of this package, the mark of a mutex, event or semaphore rather than
 * a section (it means nothing without group execute permission; see posix/lifetime.ts).
 */
export const S_ISGID = 0o2000;

/** The longest name of a shared memory object, its leading slash included (NAME_MAX). */
export const NAME_MAX = 255;
