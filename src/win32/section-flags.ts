/**
 * The Win32 values of the section options: PAGE_* protections, SEC_* attributes and FILE_MAP_* accesses, and the
 * flProtect of CreateFileMappingW.
 */
import type { Access, Attribute, ParsedCreateOptions, Protection } from '../section/options.js';
import {
  FILE_MAP_ALL_ACCESS,
  FILE_MAP_COPY,
  FILE_MAP_EXECUTE,
  FILE_MAP_READ,
  FILE_MAP_WRITE,
  PAGE_EXECUTE_READ,
  PAGE_EXECUTE_READWRITE,
  PAGE_EXECUTE_WRITECOPY,
  PAGE_READONLY,
  PAGE_READWRITE,
  PAGE_WRITECOPY,
  SEC_COMMIT,
  SEC_IMAGE,
  SEC_IMAGE_NO_EXECUTE,
  SEC_LARGE_PAGES,
  SEC_NOCACHE,
  SEC_RESERVE,
  SEC_WRITECOMBINE,
} from './constants.js';

/** Page protection of a section, and the PAGE_* value of each. */
export const PROTECTIONS: Readonly<Record<Protection, number>> = {
  readonly: PAGE_READONLY,
  readwrite: PAGE_READWRITE,
  writecopy: PAGE_WRITECOPY,
  'execute-read': PAGE_EXECUTE_READ,
  'execute-readwrite': PAGE_EXECUTE_READWRITE,
  'execute-writecopy': PAGE_EXECUTE_WRITECOPY,
};

/** Section attributes, and the SEC_* value of each. */
export const ATTRIBUTES: Readonly<Record<Attribute, number>> = {
  commit: SEC_COMMIT,
  reserve: SEC_RESERVE,
  'large-pages': SEC_LARGE_PAGES,
  'no-cache': SEC_NOCACHE,
  'write-combine': SEC_WRITECOMBINE,
  image: SEC_IMAGE,
  'image-no-execute': SEC_IMAGE_NO_EXECUTE,
};

/**
 * View access, with the FILE_MAP_* value MapViewOfFile takes for it. 'write' is a read/write view; 'all' is the
 * same as 'write' for a view (the documented meaning of FILE_MAP_ALL_ACCESS there); 'copy' is copy-on-write: writes
 * stay private to the view.
 */
export const VIEW_ACCESS: Readonly<Record<Access, number>> = {
  read: FILE_MAP_READ,
  write: FILE_MAP_WRITE,
  all: FILE_MAP_ALL_ACCESS,
  copy: FILE_MAP_COPY,
  'execute-read': FILE_MAP_READ | FILE_MAP_EXECUTE,
  'execute-write': FILE_MAP_WRITE | FILE_MAP_EXECUTE,
  'execute-copy': FILE_MAP_COPY | FILE_MAP_EXECUTE,
};

/**
 * The rights OpenFileMappingW asks for, per access. Every one includes FILE_MAP_READ and nothing more than the
 * access needs: a reader must be able to open a section it may not write.
 */
export const OPEN_ACCESS: Readonly<Record<Access, number>> = {
  read: FILE_MAP_READ,
  write: FILE_MAP_READ | FILE_MAP_WRITE,
  all: FILE_MAP_ALL_ACCESS,
  copy: FILE_MAP_READ | FILE_MAP_COPY,
  'execute-read': FILE_MAP_READ | FILE_MAP_EXECUTE,
  'execute-write': FILE_MAP_READ | FILE_MAP_WRITE | FILE_MAP_EXECUTE,
  'execute-copy': FILE_MAP_READ | FILE_MAP_COPY | FILE_MAP_EXECUTE,
};

/**
 * flProtect: the protection OR-ed with the attributes. SEC_COMMIT is the documented default, and SEC_NOCACHE,
 * SEC_WRITECOMBINE and SEC_LARGE_PAGES require SEC_COMMIT (or SEC_RESERVE) to be present: it is added explicitly
 * unless the caller chose 'reserve' or an image section.
 */
export function sectionFlags(options: ParsedCreateOptions): number {
  const explicit = options.attributes.some((a) => a === 'commit' || a === 'reserve' || a === 'image' || a === 'image-no-execute');
  const attributes = explicit ? options.attributes : [...options.attributes, 'commit' as const];
  return attributes.reduce<number>((all, attribute) => all | ATTRIBUTES[attribute], PROTECTIONS[options.protection]) >>> 0;
}
