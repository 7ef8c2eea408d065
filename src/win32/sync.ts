/**
 * The Windows side of the mutexes, events, semaphores and channels: kernel objects through kernel32 (CreateMutexW,
 * CreateEventW, CreateSemaphoreW...), waits with WaitForMultipleObjects, and the wait threads' platform (a wake event
 * per thread, win32/waiter-worker.ts).
 */
import type { NativeHandle, SyncAccess, SyncKind, SyncObjectInfo, WaitThreadPlatform } from '../backend.js';
import type { ExpectedOwner } from '../core/owner.js';
import {
  ERROR_INVALID_PARAMETER,
  EVENT_MODIFY_STATE,
  INFINITE,
  MAXIMUM_WAIT_OBJECTS,
  MUTEX_MODIFY_STATE,
  READ_CONTROL,
  SEMAPHORE_MODIFY_STATE,
  SYNCHRONIZE,
  WAIT_ABANDONED,
  WAIT_FAILED,
  WAIT_OBJECT_0,
  WAIT_TIMEOUT,
} from './constants.js';
import { win32Error } from './errors.js';
import { koffiPath, type HANDLE, type Kernel32 } from './kernel32.js';
import { checkOwner, readOwner } from './owner.js';
import { createNamed } from './security.js';

/** The built wait thread's code (tsup.config.ts); undefined when the package runs from source. */
declare const FILEMAPPING_WAITER_SOURCE_WIN32: string | undefined;

/** The Win32 functions of each kind, for messages and for the rights open() asks for. */
const KINDS: Readonly<Record<SyncKind, { create: string; open: string; access: number }>> = {
  mutex: { create: 'CreateMutexW', open: 'OpenMutexW', access: MUTEX_MODIFY_STATE },
  event: { create: 'CreateEventW', open: 'OpenEventW', access: EVENT_MODIFY_STATE },
  semaphore: { create: 'CreateSemaphoreW', open: 'OpenSemaphoreW', access: SEMAPHORE_MODIFY_STATE },
};

