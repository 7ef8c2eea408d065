/**
 * `filemapping/posix`: the raw layer for Linux. libc's functions under their C names, with their C parameters, and
 * the constants, so that a C sample for Linux translates line by line:
 *
 * ```ts
 * const fd = shm_open('/MyFileMapping', O_CREAT | O_RDWR, 0o600);
 * if (fd === -1) throw new Error(`shm_open: ${strerror(errno())}`);
 * ```
 *
 * Pointers are bigint (mmap fails with MAP_FAILED, not NULL), NULL is null, and failures are reported as in C (-1
 * and errno, read with `errno()` right after the call); nothing closes what you open here. What the layer adds is
 * argument checking: koffi does not range-check integers, so every argument is validated (an int in its range, sizes
 * and offsets in 0..2^63-1, strings without NUL) and a size that describes a Buffer must fit in it, before the call.
 */
import { constants as bufferConstants } from 'node:buffer';
import type { z } from 'zod';
import { checkedFunction, fits, type Relation } from '../core/raw-call.js';
import { lazy, zod } from '../core/zod.js';
import { PlatformNotSupportedError, validationErrorFromZod } from '../errors.js';
import { getLibc, type Libc } from './libc.js';

export * from './constants.js';

const MAX_INT64 = 2n ** 63n - 1n;

/** libc, or a PlatformNotSupportedError where there is no backend for this OS (Windows: use filemapping/win32). */
function libc(): Libc {
  if (process.platform !== 'linux') {
    throw new PlatformNotSupportedError(process.platform, {
      option: 'filemapping/posix',
      reason:
        "it is libc's own API as this package declares it for Linux: use the idiomatic layer ('filemapping'), the same on every OS, or on Windows the raw layer filemapping/win32",
    });
  }
  return getLibc();
}

/** The parameters' types, built on the first call (importing the raw layer loads no zod). */
const types = lazy(() => {
  const z = zod();
  const int = z
    .number({ error: 'Expected an int: an integer from -2147483648 to 2147483647' })
    .int()
    .min(-(2 ** 31))
    .max(2 ** 31 - 1);
  const fd = z
    .number({ error: 'Expected a file descriptor: an integer from 0 to 2147483647' })
    .int()
    .min(0)
    .max(2 ** 31 - 1);
  const flags = z
    .number({ error: 'Expected flags: an integer from 0 to 2147483647' })
    .int()
    .min(0)
    .max(2 ** 31 - 1);
  const mode = z.number({ error: 'Expected a mode: an integer from 0 to 0o7777' }).int().min(0).max(0o7777);
  const unsigned = z.number({ error: 'Expected an unsigned int: an integer from 0 to 4294967295' }).int().min(0).max(0xffff_ffff);
  /** size_t and off_t: non-negative, at most 2^63 - 1 (off_t is signed). */
  const size = z.union([z.number().int().min(0).max(Number.MAX_SAFE_INTEGER), z.bigint().min(0n).max(MAX_INT64)], {
    error: 'Expected a size: a non-negative integer (number or bigint) below 2^63',
  });
  const pointer = z
    .bigint({ error: 'Expected a bigint pointer, or null' })
    .min(0n)
    .max(2n ** 64n - 1n)
    .nullable();
  const address = pointer.unwrap().min(1n, { error: 'Expected a pointer, not NULL' });
  const string = z
    .string({ error: 'Expected a string' })
    .refine((s) => !s.includes('\0'), { error: 'Must not contain a NUL character (it would end the string early)' });
  const memory = z.union([address, z.instanceof(Uint8Array)], { error: 'Expected a bigint pointer (not NULL) or a Buffer/Uint8Array' });
  const bufferAtArguments = z.tuple([address, z.number().int().min(1).max(bufferConstants.MAX_LENGTH)]);
  return { z, int, fd, flags, mode, unsigned, size, pointer, address, string, memory, bufferAtArguments };
});
type Types = ReturnType<typeof types>;

/** Wraps a libc function so that its arguments, named as in the man pages, are checked first (see core/raw-call.ts). */
function checked<F>(name: keyof Libc, parameters: (t: Types) => Record<string, z.ZodType>, relation?: Relation): F {
  return checkedFunction<F>(
    name,
    () => parameters(types()),
    () => libc()[name] as (...args: unknown[]) => unknown,
    relation,
  );
}

