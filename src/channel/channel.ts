/**
 * Channel: messages between processes through a ring buffer in a named section (see ring.ts for the layout and
 * the publication order), with kernel events to wake a waiting reader or writer: no polling.
 *
 * Roles: the process that sends is the channel's writer and the one that receives its reader, one of each at a
 * time (single producer, single consumer). A waiting side also watches its peer's process handle, so that a peer
 * that dies does not leave it waiting forever: see ChannelPeerExitedError. A writer that closes its end ends the
 * stream instead: the reader gets every message, then null (ring.ts: `writer closed`); drain() lets a writer wait
 * until the reader has taken everything before it closes. On one end, asynchronous calls of a
 * direction are served one at a time, in the order they were made (call-queue.ts).
 *
 * Besides send() and receive(), which copy a message in and out, an end can receive into a buffer of the caller's,
 * read a message in place until it releases it, and claim room to write a message in place (in-place.ts). A side that
 * must wait can spin first (`spinMicroseconds`), then sleeps on its event and its peer's process (waits.ts).
 *
 * Beside this file: the ring (ring.ts), the waits (waits.ts), which ends of this thread use a role (roles.ts), what a
 * message may be (messages.ts), in-place messages (in-place.ts), the order of asynchronous calls (call-queue.ts), the
 * peers' processes (peers.ts), the set-up (setup.ts).
 */
import { ObjectClosedError } from '../errors.js';
import { FileMapping } from '../section/file-mapping.js';
import { memoryOf, type MappedView } from '../view/mapped-view.js';
import { parseOptions } from '../section/options.js';
import { backend } from '../backend.js';
import { NamedEvent } from '../sync/named-event.js';
import { asyncWaitSchema, type AsyncWaitOptions } from '../sync/kernel-object.js';
import { createSchema, openSchema, parseSyncTimeout, type ChannelOpenOptions, type ChannelOptions, type SyncWaitOptions } from './options.js';
import { Peers } from './peers.js';
import { HEADER_BYTES, Ring, type Claimed, type Holder, type Pending, type Role } from './ring.js';
import { ChannelClaim, ChannelMessage, copyInto, lend } from './in-place.js';
import { checkLength, checkTarget, messageBytes, type MessageData } from './messages.js';
import { leaveRoles, useRole } from './roles.js';
import { Waits, type AsyncWait } from './waits.js';
import { buildChannel, parseChannelName, type ChannelParts } from './setup.js';
import type { ViewMemory } from '../view/memory.js';

/** How a read takes the message found in the ring. */
type Take<T> = (memory: ViewMemory, pending: Pending) => T;
/** What a read gives: what `take` made of a message, null at the end of the stream, undefined on timeout. */
type Read<T> = T | null | undefined;

/**
 * Messages from one process to another through a ring buffer in a named section, with backpressure, no torn
 * messages, no polling, and a peer that dies reported (see the module comment above and docs/channel.md).
 */
export class Channel implements Disposable, AsyncIterable<Buffer> {
  /** The channel's name: its section; its events are NAME-data and NAME-space. */
  readonly name: string;
  /** True when create() found the channel existing (or for open()). */
  readonly alreadyExisted: boolean;
  /** The longest message this channel carries, in bytes. */
  readonly maxMessageLength: number;

  readonly #pid: number;
  /** This end's role holder: this process and this thread (worker threads share the pid). */
  readonly #me: Holder;
  readonly #ring: Ring;
  readonly #key: string;
  #mapping: FileMapping | undefined;
  #view: MappedView | undefined;
  #data: NamedEvent | undefined;
  #space: NamedEvent | undefined;
  readonly #peers: Peers;
  readonly #waits: Waits;
  #closedView: MappedView | undefined;
  #copyMode = false;
  /** The message this end holds in place (receiveInPlace), until released: the reader takes nothing else meanwhile. */
  #held: ChannelMessage | undefined;
  /** The room this end has claimed (claim), until committed or aborted: the writer writes nothing else meanwhile. */
  #claimed: ChannelClaim | undefined;
  /** The roles this end has registered (roles.ts). */
  readonly #usesRole: Record<Role, boolean> = { writer: false, reader: false };

