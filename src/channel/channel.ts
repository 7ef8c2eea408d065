/**
 * Channel: messages between processes through a ring buffer in a named section (see ring.ts for the layout and
 * the publication order), with kernel events to wake a waiting reader or writer: no polling.
 *
 * Roles: the process that sends is the channel's writer and the one that receives its reader, one of each at a
 * time (single producer, single consumer). A waiting side also watches its peer's process handle, so that a peer
 * that dies does not leave it waiting forever: see ChannelPeerExitedError. On one end, asynchronous calls of a
 * direction are served one at a time, in the order they were made: a second pending receiveAsync() waits for the
 * first instead of racing it for the wake-up.
 */
import { ALREADY_EXISTS_HINTS, FileMappingValidationError, isSystemCallError, ObjectClosedError, SystemCallError } from '../errors.js';
import { FileMapping } from '../section/file-mapping.js';
import { memoryOf, type MappedView } from '../view/mapped-view.js';
import { MAX_NAME_LENGTH, parseName, parseOptions } from '../section/options.js';
import { backend, type SyncAccess, type Waitable } from '../backend.js';
import { NamedEvent } from '../sync/named-event.js';
import { NamedMutex } from '../sync/named-mutex.js';
import { asyncWaitSchema, waitableOf, workerTimeout, type AsyncWaitOptions } from '../sync/kernel-object.js';
import { Waiter } from '../sync/waiter.js';
import { createSchema, openSchema, syncSchema, type ChannelOpenOptions, type ChannelOptions, type SyncWaitOptions } from './options.js';
import { Peers } from './peers.js';
import { HEADER_BYTES, Ring, type Holder, type Role } from './ring.js';

/** The peer process ended without closing the channel. Every message it had sent in full was delivered first. */
export class ChannelPeerExitedError extends Error {
  readonly pid: number;
  readonly role: Role;

  constructor(role: Role, pid: number, channel: string) {
    super(
      role === 'writer'
        ? `The process writing to ${channel} (pid ${pid}) ended without closing it: every message it had sent in full was received; one it was writing, if any, is lost`
        : `The process reading ${channel} (pid ${pid}) ended without closing it: the messages in the ring stay there for the next reader`,
    );
    this.pid = pid;
    this.role = role;
  }
}
Object.defineProperty(ChannelPeerExitedError.prototype, 'name', { value: 'ChannelPeerExitedError' });

type Message = Uint8Array | string;
/** The parts of a channel beside its section, by the suffix of their names. */
const PARTS = { init: '-init', data: '-data', space: '-space' } as const;
/** The longest channel name: its parts' names (NAME-space the longest) must be valid kernel object names. */
export const MAX_CHANNEL_NAME_LENGTH = MAX_NAME_LENGTH - PARTS.space.length;

/** How create() and open() make the parts of a channel: #build() runs them under the set-up mutex. */
interface BuildSteps {
  /** The ring's capacity when the section is new and this end writes the header; undefined to attach only. */
  capacity: number | undefined;
  /** create() with `exclusive`: every part must be new. */
  exclusive: boolean;
  security: { security?: string };
  section(): FileMapping;
  event(name: string): NamedEvent;
}
/** How long create() and open() wait for another process that is setting the same channel up. */
const INIT_TIMEOUT_MS = 30_000;
/** How one wait of a blocked side ended: time ran out, the wake event was set, or the peer process ended. */
type Wake = 'timeout' | 'woken' | 'peer';

/**
 * The ends of this thread that use each role of each channel (by name): a role is given up when the last of them
 * closes, so that closing one object never takes the role from another object of the same thread. Module state is
 * per thread: each worker thread has its own.
 */
const roleUsers = new Map<string, Set<Channel>>();

export class Channel implements Disposable, AsyncIterable<Buffer> {
  /** The channel's name: its section; its events are NAME-data and NAME-space. */
  readonly name: string;
  /** True when create() found the channel existing (or for open()). */
  readonly alreadyExisted: boolean;
  /** The longest message this channel carries, in bytes. */
  readonly maxMessageLength: number;

  readonly #sync: SyncAccess;
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
  /** Aborted by close(): cancels the asynchronous waits in progress. */
  readonly #closing = new AbortController();
  #pendingWaits = 0;
  /** The last asynchronous call of each direction: the next one starts once it has settled. */
  readonly #queues: Record<Role, Promise<void>> = { writer: Promise.resolve(), reader: Promise.resolve() };
  /** How many asynchronous calls of each direction are pending (waiting for their turn or in progress). */
  readonly #queued: Record<Role, number> = { writer: 0, reader: 0 };
  /** Set by close() when the wait thread still held handles of this end: released once it lets go. */
  #releaseWhenIdle = false;
  #closedView: MappedView | undefined;
  #copyMode = false;