export function win32Sync(k32: Kernel32): SyncAccess {
  const handleOf = (handle: NativeHandle) => handle as bigint;

  const threads: WaitThreadPlatform = {
    // WaitForMultipleObjects takes 64 handles, one of them the thread's wake event.
    capacity: MAXIMUM_WAIT_OBJECTS - 1,
    source: typeof FILEMAPPING_WAITER_SOURCE_WIN32 === 'string' ? FILEMAPPING_WAITER_SOURCE_WIN32 : undefined,
    key: (waitable) => waitable as bigint,
    koffiPath,
    wakeup() {
      // An anonymous auto-reset event: setting it wakes the thread to read its requests.
      const wake = k32.CreateEventW(null, false, false, null);
      const errno = k32.GetLastError();
      if (wake === null) throw win32Error(k32, errno, 'CreateEventW', 'creating the wake event of a wait thread');
      return { data: { wake }, wake: () => void k32.SetEvent(wake), dispose: () => void k32.CloseHandle(wake) };
    },
    failure: (errno, operation, what) => win32Error(k32, errno, operation === 'wait' ? 'WaitForMultipleObjects' : 'ReleaseMutex', what),
  };

  function create(
    kind: SyncKind,
    k32create: (attributes: Buffer | null, name: string | null) => HANDLE,
    request: Parameters<SyncAccess['createObject']>[0],
    what: string,
  ): SyncObjectInfo {
    const { handle, alreadyExisted } = createNamed(k32, { ...request, syscall: KINDS[kind].create, kind, what, path: request.name }, (attributes) =>
      k32create(attributes, request.name ?? null),
    );
    // An existing event keeps its own reset mode, which Windows does not tell.
    return { handle, waitable: handle, alreadyExisted, manualReset: kind === 'event' && !alreadyExisted ? (request.manualReset ?? false) : undefined };
  }

  return {
    unsupportedOptions: () => [],

    createObject(request, what) {
      switch (request.kind) {
        case 'mutex':
          return create('mutex', (attributes, name) => k32.CreateMutexW(attributes, false, name), request, what);
        case 'event':
          return create(
            'event',
            (attributes, name) => k32.CreateEventW(attributes, request.manualReset ?? false, request.initialState ?? false, name),
            request,
            what,
          );
        case 'semaphore':
          return create(
            'semaphore',
            (attributes, name) => k32.CreateSemaphoreW(attributes, request.initialCount ?? 0, request.maximumCount ?? 0x7fff_ffff, name),
            request,
            what,
          );
      }
    },

    openObject(kind, name, expectedOwner: ExpectedOwner | undefined, what) {
      // SYNCHRONIZE to wait, the kind's right to change its state, and READ_CONTROL when the owner is to be checked.
      const access = SYNCHRONIZE | KINDS[kind].access | (expectedOwner === undefined ? 0 : READ_CONTROL);
      const open = { mutex: k32.OpenMutexW, event: k32.OpenEventW, semaphore: k32.OpenSemaphoreW }[kind];
      const handle = open(access, false, name);
      const errno = k32.GetLastError();
      if (handle === null) throw win32Error(k32, errno, KINDS[kind].open, what, name);
      // A handle whose owner is not the expected one is closed before the error is thrown.
      if (expectedOwner !== undefined) checkOwner(k32, handle, expectedOwner, `${kind} "${name}"`, name);
      return { handle, waitable: handle, alreadyExisted: true, manualReset: undefined };
    },

    closeObject(handle, what, name) {
      if (!k32.CloseHandle(handleOf(handle))) throw win32Error(k32, k32.GetLastError(), 'CloseHandle', `closing ${what}`, name);
    },

    objectOwner: (handle, what, name) => readOwner(k32, handleOf(handle), what, name),

    setEvent(handle, what, name) {
      if (!k32.SetEvent(handleOf(handle))) throw win32Error(k32, k32.GetLastError(), 'SetEvent', `setting ${what}`, name);
    },

    resetEvent(handle, what, name) {
      if (!k32.ResetEvent(handleOf(handle))) throw win32Error(k32, k32.GetLastError(), 'ResetEvent', `resetting ${what}`, name);
    },

    releaseSemaphore(handle, count, what, name) {
      const previous: [number] = [0];
      if (!k32.ReleaseSemaphore(handleOf(handle), count, previous)) {
        throw win32Error(k32, k32.GetLastError(), 'ReleaseSemaphore', `releasing ${count} of ${what}`, name);
      }
      return previous[0];
    },

    waitHere(waitables, timeoutMs, what, name) {
      const handles = waitables as readonly bigint[];
      const result = k32.WaitForMultipleObjects(handles.length, handles, false, timeoutMs === Infinity ? INFINITE : timeoutMs);
      if (result === WAIT_TIMEOUT) return { result: 'timeout', index: 0 };
      if (result === WAIT_FAILED) throw win32Error(k32, k32.GetLastError(), 'WaitForMultipleObjects', `waiting on ${what}`, name);
      if (result >= WAIT_ABANDONED && result < WAIT_ABANDONED + MAXIMUM_WAIT_OBJECTS) return { result: 'abandoned', index: result - WAIT_ABANDONED };
      return { result: 'signaled', index: result - WAIT_OBJECT_0 };
    },

    threads,

    processId: () => k32.GetCurrentProcessId(),
    threadId: () => k32.GetCurrentThreadId(),

    openProcess(pid) {
      const handle = k32.OpenProcess(SYNCHRONIZE, false, pid);
      return handle === null ? undefined : { handle, waitable: handle };
    },

    closeProcess: (handle) => void k32.CloseHandle(handleOf(handle)),

    processAlive: (handle) => k32.WaitForSingleObject(handleOf(handle), 0) !== WAIT_OBJECT_0,

    /**
     * OpenThread fails with ERROR_INVALID_PARAMETER for an id no thread has; any other failure (access denied) leaves
     * the thread taken as alive.
     */
    threadAlive(id) {
      const handle = k32.OpenThread(SYNCHRONIZE, false, id);
      if (handle === null) return k32.GetLastError() !== ERROR_INVALID_PARAMETER;
      try {
        return k32.WaitForSingleObject(handle, 0) !== WAIT_OBJECT_0;
      } finally {
        k32.CloseHandle(handle);
      }
    },
  };
}
