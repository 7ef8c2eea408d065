/**
 * Mutexes, events and semaphores on Linux: each one a small shared memory object (a page), named as a section is and
 * living as one does (posix/lifetime.ts), whose words the waits sleep on with futexes.
 *
 * Layout (little-endian, byte offsets):
 *   0 magic ('FMMX' mutex, 'FMEV' event, 'FMSM' semaphore; written last by the creator)   4 version
 *   8 event: manual reset (0/1); semaphore: maximum count     12 event: state (0/1); semaphore: count
 *   64 mutex: a robust, process-shared pthread_mutex_t (40 bytes on x86-64 glibc and musl, 48 on aarch64 glibc; the
 *      page has room): a holder that dies (exits, is killed, crashes) is reported to
 *      the next locker (EOWNERDEAD), which the package reports as 'abandoned', as Windows reports WAIT_ABANDONED.
 *
 * Every word is read and changed with the locked instructions of view/interlocked.ts, not with a Buffer over the page:
 * they work where the runtime forbids external buffers (Electron), and on any thread.
 *
 * A section, a mutex, an event and a semaphore share one namespace, as on Windows: a name that holds another kind of
 * object is refused.
 */
import type { SyncKind, Waitable, WaitOutcome } from '../backend.js';
import type { Interlocked } from '../view/interlocked.js';
import type { Futex } from './futex.js';
import type { Libc } from './libc.js';

/** The size of an object's segment. */
export const OBJECT_BYTES = 4096;
/** The byte offsets of an object's words. */
export const AT = { magic: 0, version: 4, parameter: 8, state: 12, mutex: 64 } as const;
export const MAGIC: Readonly<Record<SyncKind, number>> = {
  mutex: 0x584d_4d46, // 'FMMX'
  event: 0x5645_4d46, // 'FMEV'
  semaphore: 0x4d53_4d46, // 'FMSM'
};
const VERSION = 1;

const PTHREAD_PROCESS_SHARED = 1;
const PTHREAD_MUTEX_ROBUST = 1;
/** The kernel's robust futex protocol (futex(2)): the lock word holds the owner's TID and these bits. */
const FUTEX_WAITERS = 0x8000_0000 | 0;
/** The bits of the lock word that hold the owner's TID (the rest are FUTEX_WAITERS and FUTEX_OWNER_DIED). */
const FUTEX_TID_MASK = 0x3fff_ffff;

/** A Linux object's waitable (see Backend's Waitable). */
export type ObjectWaitable = Extract<Waitable, { address: bigint }>;
export type ProcessWaitable = Extract<Waitable, { pidfd: number }>;

/** What create() puts in a new object. */
export interface ObjectInit {
  manualReset?: boolean;
  initialState?: boolean;
  initialCount?: number;
  maximumCount?: number;
}

/** What the objects' operations need: libc, its futexes, and the interlocked operations. */
export interface ObjectTools {
  libc: Libc;
  futex: Futex;
  interlocked: Interlocked;
}

/** Writes a new object of `kind` at `address` (OBJECT_BYTES of a fresh segment): its words, its mutex, its magic last. */
export function initialize(tools: ObjectTools, kind: SyncKind, address: bigint, init: ObjectInit): number {
  const { libc, interlocked } = tools;
  interlocked.exchange32(address + BigInt(AT.version), VERSION);
  if (kind === 'event') {
    interlocked.exchange32(address + BigInt(AT.parameter), init.manualReset ? 1 : 0);
    interlocked.exchange32(address + BigInt(AT.state), init.initialState ? 1 : 0);
  } else if (kind === 'semaphore') {
    interlocked.exchange32(address + BigInt(AT.parameter), init.maximumCount ?? 0x7fff_ffff);
    interlocked.exchange32(address + BigInt(AT.state), init.initialCount ?? 0);
  } else {
    const attributes = Buffer.alloc(64);
    let error = libc.pthread_mutexattr_init(attributes);
    error ||= libc.pthread_mutexattr_setpshared(attributes, PTHREAD_PROCESS_SHARED);
    error ||= libc.pthread_mutexattr_setrobust(attributes, PTHREAD_MUTEX_ROBUST);
    error ||= libc.pthread_mutex_init(address + BigInt(AT.mutex), attributes);
    if (error !== 0) return error;
  }
  interlocked.exchange32(address + BigInt(AT.magic), MAGIC[kind]);
  return 0;
}

/** The kind whose magic the object at `address` holds, or undefined (another kind of data, or not made yet). */
export function kindAt(tools: ObjectTools, address: bigint): SyncKind | undefined {
  const magic = tools.interlocked.load32(address + BigInt(AT.magic));
  return (Object.keys(MAGIC) as SyncKind[]).find((kind) => MAGIC[kind] === magic);
}

/** Whether an event resets by hand. */
export function manualResetAt(tools: ObjectTools, address: bigint): boolean {
  return tools.interlocked.load32(address + BigInt(AT.parameter)) !== 0;
}

/** Sets an event and wakes its waiters (each auto-reset waiter then races for it: one wins). */
export function setEvent({ interlocked, futex }: ObjectTools, address: bigint): void {
  interlocked.exchange32(address + BigInt(AT.state), 1);
  futex.wake(address + BigInt(AT.state), 0x7fff_ffff);
}

export function resetEvent({ interlocked }: ObjectTools, address: bigint): void {
  interlocked.exchange32(address + BigInt(AT.state), 0);
}

