/**
 * The Linux side of the mutexes, events, semaphores and channels: objects in shared memory (posix/objects.ts) named
 * and living as sections do, waits with futexes (posix/wait-loop.ts), peers watched through pidfds, and the wait
 * threads' platform (a wake word per thread, posix/waiter-worker.ts).
 */
import { existsSync } from 'node:fs';
import type { NativeHandle, SyncAccess, SyncKind, SyncObjectInfo, Waitable, WaitThreadPlatform } from '../backend.js';
import type { Interlocked } from '../view/interlocked.js';
import { MAP_ANONYMOUS, MAP_FAILED, MAP_SHARED, PROT_READ, PROT_WRITE } from './constants.js';
import { errnoNumber, posixError } from './errors.js';
import { FUTEX_WAITV_MAX, futex } from './futex.js';
import { koffiPathOf, type Libc } from './libc.js';
import { createOrJoin, hold, openAndJoin, release } from './lifetime.js';
import { anonymousFd, KIND_CLASH_HINT, statFd } from './segments.js';
import { shmName } from './names.js';
import {
  initialize,
  kindAt,
  manualResetAt,
  mutexHolder,
  OBJECT_BYTES,
  releaseSemaphore,
  resetEvent,
  setEvent,
  processAlive,
  type ObjectTools,
} from './objects.js';
import { checkOwner, ownerOf } from './owner.js';
import { syscallNumbers } from './syscalls.js';
import { waitHere } from './wait-loop.js';

/** The built wait thread's code (tsup.config.ts); undefined when the package runs from source. */
declare const FILEMAPPING_WAITER_SOURCE_POSIX: string | undefined;

/** What to do about ENOSPC for an object's page. */
const NO_ROOM_HINT =
  'There is no room left in /dev/shm (a tmpfs) even for the page of this object: free some (close or remove sections), or give /dev/shm more room.';

/** An object this process has open: its descriptor, and where its page is mapped. */
interface Held {
  fd: number;
  address: bigint;
  kind: SyncKind;
}

/** Whether thread `id` (a Linux thread id) of this process is still running. */
function threadAlive(id: number): boolean {
  return existsSync(`/proc/self/task/${id}`);
}

