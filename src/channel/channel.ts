/**
 * Channel: messages between processes through a ring buffer in a named section (see ring.ts for the layout and
 * the publication order), with kernel events to wake a waiting reader or writer: no polling.
 *
 * Roles: the process that sends is the channel's writer and the one that receives its reader, one of each at a
 * time (single producer, single consumer). A waiting side also watches its peer's process handle, so that a peer
 * that dies does not leave it waiting forever: see ChannelPeerExitedError.
 */
import { FileMappingValidationError, ObjectClosedError, withObjectKind } from '../errors.js';
import { FileMapping } from '../file-mapping.js';
import { memoryOf, type MappedView } from '../mapped-view.js';
import { parseName, parseOptions } from '../options.js';
import { kernel32, win32Error } from '../platform.js';
import { SafetyNet } from '../safety-net.js';
import { NamedEvent } from '../sync/named-event.js';
import { NamedMutex } from '../sync/named-mutex.js';
import { asyncWaitSchema, workerTimeout, type AsyncWaitOptions } from '../sync/kernel-object.js';
import { Waiter } from '../sync/waiter.js';
import { ERROR_INVALID_PARAMETER, INFINITE, SYNCHRONIZE, WAIT_FAILED, WAIT_OBJECT_0, WAIT_TIMEOUT } from '../win32/constants.js';
import type { Kernel32 } from '../win32/kernel32.js';
import { createSchema, openSchema, syncSchema, type ChannelOpenOptions, type ChannelOptions, type SyncWaitOptions } from './options.js';
import { HEADER_BYTES, Ring, type Holder } from './ring.js';

/** The peer process ended without closing the channel. Every message it had sent in full was delivered first. */
export class ChannelPeerExitedError extends Error {
  readonly pid: number;
  readonly role: 'writer' | 'reader';