  private constructor(name: string, mapping: FileMapping, view: MappedView, ring: Ring, events: [NamedEvent, NamedEvent]) {
    this.name = name;
    this.#key = name.replace(/^Local\\/u, '');
    this.alreadyExisted = mapping.alreadyExisted;
    this.#sync = backend().sync;
    this.#pid = this.#sync.processId();
    this.#me = { pid: this.#pid, thread: this.#sync.threadId() };
    this.#mapping = mapping;
    this.#view = view;
    this.#copyMode = view.copyMode;
    this.#ring = ring;
    this.maxMessageLength = ring.maxMessageLength;
    [this.#data, this.#space] = events;
    this.#peers = new Peers(this.#sync, this);
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
    return Channel.#build(parsedName, {
      capacity: parsed.capacity,
      exclusive,
      security,
      section: () => FileMapping.create({ name: parsedName, size: HEADER_BYTES + parsed.capacity, exclusive, ...security }),
      event: (eventName) => NamedEvent.create(eventName, { ...security, exclusive }),
    });
  }

  /**
   * Joins an existing channel by name. With `expectedOwner`, only one whose section and events that user owns (the
   * set-up mutex NAME-init is not checked: a process holding it can only make set-up time out).
   */
  static open(name: string, options: ChannelOpenOptions = {}): Channel {
    const parsedName = parseChannelName(name, 'Channel.open() name');
    const owner = parseOptions(openSchema, options, 'Channel.open() options').expectedOwner;
    return Channel.#build(parsedName, {
      capacity: undefined,
      exclusive: false,
      security: {},
      section: () => FileMapping.open(parsedName, owner === undefined ? {} : { expectedOwner: owner }),
      // The creator makes the events with the section, under NAME-init, so they exist; create() only spares a
      // joiner the case of a creator that died in between. With an owner to check they must be the creator's.
      event: (eventName) => (owner === undefined ? NamedEvent.create(eventName) : NamedEvent.open(eventName, { expectedOwner: owner })),
    });
  }

  static #build(name: string, how: BuildSteps): Channel {
    const owned: Disposable[] = [];
    // Creating the section and writing its header are two steps: a process joining in between would find no header.
    // A mutex NAME-init makes them one for every process that creates or opens the channel.
    const init = part(name, 'mutex NAME-init', () => NamedMutex.create(`${name}${PARTS.init}`, { ...how.security, exclusive: how.exclusive }));
    try {
      if (init.lock(INIT_TIMEOUT_MS) === 'timeout') {
        throw new Error(`Timed out after ${INIT_TIMEOUT_MS} ms waiting to set up channel "${name}" (another process holds ${name}${PARTS.init})`);
      }
      const mapping = part(name, 'section', how.section);
      owned.push(mapping);
      // Zero-copy or copy mode, as the runtime allows (or FILEMAPPING_COPY_MODE asks): the ring uses the view's
      // atomics, which are the same locked instructions in both, so processes in different modes share a channel.
      const view = mapping.map();
      owned.push(view);
      const memory = () => memoryOf(view, `reach channel "${name}" through`);
      // The creator writes the header; whoever joins checks it (a section of that name may hold something else).
      const ring =
        how.capacity !== undefined && !mapping.alreadyExisted
          ? Ring.initialize(memory, how.capacity, name)
          : Ring.attach(memory, view.length, name);
      const data = part(name, 'event NAME-data', () => how.event(`${name}${PARTS.data}`));
      owned.push(data);
      const space = part(name, 'event NAME-space', () => how.event(`${name}${PARTS.space}`));
      owned.push(space);
      return new Channel(name, mapping, view, ring, [data, space]);
    } catch (error) {
      for (const resource of owned.reverse()) resource[Symbol.dispose]();
      throw error;
    } finally {
      // close() unlocks first if this object holds the lock.
      init.close();
    }
  }

  /**
   * Sends a message (a Buffer, a Uint8Array, or a string as UTF-8), waiting while the ring is full (backpressure:
   * unread data is never overwritten). Returns false on timeout.
   */
  send(message: Message, options: SyncWaitOptions = {}): boolean {
    const { timeoutMs } = parseOptions(syncSchema, options, 'Channel.send() options');
    const bytes = this.#bytes(message);
    this.#refuseWhileQueued('writer', 'send');
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      if (this.#trySend(bytes)) return true;
      const outcome = this.#block('writer', () => this.#ring.hasRoom(bytes.length), deadline, (targets, _event, ms) => this.#waitHere(targets, ms));
      if (outcome === 'timeout') return false;
    }
  }

  /**
   * send() without blocking the event loop. Resolves to false on timeout; rejects with the signal's reason on abort,
   * having sent nothing. Calls on one end are served in order.
   */
  async sendAsync(message: Message, options: AsyncWaitOptions = {}): Promise<boolean> {
    const parsed = parseOptions(asyncWaitSchema, options, 'Channel.sendAsync() options');
    const bytes = this.#bytes(message);
    return this.#inTurn('writer', parsed.signal, async () => {
      const deadline = performance.now() + parsed.timeoutMs;
      for (;;) {
        parsed.signal?.throwIfAborted();
        if (this.#trySend(bytes)) return true;
        const outcome = await this.#block('writer', () => this.#ring.hasRoom(bytes.length), deadline, (targets, event, ms) =>
          this.#waitThere(targets, event, ms, parsed.signal),
        );
        if (outcome === 'timeout') return false;
      }
    });
  }

  /** Receives the next message, waiting for one up to the timeout; undefined on timeout. */
  receive(options: SyncWaitOptions = {}): Buffer | undefined {
    const { timeoutMs } = parseOptions(syncSchema, options, 'Channel.receive() options');
    this.#refuseWhileQueued('reader', 'receive');
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const message = this.#tryReceive();
      if (message) return message;
      if (this.#block('reader', () => !this.#ring.empty, deadline, (targets, _event, ms) => this.#waitHere(targets, ms)) === 'timeout') {
        return undefined;
      }
    }
  }

  /**
   * receive() without blocking the event loop. Resolves to undefined on timeout; rejects with the signal's reason on
   * abort, having taken nothing. Calls on one end are served in order.
   */
  async receiveAsync(options: AsyncWaitOptions = {}): Promise<Buffer | undefined> {
    const parsed = parseOptions(asyncWaitSchema, options, 'Channel.receiveAsync() options');
    if (!this.#view) throw new ObjectClosedError('channel', `receive from channel "${this.name}"`);
    return this.#inTurn('reader', parsed.signal, async () => {
      const deadline = performance.now() + parsed.timeoutMs;
      for (;;) {
        parsed.signal?.throwIfAborted();
        const message = this.#tryReceive();
        if (message) return message;
        const outcome = await this.#block('reader', () => !this.#ring.empty, deadline, (targets, event, ms) =>
          this.#waitThere(targets, event, ms, parsed.signal),
        );
        if (outcome === 'timeout') return undefined;
      }
    });
  }

  /**
   * Receives messages until the channel is closed: `for await (const message of channel)`. The iterator's return()
   * (a `break`, or a call while a next() is pending) ends a pending next() as done, and the message it was waiting
   * for stays in the ring.
   */
  [Symbol.asyncIterator](): AsyncIterator<Buffer> {
    const stop = new AbortController();
    const done = (): IteratorResult<Buffer> => ({ done: true, value: undefined });
    const iterator: AsyncIterator<Buffer> = {
      next: async () => {
        if (stop.signal.aborted || this.closed) return done();
        try {
          // No timeout: this resolves with a message, or rejects.
          const message = (await this.receiveAsync({ signal: stop.signal })) as Buffer;
          return { done: false, value: message };
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
   * it, and releases the section and events. Idempotent. Asynchronous sends and receives in progress reject with
   * ObjectClosedError; the handles they wait on are released once the wait thread has let go of them.
   */
  close(): void {
    const view = this.#view;
    if (!view) return;
    for (const role of ['writer', 'reader'] as const) {
      const users = roleUsers.get(`${this.#key}:${role}`);
      if (!users?.delete(this)) continue;
      if (users.size > 0) continue;
      roleUsers.delete(`${this.#key}:${role}`);
      this.#ring.release(role, this.#me);
    }
    this.#data?.set();
    this.#space?.set();
    this.#view = undefined;
    this.#closedView = view;
    if (this.#pendingWaits > 0) {
      this.#releaseWhenIdle = true;
      this.#closing.abort(new ObjectClosedError('channel', `wait on channel "${this.name}"`));
      return;
    }
    this.#release();
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

  [Symbol.dispose](): void {
    this.close();
  }

  #bytes(message: Message): Uint8Array {
    if (!this.#view) throw new ObjectClosedError('channel', `send on channel "${this.name}"`);
    const bytes = typeof message === 'string' ? Buffer.from(message, 'utf8') : message;
    if (!(bytes instanceof Uint8Array)) {
      throw new FileMappingValidationError('Channel.send() message', ['message: expected a Buffer, a Uint8Array or a string']);
    }
    if (bytes.length > this.maxMessageLength) {
      throw new FileMappingValidationError('Channel.send() message', [
        `message: ${bytes.length} bytes is longer than this channel carries (${this.maxMessageLength} bytes: its capacity minus 4); split it, or create the channel with a larger capacity`,
      ]);
    }
    return bytes;
  }

  /**
   * Runs `call` once the asynchronous calls of `role` made before it have settled. Aborting while it waits for its
   * turn rejects with the signal's reason, having done nothing.
   */
  async #inTurn<T>(role: Role, signal: AbortSignal | undefined, call: () => Promise<T>): Promise<T> {
    signal?.throwIfAborted();
    const previous = this.#queues[role];
    let settled!: () => void;
    const mine = new Promise<void>((resolve) => (settled = resolve));
    this.#queues[role] = previous.then(() => mine);
    this.#queued[role]++;
    try {
      await untilAborted(previous, signal);
      return await call();
    } finally {
      this.#queued[role]--;
      settled();
    }
  }

  /** A synchronous call while asynchronous ones of its direction are pending would race them for the wake-up. */
  #refuseWhileQueued(role: Role, operation: string): void {
    if (this.#queued[role] === 0) return;
    throw new Error(
      `Cannot ${operation} synchronously on channel "${this.name}" while a ${operation}Async() of this end is pending: await it first (calls of one end are served in order)`,
    );
  }

  #trySend(bytes: Uint8Array): boolean {
    this.#claim('writer');
    if (!this.#ring.tryWrite(bytes)) return false;
    if (this.#ring.readerWaiting) this.#data?.set();
    return true;
  }

  #tryReceive(): Buffer | undefined {
    if (!this.#view) throw new ObjectClosedError('channel', `receive from channel "${this.name}"`);
    this.#claim('reader');
    const message = this.#ring.tryRead();
    if (message && this.#ring.writerWaiting) this.#space?.set();
    return message;
  }

  /** Takes the writer or reader role for this thread, unless another live thread or live process has it. */
  #claim(role: Role): void {
    const holder = this.#ring.claim(role, this.#me, ({ pid, thread }) =>
      pid === this.#pid ? this.#peers.threadAlive(thread) : this.#peers.alive(pid),
    );
    if (holder.pid !== this.#me.pid || holder.thread !== this.#me.thread) {
      const who = holder.pid === this.#me.pid ? `thread ${holder.thread} of this process` : `process ${holder.pid}`;
      throw new Error(
        `Cannot use channel "${this.name}" as its ${role}: ${who} is its ${role}. A channel has one writer and one reader (one thread each) at a time; use one channel per producer`,
      );
    }
    const key = `${this.#key}:${role}`;
    let users = roleUsers.get(key);
    if (!users) roleUsers.set(key, (users = new Set()));
    users.add(this);
  }

  /**
   * One wait of a blocked side: raise the waiting flag, look once more (the peer may have acted in between: this
   * order loses no wake-up), then wait on the wake event and the peer's process. Throws when the peer died.
   */
  #block<R extends Wake | Promise<Wake>>(role: Role, ready: () => boolean, deadline: number, wait: (targets: Waitable[], event: NamedEvent, ms: number) => R): R | 'woken' {
    const event = role === 'reader' ? this.#data : this.#space;
    if (!event) throw new ObjectClosedError('channel', `wait on channel "${this.name}"`);
    const flag = role === 'reader' ? 'readerWaiting' : 'writerWaiting';
    this.#ring[flag] = true;
    if (ready()) {
      this.#ring[flag] = false;
      return 'woken';
    }
    const peerRole = role === 'reader' ? 'writer' : 'reader';
    const peerPid = this.#ring.holder(peerRole).pid;
    // The handles of peers that left are closed here, while no wait uses them.
    if (this.#pendingWaits === 0) this.#peers.keepOnly([this.#ring.holder('writer').pid, this.#ring.holder('reader').pid]);
    const foreign = peerPid !== 0 && peerPid !== this.#pid;
    const peer = foreign ? this.#peers.waitable(peerPid) : undefined;
    const ms = deadline === Infinity ? Infinity : Math.max(0, Math.round(deadline - performance.now()));
    const settle = (outcome: Wake): 'timeout' | 'woken' => {
      this.#ring[flag] = false;
      if (outcome !== 'peer') return outcome;
      this.#ring.release(peerRole, peerPid);
      // A dead writer's complete messages are still delivered before its death is reported.
      if (role === 'reader' && !this.#ring.empty) return 'woken';
      throw new ChannelPeerExitedError(peerRole, peerPid, `channel "${this.name}"`);
    };
    // A peer that ended before it could be opened is as gone as one that ends during the wait.
    if (foreign && peer === undefined) return settle('peer') as 'woken'; // 'peer' settles as 'woken' or throws
    const woken = waitableOf(event);
    const result: Wake | Promise<Wake> = wait(peer === undefined ? [woken] : [woken, peer], event, ms);
    return (result instanceof Promise ? result.then(settle, (error: unknown) => {
      this.#ring[flag] = false;
      throw error;
    }) : settle(result)) as R;
  }

  /** Waits on this thread (the synchronous API). */
  #waitHere(targets: Waitable[], ms: number): Wake {
    const { result, index } = this.#sync.waitHere(targets, ms, `channel "${this.name}"`, this.name);
    if (result === 'timeout') return 'timeout';
    return index === 0 ? 'woken' : 'peer';
  }

  /** Waits on the wait thread (the asynchronous API). A wake event consumed after an abort is set again. */
  async #waitThere(targets: Waitable[], event: NamedEvent, ms: number, signal: AbortSignal | undefined): Promise<Wake> {
    // A signal of this wait's own: listeners are added to it, never to the end's closing signal (one per pending wait
    // would warn of a leak past ten).
    const combined = AbortSignal.any(signal ? [signal, this.#closing.signal] : [this.#closing.signal]);
    this.#pendingWaits++;
    try {
      const { result, index } = await Waiter.get().waitAny(targets, workerTimeout(ms), `waiting on channel "${this.name}"`, combined, (i) => {
        // The event is still open: close() releases the parts once no wait holds them.
        if (i === 0) event.set();
      });
      if (result === 'timeout') return 'timeout';
      return index === 0 ? 'woken' : 'peer';
    } finally {
      if (--this.#pendingWaits === 0 && this.#releaseWhenIdle) {
        this.#releaseWhenIdle = false;
        this.#release();
      }
    }
  }
}

/** Parses a channel's name: a section name short enough for the names of its parts too. */
function parseChannelName(name: unknown, context: string): string {
  const parsed = parseName(name, context);
  if (parsed.length > MAX_CHANNEL_NAME_LENGTH) {
    throw new FileMappingValidationError(context, [
      `Must be at most ${MAX_CHANNEL_NAME_LENGTH} characters for a channel (got ${parsed.length}): its events are named NAME${PARTS.data} and NAME${PARTS.space}, and a name is at most ${MAX_NAME_LENGTH} characters`,
    ]);
  }
  // Where the OS counts a name's bytes (Linux), the parts' names must fit too.
  const bytes = backend().nameBytes;
  const used = Buffer.byteLength(parsed.replace(/^(?:Global|Local|Session\\\d+)\\/u, ''), 'utf8') + PARTS.space.length;
  if (bytes !== undefined && used > bytes) {
    throw new FileMappingValidationError(context, [
      `Must be at most ${bytes - PARTS.space.length} bytes for a channel on this OS (got ${used - PARTS.space.length}, after any Local\\ or Global\\ prefix): its events are named NAME${PARTS.data} and NAME${PARTS.space}, and a name is at most ${bytes} bytes here`,
    ]);
  }
  return parsed;
}

/**
 * Makes one part of channel `name`, and tells an error about it as the channel's: an exclusive create that finds the
 * part existing names the channel and the part (a squatter may have taken the name), and an SDDL the system refuses
 * is the channel's option, whatever part it was read for.
 */
function part<T>(name: string, what: string, make: () => T): T {
  try {
    return make();
  } catch (error) {
    if (!isSystemCallError(error) || !(error instanceof SystemCallError)) throw error;
    const object = what.replace('NAME', name);
    if (error.code === 'EEXIST') {
      throw error.retold(`creating channel "${name}" (exclusive): its ${object} exists already`, name, ALREADY_EXISTS_HINTS.channel);
    }
    if (error.syscall === 'ConvertStringSecurityDescriptorToSecurityDescriptorW') {
      throw error.retold(`reading the security option of channel "${name}" (see the cause for the SDDL)`, name, undefined);
    }
    throw error;
  }
}

/** `promise`, or a rejection with the signal's reason as soon as `signal` aborts. */
function untilAborted(promise: Promise<void>, signal: AbortSignal | undefined): Promise<void> {
  if (!signal) return promise;
  signal.throwIfAborted();
  return new Promise<void>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    });
  });
}
