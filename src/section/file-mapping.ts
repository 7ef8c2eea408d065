/**
 * FileMapping: a section (file-mapping object on Windows, a shared memory object or file on Linux), created or opened
 * by name, and the only owner of its handle. It reaches the operating system through the backend (src/backend.ts).
 */
import { backend, type Backend, type DurableFile, type NativeHandle, type SectionInfo } from '../backend.js';
import { OwnedHandle } from '../core/owned-handle.js';
import { showAs } from '../core/inspect.js';
import type { ObjectOwner } from '../core/owner.js';
import { FileMappingValidationError, ObjectClosedError, PlatformNotSupportedError } from '../errors.js';
import { MappedView, MAX_VIEW_LENGTH } from '../view/mapped-view.js';
import { copyModeForced } from '../view/memory.js';
import {
  ACCESS_ALLOWED_BY,
  createOptionsSchema,
  mapOptionsSchema,
  openOptionsSchema,
  parseName,
  parseOptions,
  type Access,
  type CreateOptions,
  type MapOptions,
  type OpenOptions,
  type Protection,
} from './options.js';

let construct: (backend: Backend, info: SectionInfo, name: string | undefined) => FileMapping;

/** A section: memory that views map into this process, shareable by name with other processes. */
export class FileMapping implements Disposable {
  /** The section's name, or undefined for an anonymous one. */
  readonly name: string | undefined;
  /** The backing file, for a file-backed section created by this process. */
  readonly file: string | undefined;
  /**
   * True when create() found a section of this name and opened it instead (ERROR_ALREADY_EXISTS); always true for
   * open(). An existing section keeps its own size, protection and backing: `size` is then read from the system, and
   * views default to the access the requested protection gives, which the system refuses (EACCES) if the existing
   * section does not allow it.
   */
  readonly alreadyExisted: boolean;
  /** The protection the section was created with; undefined when this process did not create it. */
  readonly protection: Protection | undefined;

  readonly #backend: Backend;
  /**
   * The section handle: owned by this object and held by each of its views, closed once the mapping is closed and the
   * last view unmapped (or, for what the program forgot, collected). A section's name lives as long as a handle to it:
   * so a live view keeps the name, and a peer that opens or creates the name finds the same memory.
   */
  readonly #handle: OwnedHandle<NativeHandle>;
  #size: bigint | undefined;
  /**
   * Whether `size` is the section's exact size in bytes (false where the system only tells it rounded up to the page
   * size: a section Windows opened rather than this process created, and an image section).
   */
  readonly sizeIsExact: boolean;
  readonly #defaultAccess: Access;
  readonly #lengthFromMapping: boolean;
  /** The backing file kept for durable flushes (see MappedView.flush()), closed with the section's handle. */
  readonly #durable: DurableFile | undefined;