  private constructor(name: string, { mapping, view, ring, events }: ChannelParts, spinMicroseconds: number) {
    this.name = name;
    this.#key = name.replace(/^Local\\/u, '');
    this.alreadyExisted = mapping.alreadyExisted;
    const sync = backend().sync;
    this.#pid = sync.processId();
    this.#me = { pid: this.#pid, thread: sync.threadId() };
    this.#mapping = mapping;
    this.#view = view;
    this.#copyMode = view.copyMode;
    this.#ring = ring;
    this.maxMessageLength = ring.maxMessageLength;
    [this.#data, this.#space] = events;
    this.#peers = new Peers(sync, this);
    this.#waits = new Waits({
      name,
      ring,
      sync,
      peers: this.#peers,
      pid: this.#pid,
      spinMs: spinMicroseconds / 1000,
      event: (role) => (role === 'reader' ? this.#data : this.#space),
    });
  }

  /**
   * Creates a channel, or joins the existing one of this name (`alreadyExisted`), unless `exclusive`: then it fails
   * when any object the channel is made of exists already (its section, NAME-data, NAME-space, NAME-init), so that
   * no process that took one of those names first can listen in or steal wake-ups.
   */
  static create(name: string, options: ChannelOptions = {}): Channel {
    const parsedName = parseChannelName(name, 'Channel.create() name');
    const parsed = parseOptions(createSchema, options, 'Channel.create() options');
    const security = parsed.security === undefined ? {} : { security: parsed.security };
    const exclusive = parsed.exclusive;
    const parts = buildChannel(parsedName, {
      capacity: parsed.capacity,
      exclusive,
      security,
      section: () => FileMapping.create({ name: parsedName, size: HEADER_BYTES + parsed.capacity, exclusive, ...security }),
      event: (eventName) => NamedEvent.create(eventName, { ...security, exclusive }),
    });
    return new Channel(parsedName, parts, parsed.spinMicroseconds);
  }

  /**
   * Joins an existing channel by name. With `expectedOwner`, only one whose section and events that user owns (the
   * set-up mutex NAME-init is not checked: a process holding it can only make set-up time out).
   */
  static open(name: string, options: ChannelOpenOptions = {}): Channel {
    const parsedName = parseChannelName(name, 'Channel.open() name');
    const { expectedOwner: owner, spinMicroseconds } = parseOptions(openSchema, options, 'Channel.open() options');
    const parts = buildChannel(parsedName, {
      capacity: undefined,
      exclusive: false,
      security: {},
      section: () => FileMapping.open(parsedName, owner === undefined ? {} : { expectedOwner: owner }),
      // The creator makes the events with the section, under NAME-init, so they exist; create() only spares a
      // joiner the case of a creator that died in between. With an owner to check they must be the creator's.
      event: (eventName) => (owner === undefined ? NamedEvent.create(eventName) : NamedEvent.open(eventName, { expectedOwner: owner })),
    });
    return new Channel(parsedName, parts, spinMicroseconds);
  }

  /**
   * Sends a message (a Buffer, a Uint8Array, or a string as UTF-8), waiting while the ring is full (backpressure:
   * unread data is never overwritten). Returns false on timeout.
   */
  send(message: MessageData, options: SyncWaitOptions = {}): boolean {
    const timeoutMs = parseSyncTimeout(options, 'Channel.send() options');
    const bytes = this.#bytes(message);
    return this.#waits.untilSync('writer', 'send', timeoutMs, () => this.#trySend(bytes), this.#roomFor(bytes.length), false) ?? false;
  }

