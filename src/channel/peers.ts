/**
 * The peers of a channel end: a SYNCHRONIZE handle on each process that holds the other role, so that a waiting side
 * also wakes when its peer dies, and the liveness checks of a role holder (another process, or a thread of this one).
 */
import { OwnedHandle } from '../core/owned-handle.js';
import { ERROR_INVALID_PARAMETER, SYNCHRONIZE, WAIT_OBJECT_0 } from '../win32/constants.js';
import type { Kernel32 } from '../win32/kernel32.js';

export class Peers {
  readonly #k32: Kernel32;
  readonly #owner: object;
  /** Process handles of the peers this end watches, by pid. */
  readonly #handles = new Map<number, OwnedHandle<bigint>>();

  /** `owner`: the channel end, whose collection closes the handles left open (see OwnedHandle). */
  constructor(k32: Kernel32, owner: object) {
    this.#k32 = k32;
    this.#owner = owner;
  }

  /** How many process handles this end holds (for the tests). */
  get size(): number {
    return this.#handles.size;
  }

  /** A SYNCHRONIZE handle on process `pid`, kept until forget(); undefined if that process is gone. */
  handle(pid: number): bigint | undefined {
    let peer = this.#handles.get(pid);
    if (peer === undefined) {
      const opened = this.#k32.OpenProcess(SYNCHRONIZE, false, pid);
      if (opened === null) return undefined;
      const k32 = this.#k32;
      peer = new OwnedHandle(opened, (handle) => k32.CloseHandle(handle), this.#owner);
      this.#handles.set(pid, peer);
    }
    return peer.value;
  }

  /** Whether process `pid` runs: false once it has exited or when it cannot be opened. */
  alive(pid: number): boolean {
    const handle = this.handle(pid);
    return handle !== undefined && this.#k32.WaitForSingleObject(handle, 0) !== WAIT_OBJECT_0;
  }

  /**
   * Closes the handles of every process but `keep` (the peers that hold a role now): a long-lived end with many
   * short-lived peers keeps no handle of those that left. Call it only while no wait uses a handle.
   */
  keepOnly(keep: readonly number[]): void {
    for (const [pid, peer] of this.#handles) {
      if (keep.includes(pid)) continue;
      this.#close(pid, peer);
    }
  }

  /** Closes every handle. */
  clear(): void {
    for (const [pid, peer] of this.#handles) this.#close(pid, peer);
  }

  /**
   * Whether thread `id` of this process still runs: a worker thread that ended without close() leaves its role
   * behind in the ring, and the role is free again once its thread is gone. OpenThread fails with
   * ERROR_INVALID_PARAMETER for an id no thread has; any other failure (access denied) leaves it taken as alive.
   * Thread ids are reused: a new thread given the same id keeps the role taken, as a live holder would.
   */
  threadAlive(id: number): boolean {
    const handle = this.#k32.OpenThread(SYNCHRONIZE, false, id);
    if (handle === null) return this.#k32.GetLastError() !== ERROR_INVALID_PARAMETER;
    try {
      return this.#k32.WaitForSingleObject(handle, 0) !== WAIT_OBJECT_0;
    } finally {
      this.#k32.CloseHandle(handle);
    }
  }

  #close(pid: number, peer: OwnedHandle<bigint>): void {
    this.#handles.delete(pid);
    peer.letGo();
  }
}