/** Opens (O_CREAT: creates) the shared memory object `name` ("/NAME", as in /dev/shm/NAME); -1 and errno on failure. */
export const shm_open = checked<(name: string, oflag: number, mode: number) => number>('shm_open', (t) => ({ name: t.string, oflag: t.flags, mode: t.mode }));
/** libc's `shm_unlink`, its arguments checked before the call (see the module comment). */
export const shm_unlink = checked<(name: string) => number>('shm_unlink', (t) => ({ name: t.string }));
/** libc's `open`, its arguments checked before the call (see the module comment). */
export const open = checked<(pathname: string, flags: number, mode: number) => number>('open', (t) => ({ pathname: t.string, flags: t.flags, mode: t.mode }));
/** libc's `close`, its arguments checked before the call (see the module comment). */
export const close = checked<(fd: number) => number>('close', (t) => ({ fd: t.fd }));
/** libc's `ftruncate`, its arguments checked before the call (see the module comment). */
export const ftruncate = checked<(fd: number, length: number | bigint) => number>('ftruncate', (t) => ({ fd: t.fd, length: t.size }));
/** Returns an error number itself (0 on success), not -1 and errno. */
export const posix_fallocate = checked<(fd: number, offset: number | bigint, len: number | bigint) => number>('posix_fallocate', (t) => ({
  fd: t.fd,
  offset: t.size,
  len: t.size,
}));
/** Returns the address, or MAP_FAILED (all bits set) and errno. */
export const mmap = checked<(addr: bigint | null, length: number | bigint, prot: number, flags: number, fd: number, offset: number | bigint) => bigint>(
  'mmap',
  (t) => ({
    addr: t.pointer,
    length: t.size,
    prot: t.flags,
    flags: t.flags,
    fd: t.int,
    offset: t.size,
  }),
);
/** libc's `munmap`, its arguments checked before the call (see the module comment). */
export const munmap = checked<(addr: bigint, length: number | bigint) => number>('munmap', (t) => ({ addr: t.address, length: t.size }));
/** libc's `msync`, its arguments checked before the call (see the module comment). */
export const msync = checked<(addr: bigint, length: number | bigint, flags: number) => number>('msync', (t) => ({
  addr: t.address,
  length: t.size,
  flags: t.flags,
}));
/** libc's `mprotect`, its arguments checked before the call (see the module comment). */
export const mprotect = checked<(addr: bigint, len: number | bigint, prot: number) => number>('mprotect', (t) => ({
  addr: t.address,
  len: t.size,
  prot: t.flags,
}));
/** libc's `flock`, its arguments checked before the call (see the module comment). */
export const flock = checked<(fd: number, operation: number) => number>('flock', (t) => ({ fd: t.fd, operation: t.flags }));
/** libc's `fchmod`, its arguments checked before the call (see the module comment). */
export const fchmod = checked<(fd: number, mode: number) => number>('fchmod', (t) => ({ fd: t.fd, mode: t.mode }));
/** libc's `fsync`, its arguments checked before the call (see the module comment). */
export const fsync = checked<(fd: number) => number>('fsync', (t) => ({ fd: t.fd }));
/** libc's `sysconf`, its arguments checked before the call (see the module comment). */
export const sysconf = checked<(name: number) => number>('sysconf', (t) => ({ name: t.int }));
/** libc's `getpid`, its arguments checked before the call (see the module comment). */
export const getpid = checked<() => number>('getpid', () => ({}));
/** libc's `strerror`, its arguments checked before the call (see the module comment). */
export const strerror = checked<(errnum: number) => string>('strerror', (t) => ({ errnum: t.int }));

/** memfd_create (glibc 2.27+): an anonymous file of memory; -1 and errno on failure. */
export const memfd_create = checked<(name: string, flags: number) => number>('memfd_create', (t) => ({ name: t.string, flags: t.unsigned }));

/** Copies n bytes from src to dest (memcpy). Either side is a pointer or a Buffer/Uint8Array, which must hold n bytes. */
export const memcpy = checked<(dest: bigint | Uint8Array, src: bigint | Uint8Array, n: number) => void>(
  'memcpy',
  (t) => ({ dest: t.memory, src: t.memory, n: t.z.number({ error: 'Expected a number of bytes' }).int().min(0).max(Number.MAX_SAFE_INTEGER) }),
  ([dest, src, n]) => [
    ...(dest instanceof Uint8Array ? fits(dest, n as number, 1, 2, 'dest') : []),
    ...(src instanceof Uint8Array ? fits(src, n as number, 1, 2, 'src') : []),
  ],
);

/** errno after the last call of this layer (koffi keeps it per call). */
export function errno(): number {
  return libc().errno();
}

/** The name of an errno value ('ENOENT'), or undefined. */
export function errnoName(value: number): string | undefined {
  return libc().errnoNames.get(value);
}

/**
 * Not a libc function: a Buffer over `length` bytes at `address`, without copy (what C does by dereferencing the
 * pointer mmap returned). Unsafe by nature: nothing ties the Buffer to the mapping, so touching it after munmap, or
 * writing into a read-only mapping, kills the process. The idiomatic layer's MappedView.buffer is the safe door.
 */
export function bufferAt(address: bigint, length: number): Buffer {
  const parsed = types().bufferAtArguments.safeParse([address, length]);
  if (!parsed.success) throw validationErrorFromZod('arguments to bufferAt', parsed.error);
  return Buffer.from(libc().viewMemory(address, length));
}