export function posixSync(libc: Libc, interlockedOf: () => Interlocked): SyncAccess {
  const futexes = futex(libc);
  let tools: ObjectTools | undefined;
  // The interlocked page is made on first use (a koffi function per operation over a page of code).
  const use = (): ObjectTools => (tools ??= { libc, futex: futexes, interlocked: interlockedOf() });
  const objects = new Map<number, Held>();
  const heldOf = (handle: NativeHandle): Held => {
    const held = objects.get(handle as number);
    if (!held) throw new Error(`No object of this process has descriptor ${String(handle)}: this is a bug`);
    return held;
  };
  /**
   * The pages of mutexes closed while a thread of this process held them (a worker thread that ends holding a mutex
   * has its handles closed before its wait thread, the holder, is gone). When a thread ends, the kernel marks the
   * robust mutexes it holds abandoned by reading them through its mappings: an unmapped page would leave the mutex
   * locked for ever. So such a page stays mapped until its holder is gone, and is unmapped at a later close.
   */
  const lingering = new Set<bigint>();
  const heldHere = (address: bigint): boolean => {
    const tid = mutexHolder(use(), address);
    return tid !== 0 && threadAlive(tid);
  };
  const unmap = (held: Held): void => {
    for (const address of lingering) {
      if (heldHere(address)) continue;
      lingering.delete(address);
      libc.munmap(address, BigInt(OBJECT_BYTES));
    }
    if (held.kind === 'mutex' && heldHere(held.address)) lingering.add(held.address);
    else libc.munmap(held.address, BigInt(OBJECT_BYTES));
  };

  /** Maps a held object's page, checks its kind, keeps it. */
  function adopt(
    fd: number,
    kind: SyncKind,
    name: string | undefined,
    given: string | undefined,
    what: string,
  ): SyncObjectInfo & { manualReset: boolean | undefined } {
    // lifetime.ts has refused a section's name already, and an object gets its name only once it is written: one
    // without the package's magic is another program's data (and one smaller than a page cannot be looked at).
    const address = statFd(fd).size >= OBJECT_BYTES ? libc.mmap(null, BigInt(OBJECT_BYTES), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0n) : MAP_FAILED;
    const found = address === MAP_FAILED ? undefined : kindAt(use(), address);
    if (found !== kind) {
      if (address !== MAP_FAILED) libc.munmap(address, BigInt(OBJECT_BYTES));
      libc.close(fd);
      throw posixError(
        libc,
        errnoNumber(libc, 'EINVAL'),
        'shm_open',
        `${what}: the name holds ${found === undefined ? 'no mutex, event or semaphore of this package (data of another program)' : `a ${found}`}`,
        given,
        undefined,
        KIND_CLASH_HINT,
      );
    }
    objects.set(fd, { fd, address, kind });
    // As sections do: a named object leaves with its last user (lifetime.ts).
    if (name !== undefined) hold(libc, fd, name);
    const manualReset = kind === 'event' ? manualResetAt(use(), address) : undefined;
    return { handle: fd, waitable: { kind, address, manualReset: manualReset ?? false }, alreadyExisted: true, manualReset };
  }

  /** A new segment's contents: the page, then the object written into it. */
  function write(fd: number, kind: SyncKind, request: Parameters<SyncAccess['createObject']>[0], what: string, given: string | undefined): void {
    if (libc.ftruncate(fd, BigInt(OBJECT_BYTES)) !== 0) throw posixError(libc, libc.errno(), 'ftruncate', what, given);
    // tmpfs overcommits: on a full /dev/shm the page is only refused when it is written, a SIGBUS. Reserved first, it
    // is ENOSPC here.
    const errno = libc.posix_fallocate(fd, 0n, BigInt(OBJECT_BYTES));
    if (errno !== 0) throw posixError(libc, errno, 'posix_fallocate', `${what}: reserving the page of its segment`, given, undefined, NO_ROOM_HINT);
    const address = libc.mmap(null, BigInt(OBJECT_BYTES), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0n);
    if (address === MAP_FAILED) throw posixError(libc, libc.errno(), 'mmap', what, given);
    try {
      const error = initialize(use(), kind, address, request);
      if (error !== 0) throw posixError(libc, error, 'pthread_mutex_init', what, given);
    } finally {
      libc.munmap(address, BigInt(OBJECT_BYTES));
    }
  }

  const threads: WaitThreadPlatform = {
    // futex_waitv takes 128 words, one of them the thread's wake word.
    capacity: FUTEX_WAITV_MAX - 1,
    source: typeof FILEMAPPING_WAITER_SOURCE_POSIX === 'string' ? FILEMAPPING_WAITER_SOURCE_POSIX : undefined,
    key: (waitable) =>
      typeof waitable === 'bigint' ? waitable : waitable.kind === 'process' ? `process:${waitable.pidfd}` : `${waitable.kind}:${waitable.address}`,
    koffiPath: koffiPathOf,
    wakeup() {
      // A word of a page of this process's own: a thread sleeps on it with its other words, and posting a request
      // changes it and wakes the thread.
      const page = libc.mmap(null, 4096n, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0n);
      if (page === MAP_FAILED) throw posixError(libc, libc.errno(), 'mmap', 'making the wake word of a wait thread');
      return {
        data: { wakeAddress: page },
        wake: () => {
          use().interlocked.add32(page, 1);
          futexes.wake(page, 1);
        },
        dispose: () => void libc.munmap(page, 4096n),
      };
    },
    failure: (errno, operation, what) => posixError(libc, errno, operation === 'wait' ? 'futex_waitv' : 'pthread_mutex_unlock', what),
  };

  return {
    unsupportedOptions(request) {
      const refused: Array<{ option: string; reason: string }> = [];
      if (request.security !== undefined)
        refused.push({ option: 'security', reason: 'an SDDL security descriptor is a Windows thing; an object is created with mode 0600 (its owner uses it)' });
      if (request.inheritable)
        refused.push({ option: 'inheritable', reason: "handles for child processes are a Windows thing; give a child the object's name instead" });
      return refused;
    },

    createObject(request, what) {
      const kind = request.kind;
      if (request.name === undefined) {
        const { fd, syscall } = anonymousFd(libc, `filemapping-${kind}`);
        if (fd < 0) throw posixError(libc, libc.errno(), syscall, what);
        try {
          write(fd, kind, request, what, undefined);
        } catch (error) {
          libc.close(fd);
          throw error;
        }
        return { ...adopt(fd, kind, undefined, undefined, what), alreadyExisted: false };
      }
      const name = shmName(request.name, `${kind} name`);
      const held = createOrJoin(libc, name, request.name, what, {
        exclusive: request.exclusive,
        writes: true,
        kind,
        initialize: (fd) => write(fd, kind, request, what, request.name),
      });
      // The magic adopt() checks proves the package made it, marked yet or not: it takes part in the lifetime protocol.
      return { ...adopt(held.fd, kind, name, request.name, what), alreadyExisted: !held.created };
    },

    openObject(kind, given, expectedOwner, what) {
      const name = shmName(given, `${kind} name`);
      const held = openAndJoin(libc, name, given, what, { writes: true, kind });
      try {
        if (expectedOwner !== undefined) checkOwner(statFd(held.fd).uid, expectedOwner, `${kind} "${given}"`, given);
      } catch (error) {
        libc.close(held.fd);
        throw error;
      }
      return adopt(held.fd, kind, name, given, what);
    },

    closeObject(handle, what, name) {
      const held = heldOf(handle);
      objects.delete(held.fd);
      unmap(held);
      release(libc, held.fd);
      if (libc.close(held.fd) !== 0) throw posixError(libc, libc.errno(), 'close', `closing ${what}`, name);
    },

    objectOwner: (handle) => ownerOf(statFd(heldOf(handle).fd).uid),

    setEvent: (handle) => setEvent(use(), heldOf(handle).address),
    resetEvent: (handle) => resetEvent(use(), heldOf(handle).address),

    releaseSemaphore(handle, count, what, name) {
      const previous = releaseSemaphore(use(), heldOf(handle).address, count);
      if (previous === undefined) {
        throw posixError(libc, errnoNumber(libc, 'EOVERFLOW'), 'sem_post', `releasing ${count} of ${what}: that would pass its maximum count`, name);
      }
      return previous;
    },

    waitHere(waitables, timeoutMs, what, name) {
      const found = waitHere(use(), waitables, timeoutMs);
      if ('failed' in found) throw posixError(libc, found.failed, 'futex', `waiting on ${what}`, name);
      return { result: found.outcome, index: found.index };
    },

    threads,

    processId: () => process.pid,
    threadId: () => Number(libc.syscall(syscallNumbers().gettid)),

    openProcess(pid) {
      const pidfd = Number(libc.syscall(syscallNumbers().pidfd_open, 'int', pid, 'uint32_t', 0));
      if (pidfd < 0) return undefined;
      return { handle: pidfd, waitable: { kind: 'process', pidfd } satisfies Waitable };
    },

    closeProcess: (handle) => void libc.close(handle as number),

    processAlive: (handle) => processAlive(libc, handle as number),

    threadAlive,
  };
}