  /**
   * send() without blocking the event loop. Resolves to false on timeout; rejects with the signal's reason on abort,
   * having sent nothing. Calls on one end are served in order.
   */
  async sendAsync(message: MessageData, options: AsyncWaitOptions = {}): Promise<boolean> {
    const parsed = parseOptions(asyncWaitSchema, options, 'Channel.sendAsync() options');
    const bytes = this.#bytes(message);
    return (await this.#waits.untilAsync('writer', parsed, () => this.#trySend(bytes), this.#roomFor(bytes.length), false)) ?? false;
  }

  /**
   * Claims room for a message of up to `length` bytes, to be written in place, waiting while the ring is full; undefined
   * on timeout. Fill the claim's `buffer`, then `commit()` it (or its first bytes): nothing is visible to the reader
   * before. Until then this end sends nothing else. With `using`, a claim left without commit() publishes nothing.
   */
  claim(length: number, options: SyncWaitOptions = {}): ChannelClaim | undefined {
    const timeoutMs = parseSyncTimeout(options, 'Channel.claim() options');
    checkLength(length, this.maxMessageLength, 'Channel.claim() length');
    return this.#waits.untilSync('writer', 'claim', timeoutMs, () => this.#tryClaim(length), this.#roomFor(length), false);
  }

  /** claim() without blocking the event loop; rejects with the signal's reason on abort, having claimed nothing. */
  async claimAsync(length: number, options: AsyncWaitOptions = {}): Promise<ChannelClaim | undefined> {
    const parsed = parseOptions(asyncWaitSchema, options, 'Channel.claimAsync() options');
    checkLength(length, this.maxMessageLength, 'Channel.claimAsync() length');
    return this.#waits.untilAsync('writer', parsed, () => this.#tryClaim(length), this.#roomFor(length), false);
  }

  /**
   * Waits until the reader has taken every message this end sent (the ring is empty: read, or released when read in
   * place), as a stream's 'finish': a producer that drains before close() knows its messages were received, where
   * closing at once could take the channel and its unread messages with it (a channel lives while an end is open).
   * Returns false on timeout. Takes the writer role, as send() does, so that close() then ends the reader's stream
   * even when nothing was sent. A reader that dies meanwhile throws a ChannelPeerExitedError; one that closes
   * cleanly does not end the wait (the next reader may take the rest).
   */
  drain(options: SyncWaitOptions = {}): boolean {
    const timeoutMs = parseSyncTimeout(options, 'Channel.drain() options');
    return this.#waits.untilSync('writer', 'drain', timeoutMs, () => this.#tryDrain(), this.#drained, true) ?? false;
  }

  /**
   * drain() without blocking the event loop, after this end's pending asynchronous sends. Resolves to false on
   * timeout; rejects with the signal's reason on abort.
   */
  async drainAsync(options: AsyncWaitOptions = {}): Promise<boolean> {
    const parsed = parseOptions(asyncWaitSchema, options, 'Channel.drainAsync() options');
    return (await this.#waits.untilAsync('writer', parsed, () => this.#tryDrain(), this.#drained, true)) ?? false;
  }

  /**
   * Receives the next message, waiting for one up to the timeout; undefined on timeout; null at the end of the stream
   * (the writer closed its end, and every message it sent was received), as a stream's read() gives null, until a new
   * writer joins.
   */
  receive(options: SyncWaitOptions = {}): Buffer | null | undefined {
    const timeoutMs = parseSyncTimeout(options, 'Channel.receive() options');
    return this.#readSync('receive', timeoutMs, (memory, pending) => memory.read(pending.at, pending.length));
  }

  /**
   * receive() without blocking the event loop. Resolves to undefined on timeout, null at the end of the stream; rejects
   * with the signal's reason on abort, having taken nothing. Calls on one end are served in order.
   */
  async receiveAsync(options: AsyncWaitOptions = {}): Promise<Buffer | null | undefined> {
    const parsed = parseOptions(asyncWaitSchema, options, 'Channel.receiveAsync() options');
    return this.#readAsync(parsed, (memory, pending) => memory.read(pending.at, pending.length));
  }

  /**
   * Receives the next message into `target`, from its first byte, without a Buffer of its own: returns the message's
   * length, undefined on timeout, or null at the end of the stream. A message longer than `target` is not taken: the
   * call throws a RangeError, and the message stays in the ring for a larger target.
   */
  receiveInto(target: Uint8Array, options: SyncWaitOptions = {}): number | null | undefined {
    const timeoutMs = parseSyncTimeout(options, 'Channel.receiveInto() options');
    checkTarget(target, 'Channel.receiveInto() target');
    return this.#readSync('receiveInto', timeoutMs, (memory, pending) => copyInto(this.name, this.maxMessageLength, memory, pending, target));
  }

  /** receiveInto() without blocking the event loop; rejects with the signal's reason on abort, having taken nothing. */
  async receiveIntoAsync(target: Uint8Array, options: AsyncWaitOptions = {}): Promise<number | null | undefined> {
    const parsed = parseOptions(asyncWaitSchema, options, 'Channel.receiveIntoAsync() options');
    checkTarget(target, 'Channel.receiveIntoAsync() target');
    return this.#readAsync(parsed, (memory, pending) => copyInto(this.name, this.maxMessageLength, memory, pending, target));
  }

  /**
   * Receives the next message in place: its `buffer` covers the ring's own bytes (see ChannelMessage), valid until
   * `release()`, which gives the room back to the writer. Undefined on timeout, null at the end of the stream. Until
   * the release this end receives nothing else; `using message = channel.receiveInPlace()` releases it at the end of
   * the block.
   */
  receiveInPlace(options: SyncWaitOptions = {}): ChannelMessage | null | undefined {
    const timeoutMs = parseSyncTimeout(options, 'Channel.receiveInPlace() options');
    return this.#readSync('receiveInPlace', timeoutMs, (memory, pending) => this.#hold(memory, pending), false);
  }

  /** receiveInPlace() without blocking the event loop; rejects with the signal's reason on abort, having taken nothing. */
  async receiveInPlaceAsync(options: AsyncWaitOptions = {}): Promise<ChannelMessage | null | undefined> {
    const parsed = parseOptions(asyncWaitSchema, options, 'Channel.receiveInPlaceAsync() options');
    return this.#readAsync(parsed, (memory, pending) => this.#hold(memory, pending), false);
  }

  /**
   * Receives messages until the end of the stream (the writer closed its end, after its last message) or until this
   * end is closed: `for await (const message of channel)`. The iterator's return() (a `break`, or a call while a
   * next() is pending) ends a pending next() as done, and the message it was waiting for stays in the ring. Once done,
   * the iterator stays done: a new writer's messages are for a new loop.
   */
  [Symbol.asyncIterator](): AsyncIterator<Buffer> {
    const stop = new AbortController();
    const done = (): IteratorResult<Buffer> => ({ done: true, value: undefined });
    const iterator: AsyncIterator<Buffer> = {
      next: async () => {
        if (stop.signal.aborted || this.closed) return done();
        try {
          // No timeout: this resolves with a message or the end (null), or rejects.
          const message = (await this.receiveAsync({ signal: stop.signal })) as Buffer | null;
          if (message !== null) return { done: false, value: message };
          stop.abort();
          return done();
        } catch (error) {
          // return() and close() end the iteration; anything else (a peer that died, say) is the caller's to see.
          if (stop.signal.aborted || (this.closed && error instanceof ObjectClosedError)) return done();
          throw error;
        }
      },
      return: async () => {
        stop.abort();
        return done();
      },
    };
    return iterator;
  }

  /**
   * True when this end reaches the ring by copying (copy mode: the runtime forbids external buffers, as Electron's
   * main process does, or FILEMAPPING_COPY_MODE asks for it). Ends in either mode share a channel.
   */
  get copyMode(): boolean {
    return this.#copyMode;
  }

  /** True once close() has run. */
  get closed(): boolean {
    return this.#view === undefined;
  }

  /**
   * Closes this end: gives up its roles (unless another end of this thread still uses them), wakes a peer waiting on
   * it, and releases the section and events. A writer's close() ends the stream: the reader receives every message
   * sent, then null (its `for await` ends), until a new writer joins. Idempotent. Asynchronous sends and receives in progress reject with
   * ObjectClosedError; the handles they wait on are released once the wait thread has let go of them.
   */
  close(): void {
    const view = this.#view;
    if (!view) return;
    for (const role of leaveRoles(this.#key, this)) {
      // The writer marks the end of its stream as it leaves (after its last message: a claim held now publishes nothing).
      if (role === 'writer') this.#ring.endWrites(this.#me);
      else this.#ring.release(role, this.#me);
    }
    this.#data?.set();
    this.#space?.set();
    this.#view = undefined;
    // A message held in place stays in the ring for the next reader, a claim publishes nothing; their Buffers are
    // detached before the view is unmapped.
    this.#held?.release();
    this.#claimed?.abort();
    this.#closedView = view;
    this.#waits.closeThen(() => this.#release());
  }

  #release(): void {
    this.#peers.clear();
    this.#closedView?.unmap();
    this.#closedView = undefined;
    this.#mapping?.close();
    this.#data?.close();
    this.#space?.close();
    this.#mapping = this.#data = this.#space = undefined;
  }

  /** The same as close(): what a `using` declaration calls at the end of its block. */
  [Symbol.dispose](): void {
    this.close();
  }

  #bytes(message: MessageData): Uint8Array {
    if (!this.#view) throw new ObjectClosedError('channel', `send on channel "${this.name}"`);
    return messageBytes(message, this.maxMessageLength);
  }

  /** Runs a read until it finds a message or the end (null), waiting between tries; undefined on timeout. */
  #readSync<T>(operation: string, timeoutMs: number, take: Take<T>, consume = true): Read<T> {
    return this.#waits.untilSync('reader', operation, timeoutMs, () => this.#tryTake(take, consume), this.#readable, true);
  }

  /** #readSync() on the wait thread, in turn with this end's other asynchronous reads. */
  #readAsync<T>(options: AsyncWait, take: Take<T>, consume = true): Promise<Read<T>> {
    if (!this.#view) throw new ObjectClosedError('channel', `receive from channel "${this.name}"`);
    return this.#waits.untilAsync('reader', options, () => this.#tryTake(take, consume), this.#readable, true);
  }

  /** The view's memory, or ObjectClosedError. */
  #memory(operation: string): ViewMemory {
    if (!this.#view) throw new ObjectClosedError('channel', `${operation} channel "${this.name}"`);
    return memoryOf(this.#view, `${operation} channel "${this.name}" through`);
  }

  /** What a writer waits for: room for a message of `length` bytes (or for the pad record it needs first). */
  #roomFor(length: number): () => boolean {
    return () => this.#ring.hasRoom(length);
  }

  /** What drain() waits for: the reader has taken every message. */
  readonly #drained = (): boolean => this.#ring.empty;

  /** What a reader waits for: a message, or the end of the stream. */
  readonly #readable = (): boolean => this.#ring.writerClosed || !this.#ring.empty;

  #tryDrain(): true | undefined {
    this.#memory('drain');
    this.#claim('writer');
    return this.#ring.empty || undefined;
  }

