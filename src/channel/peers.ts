/**
 * The peers of a channel end: a handle on each process that holds the other role (a process handle on Windows, a
 * pidfd on Linux), so that a waiting side also wakes when its peer dies, and the liveness checks of a role holder
 * (another process, or a thread of this one).
 */
import type { NativeHandle, SyncAccess, Waitable } from '../backend.js';
import { OwnedHandle } from '../core/owned-handle.js';

interface Peer {
  handle: OwnedHandle<NativeHandle>;
  waitable: Waitable;
}

export class Peers {
  readonly #sync: SyncAccess;
  readonly #owner: object;
  /** Handles of the peers this end watches, by pid. */
  readonly #peers = new Map<number, Peer>();

  /** `owner`: the channel end, whose collection closes the handles left open (see OwnedHandle). */
  constructor(sync: SyncAccess, owner: object) {
    this.#sync = sync;
    this.#owner = owner;
  }

  /** How many process handles this end holds (for the tests). */
  get size(): number {
    return this.#peers.size;
  }

  /** What a wait watches to learn that process `pid` ended, kept until forget(); undefined if that process is gone. */
  waitable(pid: number): Waitable | undefined {
    return this.#peer(pid)?.waitable;
  }

  /** Whether process `pid` runs: false once it has exited or when it cannot be opened. */
  alive(pid: number): boolean {
    const peer = this.#peer(pid);
    const handle = peer?.handle.value;
    return handle !== undefined && this.#sync.processAlive(handle);
  }

  /**
   * Closes the handles of every process but `keep` (the peers that hold a role now): a long-lived end with many
   * short-lived peers keeps no handle of those that left. Call it only while no wait uses a handle.
   */
  keepOnly(keep: readonly number[]): void {
    for (const [pid, peer] of this.#peers) {
      if (keep.includes(pid)) continue;
      this.#close(pid, peer);
    }
  }

  /** Closes every handle. */
  clear(): void {
    for (const [pid, peer] of this.#peers) this.#close(pid, peer);
  }

  /** Whether thread `id` of this process still runs (see SyncAccess.threadAlive). */
  threadAlive(id: number): boolean {
    return this.#sync.threadAlive(id);
  }

  #peer(pid: number): Peer | undefined {
    let peer = this.#peers.get(pid);
    if (peer === undefined) {
      const opened = this.#sync.openProcess(pid);
      if (opened === undefined) return undefined;
      const sync = this.#sync;
      peer = { handle: new OwnedHandle(opened.handle, (handle) => sync.closeProcess(handle), this.#owner), waitable: opened.waitable };
      this.#peers.set(pid, peer);
    }
    return peer;
  }

  #close(pid: number, peer: Peer): void {
    this.#peers.delete(pid);
    peer.handle.letGo();
  }
}