/** Adds `count` to a semaphore; returns the count before, or undefined when that would pass the maximum. */
export function releaseSemaphore({ interlocked, futex }: ObjectTools, address: bigint, count: number): number | undefined {
  const word = address + BigInt(AT.state);
  const maximum = interlocked.load32(address + BigInt(AT.parameter));
  for (;;) {
    const current = interlocked.load32(word);
    if (current + count > maximum) return undefined;
    if (interlocked.compareExchange32(word, current, current + count) === current) {
      futex.wake(word, 0x7fff_ffff);
      return current;
    }
  }
}

/** What trying a waitable once gave: an outcome, 'busy' (try again later), or a native failure. */
export type Attempt = WaitOutcome | 'busy' | { failed: number };

/** Tries to take `target` without waiting: an event's signal, a semaphore's count, a mutex; a process's end. */
export function tryTake(tools: ObjectTools, target: Waitable): Attempt {
  const { libc, interlocked } = tools;
  if (typeof target === 'bigint') return { failed: 0 };
  if (target.kind === 'process') return processAlive(libc, target.pidfd) ? 'busy' : 'signaled';
  const word = target.address + BigInt(AT.state);
  switch (target.kind) {
    case 'event':
      if (target.manualReset) return interlocked.load32(word) !== 0 ? 'signaled' : 'busy';
      return interlocked.compareExchange32(word, 1, 0) === 1 ? 'signaled' : 'busy';
    case 'semaphore':
      for (;;) {
        const count = interlocked.load32(word);
        if (count <= 0) return 'busy';
        if (interlocked.compareExchange32(word, count, count - 1) === count) return 'signaled';
      }
    case 'mutex': {
      const mutex = target.address + BigInt(AT.mutex);
      const error = libc.pthread_mutex_trylock(mutex);
      if (error === 0) return 'signaled';
      const name = libc.errnoNames.get(error);
      if (name === 'EBUSY') return 'busy';
      if (name === 'EOWNERDEAD') {
        // The holder died holding it: it is ours now, consistent again, and the caller learns it was abandoned.
        libc.pthread_mutex_consistent(mutex);
        return 'abandoned';
      }
      return { failed: error };
    }
  }
}

/**
 * After a wait that slept, a mutex taken keeps its waiters' bit (as glibc's own lock does after contention): other
 * processes may sleep on it, and only then does the unlock wake one.
 */
export function markContended({ interlocked }: ObjectTools, target: ObjectWaitable): void {
  if (target.kind !== 'mutex') return;
  const word = target.address + BigInt(AT.mutex);
  for (let value = interlocked.load32(word); value !== 0 && (value & FUTEX_WAITERS) === 0; value = interlocked.load32(word)) {
    if (interlocked.compareExchange32(word, value, value | FUTEX_WAITERS) === value) return;
  }
}

/**
 * The word to sleep on for `target` and the value it holds now (the sleep ends when it changes), or undefined when
 * there is none (a process: looked at again after each slice) or the value changed already (try again at once).
 */
export function sleepWord({ interlocked }: ObjectTools, target: Waitable): { address: bigint; value: number } | 'retry' | undefined {
  if (typeof target === 'bigint' || target.kind === 'process') return undefined;
  if (target.kind !== 'mutex') {
    const address = target.address + BigInt(AT.state);
    const value = interlocked.load32(address);
    // An event or a semaphore is waited for while its word is 0.
    return value === 0 ? { address, value } : 'retry';
  }
  const address = target.address + BigInt(AT.mutex);
  const value = interlocked.load32(address);
  if (value === 0) return 'retry';
  // Ask the holder's unlock to wake a sleeper, as a glibc waiter does (the robust futex protocol's waiters bit).
  const wanted = value | FUTEX_WAITERS;
  if (value !== wanted && interlocked.compareExchange32(address, value, wanted) !== value) return 'retry';
  return { address, value: wanted };
}

/** Unlocks a mutex: only the thread that locked it may (EPERM otherwise). Returns 0 or an error number. */
export function unlockMutex({ libc }: ObjectTools, target: ObjectWaitable): number {
  return libc.pthread_mutex_unlock(target.address + BigInt(AT.mutex));
}

/**
 * The TID of the thread that holds the mutex at `address` (0: nobody, or a holder the kernel has marked dead). The
 * kernel reads this word when that thread ends, to mark the mutex abandoned: only while the page is still mapped.
 */
export function mutexHolder({ interlocked }: ObjectTools, address: bigint): number {
  return interlocked.load32(address + BigInt(AT.mutex)) & FUTEX_TID_MASK;
}

/** Gives back what a cancelled wait took: sets an auto-reset event again, or releases the semaphore count. */
export function giveBack(tools: ObjectTools, target: ObjectWaitable): void {
  if (target.kind === 'event' && !target.manualReset) setEvent(tools, target.address);
  if (target.kind === 'semaphore') releaseSemaphore(tools, target.address, 1);
}

/** poll(2)'s event of a readable descriptor: a pidfd is readable once its process has ended. */
const POLLIN = 1;
const pollfd = Buffer.alloc(8);

/**
 * Whether the process of `pidfd` still runs: its pidfd is not readable yet. A pidfd becomes readable when the process
 * ends, before anyone reaps it: a zombie (a dead child whose parent's event loop is blocked, so Node has not reaped it)
 * is dead. A signal 0 (pidfd_send_signal, kill) still reaches a zombie, and the pid stays taken until it is reaped.
 */
export function processAlive(libc: Libc, pidfd: number): boolean {
  pollfd.writeInt32LE(pidfd, 0);
  pollfd.writeInt16LE(POLLIN, 4);
  pollfd.writeInt16LE(0, 6);
  // 1: readable (or, never here, not a descriptor): ended. -1 (EINTR): looked at again next time.
  return libc.poll(pollfd, 1, 0) !== 1;
}
