/**
 * How a channel end waits: the blocking protocol, the loops that retry an attempt between waits, and closing while
 * waits are pending.
 *
 * The protocol: a side that cannot go on (no message, no room, a ring not drained yet) may spin first
 * (`spinMicroseconds`), then raises its waiting flag in the ring's header, looks once more (the other side may have
 * acted in between: this order loses no wake-up, as the other side sets the wake event only when it sees the flag),
 * and sleeps on its wake event (NAME-data for the reader, NAME-space for the writer) and on its peer's process, so
 * that a peer that dies does not leave it waiting forever (ChannelPeerExitedError).
 *
 * The synchronous calls wait on their own thread; the asynchronous ones on the wait thread, one call of a direction at
 * a time in the order they were made (call-queue.ts). close() aborts the asynchronous waits in progress, and the end's
 * handles are released once the wait thread has let go of them.
 */
import { ObjectClosedError } from '../errors.js';
import type { SyncAccess, Waitable } from '../backend.js';
import type { NamedEvent } from '../sync/named-event.js';
import { waitableOf, workerTimeout } from '../sync/kernel-object.js';
import { Waiter } from '../sync/waiter.js';
import { CallQueue } from './call-queue.js';
import { ChannelPeerExitedError } from './errors.js';
import type { Peers } from './peers.js';
import type { Ring, Role } from './ring.js';

/** How one wait of a blocked side ended: time ran out, the wake event was set, or the peer process ended. */
type Wake = 'timeout' | 'woken' | 'peer';

/** The options of an asynchronous call, parsed. */
export interface AsyncWait {
  timeoutMs: number;
  signal?: AbortSignal | undefined;
}

/** What an end's waits use. */
export interface WaitParts {
  /** The channel's name, for the errors. */
  name: string;
  ring: Ring;
  sync: SyncAccess;
  peers: Peers;
  /** This process. */
  pid: number;
  /** How long a side looks for the other before it sleeps (ms; 0: it sleeps at once). */
  spinMs: number;
  /** The wake event of a role (NAME-data wakes the reader, NAME-space the writer); undefined once released. */
  event(role: Role): NamedEvent | undefined;
}

/** The waits of one channel end. */
export class Waits {
  readonly #name: string;
  readonly #ring: Ring;
  readonly #sync: SyncAccess;
  readonly #peers: Peers;
  readonly #pid: number;
  readonly #spinMs: number;
  readonly #event: (role: Role) => NamedEvent | undefined;
  /** The order of this end's asynchronous calls. */
  readonly #calls: CallQueue;
  /** Aborted by close(): cancels the asynchronous waits in progress. */
  readonly #closing = new AbortController();
  /** The asynchronous waits in progress: each holds this end's event and peer handles on the wait thread. */
  #pending = 0;
  /** Set by closeThen() while waits were pending: what releases the end's handles once they let go. */
  #releaseWhenIdle: (() => void) | undefined;

  constructor(parts: WaitParts) {
    this.#name = parts.name;
    this.#ring = parts.ring;
    this.#sync = parts.sync;
    this.#peers = parts.peers;
    this.#pid = parts.pid;
    this.#spinMs = parts.spinMs;
    this.#event = parts.event;
    this.#calls = new CallQueue(parts.name);
  }

