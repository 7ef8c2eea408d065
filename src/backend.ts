/**
 * The seam between the OS-neutral classes and the operating system: what FileMapping and MappedView need (create or
 * open a section, map, unmap, flush, a view's length, the system's page size and granularity, memory access for the
 * accessors and atomics), implemented once per OS (src/win32/backend.ts, src/posix/backend.ts), as .NET's
 * MemoryMappedFile has per-OS files behind CreateCore and OpenCore. Each backend throws its own SystemCallError
 * (Win32Error, PosixError), whose `code` is portable.
 *
 * This is the one place that picks the OS's backend. Unit tests install a fake with setBackendForTesting().
 */
import type { ExpectedOwner, ObjectOwner } from './core/owner.js';
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
  /**
   * What flushes the backing file to the disk (FlushFileBuffers; fsync on Linux), for a file-backed section this
   * process created and that writes its file; undefined otherwise. Closed with the section.
   */
  readonly durable?: DurableFile | undefined;
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

/** The backing file of a section, kept to flush it to the disk. */
export interface DurableFile {
  /** Flushes the file's data (and what the system needs to find it) to the disk; `what` is for the error. */
  sync(what: string): void;
  /** Lets the file go (with the section). */
  close(): void;
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

/** The named objects that coordinate processes. */
export type SyncKind = 'mutex' | 'event' | 'semaphore';

/**
 * What a wait thread waits on, as it crosses to the thread (structured-cloneable): a Win32 HANDLE, or on Linux the
 * address of an object's words in this process, or a process (its pidfd) whose end is waited for.
 */
export type Waitable =
  bigint | { readonly kind: SyncKind; readonly address: bigint; readonly manualReset: boolean } | { readonly kind: 'process'; readonly pidfd: number };

/** What a create() of a mutex, event or semaphore asks for. */
export interface SyncObjectRequest {
  readonly kind: SyncKind;
  readonly name: string | undefined;
  readonly exclusive: boolean;
  readonly security?: string | undefined;
  readonly inheritable: boolean;
  /** Events: stays signalled until reset() (true), or wakes one waiter and resets itself. */
  readonly manualReset?: boolean;
  readonly initialState?: boolean;
  /** Semaphores. */
  readonly initialCount?: number;
  readonly maximumCount?: number;
}

/** What a backend made or opened for a mutex, event or semaphore. */
export interface SyncObjectInfo {
  readonly handle: NativeHandle;
  readonly waitable: Waitable;
  readonly alreadyExisted: boolean;
  /** Whether an event resets itself by hand; undefined when it is not known (Windows does not tell it for an opened event). */
  readonly manualReset: boolean | undefined;
}

/** How a wait ended. */
export type WaitOutcome = 'signaled' | 'abandoned' | 'timeout';

/** The wait threads of an OS (see sync/waiter.ts): their code, and how one is started and woken. */
export interface WaitThreadPlatform {
  /** The most distinct waitables one thread waits on at once. */
  readonly capacity: number;
  /** The thread's code, as the build bundles it; undefined when the package runs from source. */
  readonly source: string | undefined;
  /** Waits on the same waitable share its slot: its key. */
  key(waitable: Waitable): string | bigint;
  /** Where koffi is, for the thread to load it (its own require() resolves from the working directory). */
  koffiPath(): string;
  /** What a new thread is started with beside its port and shared slots, and how to wake it. */
  wakeup(): { readonly data: Record<string, unknown>; wake(): void; dispose(): void };
  /** The error for a native failure the thread answered (`errno`) while waiting on or releasing something. */
  failure(errno: number, operation: 'wait' | 'release', what: string): Error;
}

/** What the mutexes, events, semaphores and channels need of an OS. */
export interface SyncAccess {
  /** The options of a create() this OS does not have, each with the reason. */
  unsupportedOptions(request: SyncObjectRequest): Array<{ option: string; reason: string }>;
  createObject(request: SyncObjectRequest, what: string): SyncObjectInfo;
  openObject(kind: SyncKind, name: string, expectedOwner: ExpectedOwner | undefined, what: string): SyncObjectInfo;
  closeObject(handle: NativeHandle, what: string, name: string | undefined): void;
  objectOwner(handle: NativeHandle, what: string, name: string | undefined): ObjectOwner | undefined;
  setEvent(handle: NativeHandle, what: string, name: string | undefined): void;
  resetEvent(handle: NativeHandle, what: string, name: string | undefined): void;
  /** Adds `count` to a semaphore's count; returns the count before. Past the maximum: a SystemCallError (EOVERFLOW). */
  releaseSemaphore(handle: NativeHandle, count: number, what: string, name: string | undefined): number;
  /** Waits on the calling thread for the first of `waitables` (not mutexes: see the wait threads). */
  waitHere(waitables: readonly Waitable[], timeoutMs: number, what: string, name: string | undefined): { result: WaitOutcome; index: number };
  readonly threads: WaitThreadPlatform;
  /** This process's id, and this thread's (Win32 ids; Linux pid and tid), as a channel records its role holders. */
  processId(): number;
  threadId(): number;
  /** A handle on process `pid` for watching its end, or undefined if it is gone. */
  openProcess(pid: number): { handle: NativeHandle; waitable: Waitable } | undefined;
  closeProcess(handle: NativeHandle): void;
  /** Whether the process of a handle from openProcess() still runs. */
  processAlive(handle: NativeHandle): boolean;
  /** Whether thread `id` of this process still runs (ids are reused: a new thread with the id counts as alive). */
  threadAlive(id: number): boolean;
}

/** What the classes need of an operating system. */
export interface Backend {
  /** The platform this backend serves ('win32', 'linux'). */
  readonly platform: string;
  /**
   * The most UTF-8 bytes a name may have after its Local\ or Global\ prefix, where the OS counts bytes (Linux: 254, the
   * shm name's 255 with its slash); undefined where the option schemas' 260 characters are the rule (Windows).
   */
  readonly nameBytes: number | undefined;
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
  readonly sync: SyncAccess;
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