  private constructor(system: Backend, info: SectionInfo, name: string | undefined) {
    this.#backend = system;
    this.name = name;
    this.file = info.file;
    this.alreadyExisted = info.alreadyExisted;
    this.#size = info.size;
    this.sizeIsExact = info.size !== undefined;
    this.protection = info.protection;
    this.#defaultAccess = info.defaultAccess;
    this.#lengthFromMapping = info.lengthFromMapping;
    const what = this.#describe();
    this.#durable = info.durable;
    const durable = info.durable;
    this.#handle = new OwnedHandle(
      info.handle,
      (handle) => {
        try {
          system.closeSection(handle, `closing ${what}`, name);
        } finally {
          durable?.close();
        }
      },
      this,
    );
  }

  /**
   * Creates a section, or opens the existing one of the same name (then `alreadyExisted` is true and the section keeps
   * its own size), unless `exclusive` is set: then a taken name throws a SystemCallError with code 'EEXIST'.
   *
   * Without `file`, the section is backed by memory (the paging file on Windows, /dev/shm on Linux) and `size` is
   * required. With `file`, the file is opened (created if `size` is given and it does not exist) and grows to `size`
   * if it is smaller.
   */
  static create(options: CreateOptions): FileMapping {
    const parsed = parseOptions(createOptionsSchema, options, 'FileMapping.create() options');
    const system = backend();
    const unsupported = system.unsupportedCreateOptions(parsed)[0];
    if (unsupported) throw new PlatformNotSupportedError(system.platform, unsupported);
    return construct(system, system.createSection(parsed), parsed.name);
  }

  /**
   * Opens a section another process (or this one) created. `access` bounds what its views may do and is all the
   * rights asked for. With `expectedOwner`, a section owned by anyone else is closed and refused with an
   * UnexpectedOwnerError.
   */
  static open(name: string, options: OpenOptions = {}): FileMapping {
    const parsedName = parseName(name, 'FileMapping.open() name');
    const parsed = parseOptions(openOptionsSchema, options, 'FileMapping.open() options');
    const system = backend();
    const unsupported = system.unsupportedOpenOptions(parsed)[0];
    if (unsupported) throw new PlatformNotSupportedError(system.platform, unsupported);
    return construct(system, system.openSection(parsedName, parsed), parsedName);
  }

  /**
   * The section's handle, for the raw layer `filemapping/win32` (on Linux, its file descriptor as a bigint: see `fd`).
   * Owned by this object: do not close it.
   */
  get handle(): bigint {
    return BigInt(this.#checkOpen('use the handle of'));
  }

  /** The section's file descriptor, for `filemapping/posix` (Linux). Owned by this object: do not close it. */
  get fd(): number {
    const handle = this.#checkOpen('use the file descriptor of');
    if (typeof handle !== 'number') {
      throw new PlatformNotSupportedError(this.#backend.platform, { option: 'FileMapping.fd', reason: 'a section is a HANDLE there (see handle)' });
    }
    return handle;
  }

  /**
   * Removes the name `name` now, whatever uses it (processes that have the section keep it, under no name): on Linux,
   * shm_unlink, for a segment this package never removes by itself (one a C or Python program created, or left
   * behind). Returns whether there was one. Windows removes a name with the last handle to its object: there, this
   * does nothing and returns false.
   */
  static unlink(name: string): boolean {
    return backend().unlinkSection(parseName(name, 'FileMapping.unlink() name'));
  }

  /** True once close() has run. */
  get closed(): boolean {
    return this.#handle.value === undefined;
  }

  /**
   * Who owns the section: its SID and, when the system knows it, the account's name (on Linux the owning user, as the
   * SID S-1-22-1-UID). Undefined when it has none, which Windows never leaves a named object without but Wine does.
   * On Windows it needs READ_CONTROL on the handle: create() has it, open() asks for it only with `expectedOwner`.
   */
  owner(): ObjectOwner | undefined {
    return this.#backend.sectionOwner(this.#checkOpen('read the owner of'), this.#describe(), this.name);
  }

  /**
   * The section's size in bytes. Exact when this process created the section, and on Linux always (fstat); for an
   * opened (or pre-existing) section Windows does not tell the size, so it is read once from a whole view with
   * VirtualQuery and is rounded up to the page size.
   */
  get size(): bigint {
    this.#size ??= this.#backend.sectionSize(this.#checkOpen('read the size of'), this.#describe(), this.name);
    return this.#size;
  }

  /**
   * Maps a view of the section (MapViewOfFile or MapViewOfFileEx on Windows, mmap on Linux). With no options: the
   * whole section, with the most access the section allows (or the access it was opened with).
   */
  map(options: MapOptions = {}): MappedView {
    const handle = this.#checkOpen('map a view of');
    const parsed = parseOptions(mapOptionsSchema, options, 'FileMapping.map() options');
    const access = parsed.access ?? this.#defaultAccess;
    const { allocationGranularity, minimumApplicationAddress, maximumApplicationAddress } = this.#backend.systemInfo();
    const problems: string[] = [];
    const granularity = BigInt(allocationGranularity);
    if (parsed.offset % granularity !== 0n) {
      problems.push(`offset: ${parsed.offset} is not a multiple of the allocation granularity (${allocationGranularity} bytes on this system)`);
    }
    if (parsed.address !== undefined && parsed.address % granularity !== 0n) {
      problems.push(
        `address: 0x${parsed.address.toString(16)} is not a multiple of the allocation granularity (${allocationGranularity} bytes on this system)`,
      );
    }
    if (this.protection !== undefined && !this.alreadyExisted && !ACCESS_ALLOWED_BY[this.protection].includes(access)) {
      problems.push(
        `access: '${access}' is not allowed on a '${this.protection}' section; allowed: ${ACCESS_ALLOWED_BY[this.protection].map((a) => `'${a}'`).join(', ')}`,
      );
    }
    // Bounds are checked against the size when it is known or cheap to learn; a view with no length on an opened
    // section takes the rest of the section, as Windows gives it.
    // (Learning an opened section's size maps it for a moment: not worth it when the request is refused anyway.)
    const size = this.#size ?? (problems.length === 0 && (parsed.length !== undefined || parsed.offset > 0n) ? this.size : undefined);
    if (size !== undefined) {
      if (parsed.offset >= size) problems.push(`offset: ${parsed.offset} is at or past the end of the ${size}-byte section`);
      else if (parsed.length !== undefined && parsed.offset + parsed.length > size) {
        problems.push(
          `length: ${parsed.length} bytes from offset ${parsed.offset} run past the end of the ${size}-byte section (at most ${size - parsed.offset})`,
        );
      }
    }
    const length = parsed.length ?? (size !== undefined ? size - parsed.offset : undefined);
    if (length !== undefined && length > MAX_VIEW_LENGTH) {
      problems.push(tooLong(length));
    }
    // Outside the process's address space the call may "succeed" on some systems and fault later (Wine does).
    if (parsed.address !== undefined && (parsed.address < minimumApplicationAddress || parsed.address + (length ?? 1n) - 1n > maximumApplicationAddress)) {
      problems.push(
        `address: a view at 0x${parsed.address.toString(16)}${length === undefined ? '' : ` of ${length} bytes`} does not lie between this process's lowest and highest application addresses (0x${minimumApplicationAddress.toString(16)} to 0x${maximumApplicationAddress.toString(16)})`,
      );
    }
    if (problems.length > 0) throw new FileMappingValidationError('FileMapping.map() options', problems);

    const description = `a view of ${this.#describe()} at offset ${parsed.offset}`;
    const request = { access, offset: parsed.offset, length, address: parsed.address, lengthFromMapping: this.#lengthFromMapping };
    const view = this.#backend.mapView(handle, request, description, this.name);
    try {
      if (view.length > MAX_VIEW_LENGTH) {
        throw new FileMappingValidationError('FileMapping.map() options', [tooLong(view.length)]);
      }
      return new MappedView({
        backend: this.#backend,
        section: this.#handle,
        address: view.address,
        length: Number(view.length),
        offset: parsed.offset,
        access,
        description,
        copy: parsed.copy ?? copyModeForced(),
        durable: this.#durable,
      });
    } catch (error) {
      this.#backend.unmapView(view.address, Number(view.length), description);
      throw error;
    }
  }

  /**
   * Closes the mapping. Idempotent. Its views stay valid until unmapped, and they keep the section's handle open
   * meanwhile (CloseHandle comes with the last unmap): a named section, and its name, live while this process holds the
   * mapping or any view of it, so a peer that opens or creates the name meanwhile finds the same memory.
   */
  close(): void {
    this.#handle.letGo();
  }

  /** The same as close(): what a `using` declaration calls at the end of its block. */
  [Symbol.dispose](): void {
    this.close();
  }

  #checkOpen(operation: string): NativeHandle {
    const handle = this.#handle.value;
    if (handle === undefined) throw new ObjectClosedError('mapping', `${operation} ${this.#describe()}`);
    return handle;
  }

  #describe(): string {
    if (this.name !== undefined) return `section "${this.name}"`;
    if (this.file !== undefined) return `the section of file "${this.file}"`;
    return 'an anonymous section';
  }

  static {
    // Keep the constructor private to the class but reachable by the module's helpers below.
    construct = (system, info, name) => new FileMapping(system, info, name);
    // util.inspect(mapping): what it is. The size of a section Windows opened is read once, the first time it is asked
    // for (a view mapped for a moment); a size that cannot be read is left out rather than thrown.
    showAs(FileMapping, (mapping) => {
      let size = mapping.#size;
      if (size === undefined && !mapping.closed) {
        try {
          size = mapping.size;
        } catch {
          size = undefined;
        }
      }
      return {
        name: mapping.name,
        size,
        sizeIsExact: mapping.sizeIsExact ? undefined : false,
        ...(mapping.protection === undefined ? { access: mapping.#defaultAccess } : { protection: mapping.protection }),
        file: mapping.file,
        alreadyExisted: mapping.alreadyExisted,
        closed: mapping.closed ? true : undefined,
      };
    });
  }
}

function tooLong(length: bigint): string {
  return `length: a ${length}-byte view is longer than a Buffer can be in this runtime (${MAX_VIEW_LENGTH} bytes); map it in parts with offset and length`;
}
