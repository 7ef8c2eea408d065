/**
 * The seam between the OS-neutral classes and the operating system: what FileMapping and MappedView need (create or
 * open a section, map, unmap, flush, a view's length, the system's page size and granularity, memory access for the
 * accessors and atomics), implemented once per OS (src/win32/backend.ts, src/posix/backend.ts), as .NET's
 * MemoryMappedFile has per-OS files behind CreateCore and OpenCore. Each backend throws its own SystemCallError
 * (Win32Error, PosixError), whose `code` is portable.
 *
 * This is the one place that picks the OS's backend. Unit tests install a fake with setBackendForTesting().
 */
import type { ObjectOwner } from './core/owner.js';
import { PlatformNotSupportedError } from './errors.js';
import type { Access, ParsedCreateOptions, ParsedOpenOptions, Protection } from './section/options.js';
import type { Interlocked } from './view/interlocked.js';
import { posixBackend } from './posix/backend.js';
import { win32Backend } from './win32/backend.js';

/** The figures of the system that views depend on. */
export interface SystemInfo {
  /** The page size: views are rounded up to it. */
  readonly pageSize: number;
  /** View offsets and base addresses must be multiples of it (64 KiB on Windows, the page size on Linux). */
  readonly allocationGranularity: number;
  /** The lowest and highest addresses a view can be mapped at: a base address outside them is refused. */
  readonly minimumApplicationAddress: bigint;
  readonly maximumApplicationAddress: bigint;
}

/** A native handle of a section: a Win32 HANDLE (bigint), or a file descriptor (number). */
export type NativeHandle = bigint | number;

/** What a backend made or opened: the handle, and what it knows of the section. */
export interface SectionInfo {
  readonly handle: NativeHandle;
  /** True when create() found the name taken and opened that section instead (always for open()). */
  readonly alreadyExisted: boolean;
  /** The exact size when known; undefined when it must be asked for (sectionSize()). */
  readonly size: bigint | undefined;
  /** The protection it was created with; undefined for a section this process did not create. */
  readonly protection: Protection | undefined;
  /** The backing file, for a file-backed section this process created. */
  readonly file: string | undefined;
  /** The access views get by default. */
  readonly defaultAccess: Access;
  /**
   * The system maps views of it as it lays them out, not as asked: their length is read from what was mapped (a
   * Windows image section maps SizeOfImage bytes, whatever the file's size).
   */
  readonly lengthFromMapping: boolean;
}

/** A view to map: its access, where it starts, how long (undefined: to the end), and where (undefined: anywhere). */
export interface ViewRequest {
  readonly access: Access;
  readonly offset: bigint;
  readonly length: bigint | undefined;
  readonly address: bigint | undefined;
  /** See SectionInfo.lengthFromMapping. */
  readonly lengthFromMapping: boolean;
}

/** How the accessors and atomics reach a view's memory. */
export interface MemoryAccess {
  /** An ArrayBuffer over `length` bytes at `address`, without copy (koffi.view); throws where the runtime forbids it. */
  view(address: bigint, length: number): ArrayBuffer;
  /** Copies `length` bytes; an address is a bigint, a Buffer stands for its own memory. */
  copy(destination: bigint | Uint8Array, source: bigint | Uint8Array, length: number): void;
  /** Runs `use` with a page of this process's own (read-write), freed after: for asking the runtime's policy. */
  withPage<T>(use: (address: bigint, length: number) => T): T;
  /** Atomic operations at absolute addresses, for views in copy mode (made on first use). */
  interlocked(): Interlocked;
}

/** What the classes need of an operating system. */
export interface Backend {
  /** The platform this backend serves ('win32', 'linux'). */
  readonly platform: string;
  systemInfo(): SystemInfo;
  /** The options of `create()` this OS does not have, each with the reason: refused before anything is made. */
  unsupportedCreateOptions(options: ParsedCreateOptions): Array<{ option: string; reason: string }>;
  /** Likewise for `open()`. */
  unsupportedOpenOptions(options: ParsedOpenOptions): Array<{ option: string; reason: string }>;
  /** Creates a section, or opens the existing one of its name (unless `exclusive`). */
  createSection(options: ParsedCreateOptions): SectionInfo;
  /** Opens a section another process (or this one) created. */
  openSection(name: string, options: ParsedOpenOptions): SectionInfo;
  /** Removes a name now (shm_unlink); false when nothing had it. Windows has nothing to remove: false. */
  unlinkSection(name: string): boolean;
  /** Closes the handle. `what` and `name` are for the error. */
  closeSection(handle: NativeHandle, what: string, name: string | undefined): void;
  /** The size of a section whose size is not known yet (an opened one). */
  sectionSize(handle: NativeHandle, what: string, name: string | undefined): bigint;
  /** Who owns the section; undefined when the system names no owner. */
  sectionOwner(handle: NativeHandle, what: string, name: string | undefined): ObjectOwner | undefined;
  /** Maps a view; returns its address and its length (known once mapped when the request has none). */
  mapView(handle: NativeHandle, request: ViewRequest, what: string, name: string | undefined): { address: bigint; length: bigint };
  unmapView(address: bigint, length: number, what: string): void;
  /** Writes the view's dirty pages in that range to the backing file. */
  flushView(address: bigint, length: number, what: string): void;
  readonly memory: MemoryAccess;
}

let override: Backend | undefined;
let chosen: Backend | undefined;

/** This operating system's backend, or a PlatformNotSupportedError where the package has none. */
export function backend(): Backend {
  if (override) return override;
  chosen ??= pick();
  return chosen;
}

function pick(): Backend {
  switch (process.platform) {
    case 'win32':
      return win32Backend();
    case 'linux':
      return posixBackend();
    default:
      throw new PlatformNotSupportedError(process.platform);
  }
}

/** @internal Installs a fake backend for unit tests; `undefined` restores the real one (picked again on next use). */
export function setBackendForTesting(fake: Backend | undefined): void {
  override = fake;
  chosen = undefined;
}
