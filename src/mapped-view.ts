/**
 * MappedView: one view of a section, mapped into this process, and the only owner of its address.
 */
import { constants as bufferConstants } from 'node:buffer';
import { FileMappingValidationError, ObjectClosedError } from './errors.js';
import type { Access } from './options.js';
import { win32Error } from './platform.js';
import { ERROR_LOCK_VIOLATION } from './win32/constants.js';
import type { Kernel32 } from './win32/kernel32.js';

/**
 * The longest view a Buffer can cover: 4 GiB on Node 20, 2^53 - 1 bytes on Node 22. koffi.view() aborts the
 * whole process (a V8 fatal error, no exception) above this, so longer views are refused before they are made.
 */
export const MAX_VIEW_LENGTH = BigInt(bufferConstants.MAX_LENGTH);

/**
 * FlushViewOfFile can fail with ERROR_LOCK_VIOLATION while the memory manager is writing the same pages (the
 * .NET runtime hit this and retries); a few retries make flush() reliable.
 */
const FLUSH_ATTEMPTS = 10;

interface ViewState {
  k32: Kernel32;
  address: bigint;
}

/** Unmaps views whose MappedView and Buffer were both collected without unmap(): a safety net, not the plan. */
const views = new FinalizationRegistry<ViewState>(({ k32, address }) => {
  k32.UnmapViewOfFile(address);
});

/** @internal What FileMapping.map() hands to a new view. */
export interface MappedViewInit {
  k32: Kernel32;
  address: bigint;
  length: number;
  offset: bigint;
  access: Access;
  description: string;
}

/** A view of a section mapped into this process. Unmap it with `unmap()` or `using`. */
export class MappedView implements Disposable {
  /** The address of the view in this process. */
  readonly address: bigint;
  /** Its length in bytes (what `buffer` covers). */
  readonly length: number;
  /** Where it starts in the section. */
  readonly offset: bigint;
  /** What it may do: 'read', 'write', 'copy'... */
  readonly access: Access;

  readonly #k32: Kernel32;
  readonly #description: string;
  #buffer: Buffer | undefined;
  #arrayBuffer: ArrayBuffer | undefined;

  /** @internal Views are made by FileMapping.map(). */
  constructor(init: MappedViewInit) {
    this.#k32 = init.k32;
    this.address = init.address;
    this.length = init.length;
    this.offset = init.offset;
    this.access = init.access;
    this.#description = init.description;
    this.#arrayBuffer = init.k32.viewMemory(init.address, init.length);
    this.#buffer = Buffer.from(this.#arrayBuffer);
    // The ArrayBuffer, not this object, is the finalizer's target: a Buffer the program kept must never outlive
    // the memory under it, and both the view and any Buffer over it keep the ArrayBuffer alive.
    views.register(this.#arrayBuffer, { k32: init.k32, address: init.address }, this);
  }

  /**
   * The view's memory as a Buffer, without copy. Valid until `unmap()`; on Node 22 and later unmap() detaches it, so
   * a Buffer kept past unmap reads as empty. On Node 20, touching a kept Buffer after unmap crashes the process:
   * do not keep it past the view's life.
   *
   * Writing into the Buffer of a 'read' view is a page fault that kills the process: write only through views
   * mapped with 'write', 'all' or 'copy' access.
   */
  get buffer(): Buffer {
    if (!this.#buffer) throw new ObjectClosedError('view', `use the buffer of ${this.#description}`);
    return this.#buffer;
  }

  /** True once unmap() has run. */
  get unmapped(): boolean {
    return this.#buffer === undefined;
  }

  /**
   * Writes the view's dirty pages (or those of a range of it) to the backing file (FlushViewOfFile). For a section
   * backed by the paging file this does nothing useful and is harmless.
   */
  flush(range: { offset?: number; length?: number } = {}): void {
    if (!this.#buffer) throw new ObjectClosedError('view', `flush ${this.#description}`);
    const offset = range.offset ?? 0;
    const length = range.length ?? this.length - offset;
    if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0 || offset + length > this.length) {
      throw new FileMappingValidationError('MappedView.flush() range', [
        `offset ${String(range.offset)}, length ${String(range.length)}: must be integers lying within the view's ${this.length} bytes`,
      ]);
    }
    // FlushViewOfFile reads a length of 0 as "to the end of the view": an empty range flushes nothing instead.
    if (length === 0) return;
    for (let attempt = 1; ; attempt++) {
      if (this.#k32.FlushViewOfFile(this.address + BigInt(offset), length)) return;
      const errno = this.#k32.GetLastError();
      if (errno !== ERROR_LOCK_VIOLATION || attempt === FLUSH_ATTEMPTS) {
        throw win32Error(this.#k32, errno, 'FlushViewOfFile', `flushing ${length} bytes of ${this.#description}`);
      }
    }
  }

  /**
   * Unmaps the view (UnmapViewOfFile). Idempotent. The section lives on while other views or handles hold it. On
   * Node 22 and later the Buffer is detached first, so a stale reference reads as empty instead of faulting.
   */
  unmap(): void {
    if (!this.#buffer || !this.#arrayBuffer) return;
    if (!this.#k32.UnmapViewOfFile(this.address)) {
      const errno = this.#k32.GetLastError();
      throw win32Error(this.#k32, errno, 'UnmapViewOfFile', `unmapping ${this.#description}`);
    }
    views.unregister(this);
    detach(this.#arrayBuffer);
    this.#buffer = undefined;
    this.#arrayBuffer = undefined;
  }

  [Symbol.dispose](): void {
    this.unmap();
  }
}

/** Detaches an ArrayBuffer where the runtime can (ArrayBuffer.prototype.transfer, Node 22+): its views read as empty. */
function detach(arrayBuffer: ArrayBuffer): void {
  const transfer = (arrayBuffer as ArrayBuffer & { transfer?: (length?: number) => ArrayBuffer }).transfer;
  if (typeof transfer === 'function') transfer.call(arrayBuffer, 0);
}