  /**
   * Runs `attempt` on this thread until it gives a result (anything but undefined), waiting until `ready` between
   * tries; undefined on timeout. Refused while asynchronous calls of the role are pending. `afterPeer`: what the peer
   * left is still this side's once it died, when `ready` (a dead writer's complete messages, a clean writer's end, a
   * ring drained before the reader died); otherwise the peer's death throws.
   */
  untilSync<T>(role: Role, operation: string, timeoutMs: number, attempt: () => T | undefined, ready: () => boolean, afterPeer: boolean): T | undefined {
    this.#calls.refuseWhileQueued(role, operation);
    // The clock is read only when the call must wait: most calls succeed at once.
    let deadline = -1;
    for (;;) {
      const done = attempt();
      if (done !== undefined) return done;
      if (deadline < 0) deadline = performance.now() + timeoutMs;
      if (this.#block(role, ready, deadline, (targets, _event, ms) => this.#waitHere(targets, ms), afterPeer) === 'timeout') return undefined;
    }
  }

  /** untilSync() on the wait thread, in turn with this end's other asynchronous calls of the role. */
  untilAsync<T>(role: Role, options: AsyncWait, attempt: () => T | undefined, ready: () => boolean, afterPeer: boolean): Promise<T | undefined> {
    return this.#calls.inTurn(role, options.signal, async () => {
      const deadline = performance.now() + options.timeoutMs;
      for (;;) {
        options.signal?.throwIfAborted();
        const done = attempt();
        if (done !== undefined) return done;
        const outcome = await this.#block(role, ready, deadline, (targets, event, ms) => this.#waitThere(targets, event, ms, options.signal), afterPeer);
        if (outcome === 'timeout') return undefined;
      }
    });
  }

  /**
   * The end closes: `release` (its handles) runs now, or, while asynchronous waits still hold them on the wait thread,
   * once the last of them has let go; those waits reject with ObjectClosedError.
   */
  closeThen(release: () => void): void {
    if (this.#pending === 0) return release();
    this.#releaseWhenIdle = release;
    this.#closing.abort(new ObjectClosedError('channel', `wait on channel "${this.#name}"`));
  }

  /**
   * One wait of a blocked side: raise the waiting flag, look once more, then wait on the wake event and the peer's
   * process. Throws when the peer died, unless `afterPeer` and `ready()`.
   */
  #block<R extends Wake | Promise<Wake>>(
    role: Role,
    ready: () => boolean,
    deadline: number,
    wait: (targets: Waitable[], event: NamedEvent, ms: number) => R,
    afterPeer: boolean,
  ): R | 'woken' {
    const event = this.#event(role);
    if (!event) throw new ObjectClosedError('channel', `wait on channel "${this.#name}"`);
    // Spinning: the other side may act within microseconds, sparing the kernel call and the wake-up.
    if (this.#spinMs > 0) {
      const until = Math.min(performance.now() + this.#spinMs, deadline);
      while (performance.now() < until) if (ready()) return 'woken';
    }
    const flag = role === 'reader' ? 'readerWaiting' : 'writerWaiting';
    this.#ring[flag] = true;
    if (ready()) {
      this.#ring[flag] = false;
      return 'woken';
    }
    const peerRole = role === 'reader' ? 'writer' : 'reader';
    const peerPid = this.#ring.holder(peerRole).pid;
    // The handles of peers that left are closed here, while no wait uses them.
    if (this.#pending === 0) this.#peers.keepOnly([this.#ring.holder('writer').pid, this.#ring.holder('reader').pid]);
    const foreign = peerPid !== 0 && peerPid !== this.#pid;
    const peer = foreign ? this.#peers.waitable(peerPid) : undefined;
    const ms = deadline === Infinity ? Infinity : Math.max(0, Math.round(deadline - performance.now()));
    const settle = (outcome: Wake): 'timeout' | 'woken' => {
      this.#ring[flag] = false;
      if (outcome !== 'peer') return outcome;
      this.#ring.release(peerRole, peerPid);
      // A dead writer's complete messages are still delivered before its death is reported.
      if (afterPeer && ready()) return 'woken';
      throw new ChannelPeerExitedError(peerRole, peerPid, `channel "${this.#name}"`);
    };
    // A peer that ended before it could be opened is as gone as one that ends during the wait.
    if (foreign && peer === undefined) return settle('peer') as 'woken'; // 'peer' settles as 'woken' or throws
    const woken = waitableOf(event);
    const result: Wake | Promise<Wake> = wait(peer === undefined ? [woken] : [woken, peer], event, ms);
    return (
      result instanceof Promise
        ? result.then(settle, (error: unknown) => {
            this.#ring[flag] = false;
            throw error;
          })
        : settle(result)
    ) as R;
  }

  /** Waits on this thread (the synchronous API). */
  #waitHere(targets: Waitable[], ms: number): Wake {
    const { result, index } = this.#sync.waitHere(targets, ms, `channel "${this.#name}"`, this.#name);
    if (result === 'timeout') return 'timeout';
    return index === 0 ? 'woken' : 'peer';
  }

  /** Waits on the wait thread (the asynchronous API). A wake event consumed after an abort is set again. */
  async #waitThere(targets: Waitable[], event: NamedEvent, ms: number, signal: AbortSignal | undefined): Promise<Wake> {
    // A signal of this wait's own: listeners are added to it, never to the end's closing signal (one per pending wait
    // would warn of a leak past ten).
    const combined = AbortSignal.any(signal ? [signal, this.#closing.signal] : [this.#closing.signal]);
    this.#pending++;
    try {
      const { result, index } = await Waiter.get().waitAny(targets, workerTimeout(ms), `waiting on channel "${this.#name}"`, combined, (i) => {
        // The event is still open: close() releases the parts once no wait holds them.
        if (i === 0) event.set();
      });
      if (result === 'timeout') return 'timeout';
      return index === 0 ? 'woken' : 'peer';
    } finally {
      const release = this.#releaseWhenIdle;
      if (--this.#pending === 0 && release) {
        this.#releaseWhenIdle = undefined;
        release();
      }
    }
  }
}
