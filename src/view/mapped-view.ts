/**
 * MappedView: one view of a section, mapped into this process, and the only owner of its address.
 */
import { constants as bufferConstants } from 'node:buffer';
import { FileMappingValidationError, ObjectClosedError } from '../errors.js';
import { flushRangeSchema, parseOptions, type Access } from '../section/options.js';
import type { Backend, DurableFile, NativeHandle } from '../backend.js';
import type { OwnedHandle } from '../core/owned-handle.js';
import { showAs } from '../core/inspect.js';
import { SafetyNet } from '../core/safety-net.js';
import { ViewAccessors } from './accessors.js';
import { ViewAtomics } from './atomics.js';
import { copyMemory, detach, tryZeroCopy, zeroCopyMemory, type ViewMemory } from './memory.js';

/**
 * The longest view a Buffer can cover: 4 GiB on Node 20, 2^53 - 1 bytes on Node 22. koffi.view() aborts the
 * whole process (a V8 fatal error, no exception) above this, so longer views are refused before they are made.
 */
export const MAX_VIEW_LENGTH = BigInt(bufferConstants.MAX_LENGTH);

interface ViewState {
  backend: Backend;
  address: bigint;
  length: number;
  section: OwnedHandle<NativeHandle>;
}

/**
 * Unmaps views whose MappedView and Buffer were both collected without unmap(), or that a worker thread left mapped
 * when it ended, and lets go of their section: a safety net, not the plan.
 */
const views = new SafetyNet<ViewState>(({ backend, address, length, section }) => {
  try {
    backend.unmapView(address, length, 'a forgotten view');
    section.release();
  } catch {
    // Collected: nobody to report a failure to.
  }
});

/** @internal What FileMapping.map() hands to a new view. */
export interface MappedViewInit {
  backend: Backend;
  /** The section's handle, which the view holds open until it is unmapped. */
  section: OwnedHandle<NativeHandle>;
  address: bigint;
  length: number;
  offset: bigint;
  access: Access;
  description: string;
  /** Copy mode asked for (see view-memory.ts); also chosen when the runtime forbids external buffers. */
  copy: boolean;
  /** The section's backing file, kept to flush it to the disk; undefined when there is none this process can flush. */
  durable: DurableFile | undefined;
}

/** @internal The memory of a view (ObjectClosedError once unmapped), for the Channel's ring. */
export let memoryOf: (view: MappedView, operation: string) => ViewMemory;

/** A view of a section mapped into this process. Unmap it with `unmap()` or `using`. */
export class MappedView extends ViewAccessors implements Disposable {
  /** The address of the view in this process. */
  readonly address: bigint;
  /** Its length in bytes. */
  readonly length: number;
  /** Where it starts in the section. */
  readonly offset: bigint;
  /** What it may do: 'read', 'write', 'copy'... */
  readonly access: Access;
  /** True when the view has no `buffer` and its accessors copy (see MapOptions.copy). */
  readonly copyMode: boolean;

  readonly #backend: Backend;
  readonly #section: OwnedHandle<NativeHandle>;
  readonly #durable: DurableFile | undefined;
  readonly #description: string;
  #memory: ViewMemory | undefined;
  #arrayBuffer: ArrayBuffer | undefined;
  #atomics: ViewAtomics | undefined;

  static {
    memoryOf = (view, operation) => view.memory(operation);
    // util.inspect(view): where it is in the section, and what it may do.
    showAs(MappedView, (view) => ({
      length: view.length,
      offset: view.offset,
      access: view.access,
      address: view.address,
      copyMode: view.copyMode,
      unmapped: view.unmapped ? true : undefined,
    }));
  }

