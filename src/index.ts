/**
 * filemapping: named shared memory for Node.js on Windows and Linux (the Windows file-mapping API, and the same API on
 * Linux), through koffi, with no compile step.
 *
 * The idiomatic layer: FileMapping (a section) and MappedView (a view of it), the same on every OS it supports. The
 * raw functions and constants are in `filemapping/win32` (kernel32) and `filemapping/posix` (libc), also the `win32`
 * and `posix` exports here: one module instance for both.
 */
export { FileMapping } from './section/file-mapping.js';
export { MappedView, MAX_VIEW_LENGTH } from './view/mapped-view.js';
export type { ViewAtomics } from './view/atomics.js';
export {
  FileMappingValidationError,
  isSystemCallError,
  ObjectClosedError,
  PlatformNotSupportedError,
  SystemCallError,
  UnexpectedOwnerError,
} from './errors.js';
export { isWin32Error, Win32Error } from './win32/errors.js';
export { PosixError } from './posix/errors.js';
export { Dword64 } from './win32/dword.js';
export { NamedMutex, LockTimeoutError, type LockResult, type LockState, type MutexOptions } from './sync/named-mutex.js';
export { NamedEvent, NamedSemaphore, type EventOptions, type SemaphoreOptions, type SignalResult } from './sync/named-event.js';
export type { AsyncWaitOptions, OpenObjectOptions, SecurityCreateOptions } from './sync/kernel-object.js';
export type { ExpectedOwner, ObjectOwner } from './core/owner.js';
export { Channel } from './channel/channel.js';
export { ChannelPeerExitedError } from './channel/errors.js';
export { ChannelClaim, ChannelMessage } from './channel/in-place.js';
export { ChannelDamagedError } from './channel/ring.js';
export type { ChannelOpenOptions, ChannelOptions, SyncWaitOptions } from './channel/options.js';
export type { MessageData } from './channel/messages.js';
export type { Role as ChannelRole } from './channel/ring.js';
export type { StringEncoding } from './view/accessors.js';
export type { Access, Attribute, CreateOptions, MapOptions, OpenOptions, Protection } from './section/options.js';
/** The raw layer for Windows, as `filemapping/win32` exports it. */
export * as win32 from './win32/index.js';
/** The raw layer for Linux, as `filemapping/posix` exports it. */
export * as posix from './posix/index.js';