  constructor(role: 'writer' | 'reader', pid: number, channel: string) {
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
interface PeerHandle {
  k32: Kernel32;
  handle: bigint;
}
/**
 * Closes the peers' process handles of a channel end the program forgot to close (its section, view and events have
 * nets of their own; see SafetyNet). Its role stays taken while its thread runs, as a live holder's would.
 */
const peerHandles = new SafetyNet<PeerHandle>(({ k32, handle }) => {
  k32.CloseHandle(handle);
});
/** How create() and open() make the parts of a channel: #build() runs them under the set-up mutex. */
interface BuildSteps {
  /** The ring's capacity when the section is new and this end writes the header; undefined to attach only. */
  capacity: number | undefined;
  security: { security?: string };
  section(): FileMapping;
  event(name: string): NamedEvent;
}
/** How long create() and open() wait for another process that is setting the same channel up. */
const INIT_TIMEOUT_MS = 30_000;
/** How one wait of a blocked side ended: time ran out, the wake event was set, or the peer process ended. */
type Wake = 'timeout' | 'woken' | 'peer';

export class Channel implements Disposable, AsyncIterable<Buffer> {
  /** The channel's name: its section; its events are NAME-data and NAME-space. */
  readonly name: string;
  /** True when create() found the channel existing (or for open()). */
  readonly alreadyExisted: boolean;
  /** The longest message this channel carries, in bytes. */
  readonly maxMessageLength: number;

  readonly #k32: Kernel32;
  readonly #pid: number;
  /** This end's role holder: this process and this thread (worker threads share the pid). */
  readonly #me: Holder;
  readonly #ring: Ring;
  #mapping: FileMapping | undefined;
  #view: MappedView | undefined;
  #data: NamedEvent | undefined;
  #space: NamedEvent | undefined;
  /** Process handles of peers this end watches, by pid. */
  #peers = new Map<number, PeerHandle>();
  /** Aborted by close(): cancels the asynchronous waits in progress. */
  readonly #closing = new AbortController();
  #pendingWaits = 0;
  /** Set by close() when the wait thread still held handles of this end: released once it lets go. */
  #releaseWhenIdle = false;
  #closedView: MappedView | undefined;
  #copyMode = false;

  private constructor(name: string, mapping: FileMapping, ring: Ring, events: [NamedEvent, NamedEvent]) {
    this.name = name;
    this.alreadyExisted = mapping.alreadyExisted;
    this.#k32 = kernel32();
    this.#pid = this.#k32.GetCurrentProcessId();
    this.#me = { pid: this.#pid, thread: this.#k32.GetCurrentThreadId() };
    this.#mapping = mapping;
    this.#view = undefined;
    this.#ring = ring;
    this.maxMessageLength = ring.maxMessageLength;
    [this.#data, this.#space] = events;
  }

  /** Creates a channel, or joins the existing one of this name (`alreadyExisted`), unless `exclusive`. */
  static create(name: string, options: ChannelOptions = {}): Channel {
    const parsedName = parseName(name, 'Channel.create() name');
    const parsed = parseOptions(createSchema, options, 'Channel.create() options');
    const security = parsed.security === undefined ? {} : { security: parsed.security };
    return Channel.#build(parsedName, {
      capacity: parsed.capacity,
      security,
      section: () => {
        try {
          return FileMapping.create({ name: parsedName, size: HEADER_BYTES + parsed.capacity, exclusive: parsed.exclusive, ...security });
        } catch (error) {
          // ERROR_ALREADY_EXISTS (exclusive) is about the channel: its hint names Channel.open().
          throw withObjectKind(error, 'channel');
        }
      },
      event: (eventName) => NamedEvent.create(eventName, security),
    });
  }

  /**
   * Joins an existing channel by name. With `expectedOwner`, only one whose section and events that user owns (the
   * set-up mutex NAME-init is not checked: a process holding it can only make set-up time out).
   */
  static open(name: string, options: ChannelOpenOptions = {}): Channel {
    const parsedName = parseName(name, 'Channel.open() name');
    const owner = parseOptions(openSchema, options, 'Channel.open() options').expectedOwner;
    return Channel.#build(parsedName, {
      capacity: undefined,
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
    const init = NamedMutex.create(`${name}-init`, how.security);
    try {
      if (init.lock(INIT_TIMEOUT_MS) === 'timeout') {
        throw new Error(`Timed out after ${INIT_TIMEOUT_MS} ms waiting to set up channel "${name}" (another process holds ${name}-init)`);
      }
      const mapping = how.section();
      owned.push(mapping);
      // Zero-copy or copy mode, as the runtime allows (or FILEMAPPING_COPY_MODE asks): the ring uses the view's
      // atomics, which are the same locked instructions in both, so processes in different modes share a channel.
      const view = mapping.map();
      owned.push(view);
      const memory = () => memoryOf(view, `reach channel "${name}" through`);
      // The creator writes the header; whoever joins checks it (a section of that name may hold something else).
      const ring =
        how.capacity !== undefined && !mapping.alreadyExisted
          ? Ring.initialize(memory, how.capacity)
          : Ring.attach(memory, view.length, `section "${name}"`);
      const data = how.event(`${name}-data`);
      owned.push(data);
      const space = how.event(`${name}-space`);
      owned.push(space);
      const channel = new Channel(name, mapping, ring, [data, space]);
      channel.#view = view;
      channel.#copyMode = view.copyMode;
      return channel;
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
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      if (this.#trySend(bytes)) return true;
      const outcome = this.#block('writer', () => this.#ring.hasRoom(bytes.length), deadline, (handles, ms) => this.#waitHere(handles, ms));
      if (outcome === 'timeout') return false;
    }
  }

  /** send() without blocking the event loop. Resolves to false on timeout; rejects on abort. */
  async sendAsync(message: Message, options: AsyncWaitOptions = {}): Promise<boolean> {
    const parsed = parseOptions(asyncWaitSchema, options, 'Channel.sendAsync() options');
    const bytes = this.#bytes(message);
    const deadline = performance.now() + parsed.timeoutMs;
    for (;;) {
      if (this.#trySend(bytes)) return true;
      const outcome = await this.#block('writer', () => this.#ring.hasRoom(bytes.length), deadline, (handles, ms) =>
        this.#waitThere(handles, ms, parsed.signal),
      );
      if (outcome === 'timeout') return false;
    }
  }

  /** Receives the next message, waiting for one up to the timeout; undefined on timeout. */
  receive(options: SyncWaitOptions = {}): Buffer | undefined {
    const { timeoutMs } = parseOptions(syncSchema, options, 'Channel.receive() options');
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const message = this.#tryReceive();
      if (message) return message;
      if (this.#block('reader', () => !this.#ring.empty, deadline, (handles, ms) => this.#waitHere(handles, ms)) === 'timeout') {
        return undefined;
      }
    }
  }

  /** receive() without blocking the event loop. Resolves to undefined on timeout; rejects on abort. */
  async receiveAsync(options: AsyncWaitOptions = {}): Promise<Buffer | undefined> {
    const parsed = parseOptions(asyncWaitSchema, options, 'Channel.receiveAsync() options');
    const deadline = performance.now() + parsed.timeoutMs;
    for (;;) {
      const message = this.#tryReceive();
      if (message) return message;
      const outcome = await this.#block('reader', () => !this.#ring.empty, deadline, (handles, ms) =>
        this.#waitThere(handles, ms, parsed.signal),
      );
      if (outcome === 'timeout') return undefined;
    }
  }