  /** @internal Views are made by FileMapping.map(). */
  constructor(init: MappedViewInit) {
    super();
    this.#backend = init.backend;
    this.address = init.address;
    this.length = init.length;
    this.offset = init.offset;
    this.access = init.access;
    this.#description = init.description;
    this.#arrayBuffer = init.copy ? undefined : tryZeroCopy(init.backend.memory, init.address, init.length);
    this.#memory = this.#arrayBuffer
      ? zeroCopyMemory(Buffer.from(this.#arrayBuffer), (offset, length) => init.backend.memory.view(init.address + BigInt(offset), length))
      : copyMemory(init.backend.memory, init.address, init.length);
    this.copyMode = this.#arrayBuffer === undefined;
    this.#section = init.section;
    this.#durable = init.durable;
    init.section.hold();
    // In zero-copy mode the ArrayBuffer, not this object, is the finalizer's target: a Buffer the program kept must
    // never outlive the memory under it, and both the view and any Buffer over it keep the ArrayBuffer alive.
    views.register(this.#arrayBuffer ?? this, { backend: init.backend, address: init.address, length: init.length, section: init.section }, this);
  }

  /**
   * The view's memory as a Buffer, without copy (zero-copy mode only: in copy mode use the accessors). Valid until
   * `unmap()`; on Node 22 and later unmap() detaches it, so a Buffer kept past unmap reads as empty. On Node 20,
   * touching a kept Buffer after unmap crashes the process: do not keep it past the view's life.
   *
   * The one unsafe door of the API: writing into the Buffer of a 'read' view is a page fault that kills the
   * process. The accessors (write, writeU32...) refuse that with an error instead.
   */
  get buffer(): Buffer {
    const memory = this.memory('use the buffer of');
    if (!memory.buffer) {
      throw new FileMappingValidationError('MappedView.buffer', [
        `${this.#description} is in copy mode (external buffers are forbidden in this runtime, or copy mode was asked for): it has no buffer; use read(), write() and the typed accessors`,
      ]);
    }
    return memory.buffer;
  }

  /**
   * Atomic operations on the view's aligned 32- and 64-bit words (load, store, exchange, compare-exchange, add),
   * in both modes: counters, flags and locks shared with other processes, including C ones using the Interlocked
   * functions.
   */
  get atomics(): ViewAtomics {
    this.#atomics ??= new ViewAtomics({
      length: this.length,
      access: this.access,
      description: this.#description,
      memory: (operation) => this.memory(`use atomics.${operation} on`),
    });
    return this.#atomics;
  }

  /** True once unmap() has run. */
  get unmapped(): boolean {
    return this.#memory === undefined;
  }

  /** @internal The memory, or ObjectClosedError once unmapped. */
  protected memory(operation: string): ViewMemory {
    if (!this.#memory) throw new ObjectClosedError('view', `${operation} ${this.#description}`);
    return this.#memory;
  }

  /** @internal For the accessors' messages. */
  protected get description(): string {
    return this.#description;
  }

  /**
   * Writes the view's dirty pages (or those of a range of it) to the backing file (FlushViewOfFile; msync on Linux).
   * For a section backed by memory alone this does nothing useful and is harmless.
   *
   * The system may still hold what it wrote in its caches, which a crash of the machine (not of the process) loses.
   * With `durable: true` the flush also waits until the backing file is on the disk (FlushFileBuffers; fsync on
   * Linux): for a file-backed section this process created with a protection that writes the file. Elsewhere (a
   * section opened by name, a memory-backed one) there is no file here to flush, and the option is refused.
   */
  flush(range: { offset?: number; length?: number; durable?: boolean } = {}): void {
    const parsed = parseOptions(flushRangeSchema, range, 'MappedView.flush() range');
    this.memory('flush');
    if (parsed.durable && !this.#durable) {
      throw new FileMappingValidationError('MappedView.flush() range', [
        `durable: ${this.#description} has no backing file this process can flush to the disk: only a file-backed section created here (FileMapping.create({ file })) with a protection that writes the file has one`,
      ]);
    }
    const offset = parsed.offset ?? 0;
    const length = parsed.length ?? this.length - offset;
    if (offset + length > this.length) {
      throw new FileMappingValidationError('MappedView.flush() range', [
        `offset ${String(parsed.offset)}, length ${String(parsed.length)}: must lie within the view's ${this.length} bytes`,
      ]);
    }
    // FlushViewOfFile reads a length of 0 as "to the end of the view": an empty range flushes nothing instead.
    if (length > 0) this.#backend.flushView(this.address + BigInt(offset), length, this.#description);
    if (parsed.durable) this.#durable?.sync(this.#description);
  }

  /**
   * Unmaps the view (UnmapViewOfFile; munmap on Linux). Idempotent. The section lives on while other views or handles
   * hold it. On Node 22 and later the Buffer is detached first, so a stale reference reads as empty instead of faulting.
   */
  unmap(): void {
    if (!this.#memory) return;
    this.#backend.unmapView(this.address, this.length, this.#description);
    views.unregister(this);
    if (this.#arrayBuffer) detach(this.#arrayBuffer);
    this.#memory = undefined;
    this.#arrayBuffer = undefined;
    // The last view of a closed mapping closes the section's handle.
    this.#section.release();
  }

  /** The same as unmap(): what a `using` declaration calls at the end of its block. */
  [Symbol.dispose](): void {
    this.unmap();
  }
}
