/**
 * The file of a file-backed section on Linux: opened (created when a size and a writing protection ask for it, as
 * Windows creates it), checked to be a regular file, and grown to the section's size with the growth reserved. The
 * section is then the file's descriptor (posix/backend.ts).
 */
import { rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { FileMappingValidationError } from '../errors.js';
import type { ParsedCreateOptions } from '../section/options.js';
import { O_CLOEXEC, O_CREAT, O_EXCL, O_NONBLOCK, O_RDONLY, O_RDWR } from './constants.js';
import { errnoNumber, posixError } from './errors.js';
import type { Libc } from './libc.js';
import { statFd } from './segments.js';

/** What to do about ENOSPC for a file-backed section. */
const FILE_ROOM_HINT = 'The file system that holds the file has no room for this size: free some space, or ask for less.';

/** Opens, checks and grows the file of `options`; returns its descriptor and the section's size. */
export function openBackingFile(libc: Libc, options: ParsedCreateOptions, what: string): { fd: number; size: bigint } {
  const fail = (syscall: string, action: string) => posixError(libc, libc.errno(), syscall, action, options.file);
  const path = resolve(options.file as string);
  const writes = options.protection === 'readwrite';
  let created = false;
  let fd = -1;
  // Never waits in open(): a FIFO given as the file would block an open for reading until a writer came.
  const flags = O_NONBLOCK | O_CLOEXEC;
  // With a size and a protection that writes, a missing file is created (and grown), as on Windows.
  if (options.size !== undefined && writes) {
    fd = libc.open(path, O_RDWR | O_CREAT | O_EXCL | flags, 0o666);
    created = fd >= 0;
    if (fd < 0 && libc.errnoNames.get(libc.errno()) !== 'EEXIST') throw fail('open', `opening file "${options.file}" to back a section`);
  }
  if (fd < 0) {
    fd = libc.open(path, (writes ? O_RDWR : O_RDONLY) | flags, 0);
    if (fd < 0) throw fail('open', `opening file "${options.file}" to back a section`);
  }
  try {
    const stats = statFd(fd);
    if (!stats.isFile()) {
      throw posixError(
        libc,
        errnoNumber(libc, stats.isDirectory() ? 'EISDIR' : 'EINVAL'),
        'open',
        `opening file "${options.file}" to back a section: it is ${stats.isDirectory() ? 'a directory' : stats.isFIFO() ? 'a FIFO' : 'not a regular file'}`,
        options.file,
        undefined,
        'A section is backed by a regular file: give the path of one.',
      );
    }
    const have = BigInt(stats.size);
    const size = options.size ?? have;
    if (size === 0n) {
      throw new FileMappingValidationError('FileMapping.create() options', [
        `file: "${options.file}" is empty: a file-backed section needs a size; pass size to grow the file`,
      ]);
    }
    if (size > have && !writes) {
      throw new FileMappingValidationError('FileMapping.create() options', [
        `size: ${size} bytes is more than "${options.file}" holds (${have} bytes), and a '${options.protection}' section cannot grow its file; omit size to map the whole file, or use 'readwrite' protection to grow it`,
      ]);
    }
    // The part the file grows by is reserved now, as Windows allocates it when CreateFileMapping extends a file
    // (ERROR_DISK_FULL): a write through the view to a block the file system then has no room for would be a SIGBUS
    // of the host. fallocate(2) itself, not posix_fallocate: where the file system cannot reserve, glibc's fallback
    // writes a byte per block, which races other writers of a shared file (NFS); the file then grows sparse. Holes
    // the file already had stay holes, as on Windows (a full disk there is an in-page error).
    if (size > have) {
      const grown = libc.fallocate(fd, 0, have, size - have) === 0;
      const errno = grown ? 0 : libc.errno();
      if (!grown && !['EOPNOTSUPP', 'ENOTSUP', 'ENOSYS'].includes(libc.errnoNames.get(errno) ?? '')) {
        throw posixError(libc, errno, 'fallocate', `${what}: growing "${options.file}" to ${size} bytes`, options.file, undefined, FILE_ROOM_HINT);
      }
      if (!grown && libc.ftruncate(fd, size) !== 0) throw fail('ftruncate', `${what}: growing the file to ${size} bytes`);
    }
    return { fd, size };
  } catch (error) {
    libc.close(fd);
    if (created) rmSync(path, { force: true });
    throw error;
  }
}