  /** Receives messages until the channel is closed: `for await (const message of channel)`. */
  async *[Symbol.asyncIterator](): AsyncIterator<Buffer> {
    while (this.#view) {
      let message;
      try {
        message = await this.receiveAsync();
      } catch (error) {
        // close() ends the iteration; anything else (a peer that died, say) is the caller's to see.
        if (this.closed && error instanceof ObjectClosedError) return;
        throw error;
      }
      if (message) yield message;
    }
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
   * Closes this end: gives up its role, wakes a peer waiting on it, and releases the section and events. Idempotent.
   * Asynchronous sends and receives in progress reject with ObjectClosedError; the handles they wait on are released
   * once the wait thread has let go of them.
   */
  close(): void {
    const view = this.#view;
    if (!view) return;
    this.#ring.release('writer', this.#me);
    this.#ring.release('reader', this.#me);
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
    for (const peer of this.#peers.values()) {
      peerHandles.unregister(peer);
      this.#k32.CloseHandle(peer.handle);
    }
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
  #claim(role: 'writer' | 'reader'): void {
    const holder = this.#ring.claim(role, this.#me, ({ pid, thread }) =>
      pid === this.#pid ? this.#threadAlive(thread) : this.#peerHandle(pid) !== undefined && !this.#exited(pid),
    );
    if (holder.pid !== this.#me.pid || holder.thread !== this.#me.thread) {
      const who = holder.pid === this.#me.pid ? `thread ${holder.thread} of this process` : `process ${holder.pid}`;
      throw new Error(
        `Cannot use channel "${this.name}" as its ${role}: ${who} is its ${role}. A channel has one writer and one reader (one thread each) at a time; use one channel per producer`,
      );
    }
  }

