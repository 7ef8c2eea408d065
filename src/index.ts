/**
 * filemapping: Windows file mapping (shared memory) for Node.js, through koffi, with no compile step.
 *
 * The idiomatic layer: FileMapping (a section) and MappedView (a view of it). The raw Win32 functions and
 * constants are in `filemapping/win32` (also the `win32` export here: one module instance for both).
 */
export { FileMapping } from './section/file-mapping.js';
export { MappedView, MAX_VIEW_LENGTH } from './view/mapped-view.js';
export type { ViewAtomics } from './view/atomics.js';
export {
  FileMappingValidationError,
  isWin32Error,
  ObjectClosedError,
  PlatformNotSupportedError,
  UnexpectedOwnerError,
  Win32Error,
} from './errors.js';
export { Dword64 } from './core/uint64.js';
export { NamedMutex, LockTimeoutError, type LockResult, type LockState, type MutexOptions } from './sync/named-mutex.js';
export {
  NamedEvent,
  NamedSemaphore,
  type EventOptions,
  type SemaphoreOptions,
  type SignalResult,
} from './sync/named-event.js';
export type { AsyncWaitOptions, OpenObjectOptions } from './sync/kernel-object.js';
export type { ExpectedOwner, ObjectOwner } from './win32/owner.js';
export { Channel, ChannelPeerExitedError } from './channel/channel.js';
export { ChannelDamagedError } from './channel/ring.js';
export type { ChannelOpenOptions, ChannelOptions, SyncWaitOptions } from './channel/options.js';
export type { Access, Attribute, CreateOptions, MapOptions, OpenOptions, Protection } from './section/options.js';
/** The raw layer, as `filemapping/win32` exports it. */
export * as win32 from './win32/index.js';
