/**
 * The file behind a file-backed section: opened with the access its protection needs while the section is
 * created, then closed (the section keeps its own reference).
 */
import { resolve, toNamespacedPath } from 'node:path';
import type { ParsedCreateOptions, Protection } from '../section/options.js';
import { win32Error } from './errors.js';
import {
  ERROR_ALREADY_EXISTS,
  FILE_ATTRIBUTE_NORMAL,
  FILE_SHARE_READ,
  FILE_SHARE_WRITE,
  GENERIC_EXECUTE,
  GENERIC_READ,
  GENERIC_WRITE,
  INVALID_HANDLE_VALUE,
  OPEN_ALWAYS,
  OPEN_EXISTING,
} from './constants.js';
import type { Kernel32 } from './kernel32.js';

/** CreateFileW access for each protection: a view can do no more than the file handle behind the section. */
const FILE_ACCESS: Readonly<Record<Protection, number>> = {
  readonly: GENERIC_READ,
  readwrite: GENERIC_READ | GENERIC_WRITE,
  writecopy: GENERIC_READ,
  'execute-read': GENERIC_READ | GENERIC_EXECUTE,
  'execute-readwrite': GENERIC_READ | GENERIC_WRITE | GENERIC_EXECUTE,
  'execute-writecopy': GENERIC_READ | GENERIC_EXECUTE,
};

/** The file behind a file-backed section while it is being created. */
export interface BackingFile {
  handle: bigint;
  /** The full path CreateFileW opened. */
  path: string;
  /** Whether CreateFileW created it (OPEN_ALWAYS on a missing file). */
  created: boolean;
}

/** Whether a section of this protection writes its file, and so may create it and grow it to the section's size. */
export function writesFile(protection: Protection): boolean {
  return (FILE_ACCESS[protection] & GENERIC_WRITE) !== 0;
}

export function openBackingFile(k32: Kernel32, options: ParsedCreateOptions): BackingFile {
  const path = options.file as string;
  // Resolved against Node's working directory, and in the \\?\ form so that paths past MAX_PATH open too.
  const fullPath = toNamespacedPath(resolve(path));
  // With a size the file may be created (a new file is grown to the size by the section); without one it must
  // exist, since its size is the section's. A section that cannot write cannot grow a file either: it must exist.
  const disposition = options.size === undefined || !writesFile(options.protection) ? OPEN_EXISTING : OPEN_ALWAYS;
  const handle = k32.CreateFileW(fullPath, FILE_ACCESS[options.protection], FILE_SHARE_READ | FILE_SHARE_WRITE, null, disposition, FILE_ATTRIBUTE_NORMAL, null);
  const errno = k32.GetLastError();
  if (handle === null || handle === INVALID_HANDLE_VALUE) {
    throw win32Error(k32, errno, 'CreateFileW', `opening file "${path}" to back a section`, path);
  }
  // OPEN_ALWAYS reports an existing file with ERROR_ALREADY_EXISTS and a new one with 0.
  return { handle, path: fullPath, created: disposition === OPEN_ALWAYS && errno !== ERROR_ALREADY_EXISTS };
}

export function fileSize(k32: Kernel32, fileHandle: bigint, path: string): bigint {
  const out: [number | bigint] = [0];
  if (!k32.GetFileSizeEx(fileHandle, out)) {
    const errno = k32.GetLastError();
    throw win32Error(k32, errno, 'GetFileSizeEx', `reading the size of "${path}"`, path);
  }
  return BigInt(out[0]);
}