  #trySend(bytes: Uint8Array): true | undefined {
    this.#refuseWhileClaimed();
    this.#claim('writer');
    if (!this.#ring.tryWrite(bytes)) {
      this.#wakeForPad();
      return undefined;
    }
    if (this.#ring.readerWaiting) this.#data?.set();
    return true;
  }

  #tryClaim(length: number): ChannelClaim | undefined {
    const memory = this.#memory('send on');
    this.#refuseWhileClaimed();
    this.#claim('writer');
    const claimed = this.#ring.tryClaim(length);
    if (!claimed) {
      this.#wakeForPad();
      return undefined;
    }
    this.#claimed = new ChannelClaim(this.name, length, lend(memory, claimed.at, length), (committed, scratch) =>
      this.#finishClaim(claimed, committed, scratch),
    );
    return this.#claimed;
  }

  /** Ends this end's claim: publishes `committed` bytes of it (copied from `scratch` when it was not lent), or nothing. */
  #finishClaim(claimed: Claimed, committed: number | undefined, scratch: Buffer | undefined): void {
    this.#claimed = undefined;
    if (committed === undefined || !this.#view) return;
    if (scratch && committed > 0) this.#memory('send on').write(scratch.subarray(0, committed), claimed.at);
    this.#ring.commit(claimed, committed);
    if (this.#ring.readerWaiting) this.#data?.set();
  }

  /**
   * A writer that found no room may have published a pad record (the rest of the ring, before a message that did not
   * fit there): a reader already asleep must wake to skip it, or the room it frees would never come.
   */
  #wakeForPad(): void {
    if (this.#ring.readerWaiting && !this.#ring.empty) this.#data?.set();
  }

  #refuseWhileClaimed(): void {
    if (!this.#claimed) return;
    throw new Error(`Cannot send or claim on channel "${this.name}" while this end holds a claim: commit() or abort() it first`);
  }

  /**
   * Takes the oldest message with `take` (which may refuse it by throwing: it then stays in the ring), consuming it
   * unless `consume` is false; null at the end of the stream (the writer closed, and the ring is empty); undefined when
   * there is none yet.
   */
  #tryTake<T>(take: Take<T>, consume: boolean): Read<T> {
    const memory = this.#memory('receive from');
    if (this.#held) {
      throw new Error(`Cannot receive from channel "${this.name}" while this end holds a message received in place: release() it first`);
    }
    this.#claim('reader');
    const pending = this.#ring.tryPeek();
    const got = pending && take(memory, pending);
    if (pending && consume) this.#ring.consume(pending);
    // Room made (or a pad record skipped) for a writer that waits for it. Only then is the flag read: in copy mode
    // each read of it is a native call, and most calls that find nothing made no room.
    if (((pending && consume) || this.#ring.padSkipped) && this.#ring.writerWaiting) this.#space?.set();
    // The end is read before the ring is looked at again: a writer sets it after its last message, so an empty ring
    // seen after it holds nothing more of that writer's.
    if (!pending && this.#ring.writerClosed && this.#ring.empty) return null;
    return got;
  }

  /** A message of the ring, lent in place (or copied where it cannot be lent): consumed on its release. */
  #hold(memory: ViewMemory, pending: Pending): ChannelMessage {
    const bytes = lend(memory, pending.at, pending.length) ?? memory.read(pending.at, pending.length);
    this.#held = new ChannelMessage(this.name, pending.length, bytes, () => {
      this.#held = undefined;
      // Released by close(): the message stays in the ring for the next reader.
      if (!this.#view) return;
      this.#ring.consume(pending);
      if (this.#ring.writerWaiting) this.#space?.set();
    });
    return this.#held;
  }

  /** Takes the writer or reader role for this thread, unless another live thread or live process has it. */
  #claim(role: Role): void {
    const holder = this.#ring.claim(role, this.#me, this.#holderAlive, this.#tookRole);
    if (holder !== this.#me && (holder.pid !== this.#me.pid || holder.thread !== this.#me.thread)) {
      const who = holder.pid === this.#me.pid ? `thread ${holder.thread} of this process` : `process ${holder.pid}`;
      throw new Error(
        `Cannot use channel "${this.name}" as its ${role}: ${who} is its ${role}. A channel has one writer and one reader (one thread each) at a time; use one channel per producer`,
      );
    }
    // Once per role and end (claim() runs on every call: a key string and two lookups each time cost a fifth of one).
    if (this.#usesRole[role]) return;
    useRole(this.#key, role, this);
    this.#usesRole[role] = true;
  }

  /**
   * This end has just taken `role`. A peer that began waiting before it watches the role's last holder, or nobody:
   * woken, it looks again and watches this process, so that it learns if this end dies before it sends (or releases).
   */
  readonly #tookRole = (role: Role): void => {
    if (role === 'writer' ? this.#ring.readerWaiting : this.#ring.writerWaiting) (role === 'writer' ? this.#data : this.#space)?.set();
  };

  /** Whether a role holder still runs: a thread of this process, or another process. */
  readonly #holderAlive = ({ pid, thread }: Holder): boolean => (pid === this.#pid ? this.#peers.threadAlive(thread) : this.#peers.alive(pid));
}