  /**
   * One wait of a blocked side: raise the waiting flag, look once more (the peer may have acted in between: this
   * order loses no wake-up), then wait on the wake event and the peer's process. Throws when the peer died.
   */
  #block<R extends Wake | Promise<Wake>>(
    role: 'writer' | 'reader',
    ready: () => boolean,
    deadline: number,
    wait: (handles: bigint[], ms: number) => R,
  ): R | 'woken' {
    const event = role === 'reader' ? this.#data : this.#space;
    if (!event) throw new ObjectClosedError('channel', `wait on channel "${this.name}"`);
    const setFlag = (value: boolean) => {
      if (role === 'reader') this.#ring.readerWaiting = value;
      else this.#ring.writerWaiting = value;
    };
    setFlag(true);
    if (ready()) {
      setFlag(false);
      return 'woken';
    }
    const peerPid = role === 'reader' ? this.#ring.writerPid : this.#ring.readerPid;
    const peer = peerPid !== 0 && peerPid !== this.#pid ? this.#peerHandle(peerPid) : undefined;
    const ms = deadline === Infinity ? Infinity : Math.max(0, Math.round(deadline - performance.now()));
    const settle = (outcome: Wake): 'timeout' | 'woken' => {
      setFlag(false);
      if (outcome !== 'peer') return outcome;
      this.#ring.release(role === 'reader' ? 'writer' : 'reader', peerPid);
      // A dead writer's complete messages are still delivered before its death is reported.
      if (role === 'reader' && !this.#ring.empty) return 'woken';
      throw new ChannelPeerExitedError(role === 'reader' ? 'writer' : 'reader', peerPid, `channel "${this.name}"`);
    };
    const result: Wake | Promise<Wake> = wait(peer === undefined ? [event.handle] : [event.handle, peer], ms);
    return (result instanceof Promise ? result.then(settle) : settle(result)) as R;
  }

  /** Waits on this thread (the synchronous API). */
  #waitHere(handles: bigint[], ms: number): Wake {
    const result = this.#k32.WaitForMultipleObjects(handles.length, handles, false, ms === Infinity ? INFINITE : ms);
    if (result === WAIT_TIMEOUT) return 'timeout';
    if (result === WAIT_FAILED) {
      throw win32Error(this.#k32, this.#k32.GetLastError(), 'WaitForMultipleObjects', `waiting on channel "${this.name}"`, this.name);
    }
    return result === WAIT_OBJECT_0 ? 'woken' : 'peer';
  }

  /** Waits on the wait thread (the asynchronous API). A wake event consumed after an abort is set again. */
  async #waitThere(handles: bigint[], ms: number, signal: AbortSignal | undefined): Promise<Wake> {
    const combined = signal ? AbortSignal.any([signal, this.#closing.signal]) : this.#closing.signal;
    this.#pendingWaits++;
    try {
      const { result, index } = await Waiter.get().waitAny(handles, workerTimeout(ms), `waiting on channel "${this.name}"`, combined, (i) => {
        if (i === 0) this.#k32.SetEvent(handles[0] as bigint);
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

  /** A SYNCHRONIZE handle on process `pid`, kept while this end is open; undefined if it is gone. */
  #peerHandle(pid: number): bigint | undefined {
    let peer = this.#peers.get(pid);
    if (peer === undefined) {
      const opened = this.#k32.OpenProcess(SYNCHRONIZE, false, pid);
      if (opened === null) return undefined;
      peer = { k32: this.#k32, handle: opened };
      peerHandles.register(this, peer, peer);
      this.#peers.set(pid, peer);
    }
    return peer.handle;
  }

  /**
   * Whether thread `id` of this process still runs: a worker thread that ended without close() leaves its role
   * behind in the ring, and the role is free again once its thread is gone. OpenThread fails
   * with ERROR_INVALID_PARAMETER for an id no thread has; any other failure (access denied) leaves it taken as alive.
   * Thread ids are reused: a new thread given the same id keeps the role taken, as a live holder would.
   */
  #threadAlive(id: number): boolean {
    const handle = this.#k32.OpenThread(SYNCHRONIZE, false, id);
    if (handle === null) return this.#k32.GetLastError() !== ERROR_INVALID_PARAMETER;
    try {
      return this.#k32.WaitForSingleObject(handle, 0) !== WAIT_OBJECT_0;
    } finally {
      this.#k32.CloseHandle(handle);
    }
  }

  #exited(pid: number): boolean {
    const handle = this.#peers.get(pid)?.handle;
    return handle === undefined || this.#k32.WaitForSingleObject(handle, 0) === WAIT_OBJECT_0;
  }
}
