/**
 * FileMapping: a section (file-mapping object), created or opened by name, and the only owner of its handle.
 */
import { Dword64 } from '../core/uint64.js';
import { FileMappingValidationError, ObjectClosedError } from '../errors.js';
import { MappedView, MAX_VIEW_LENGTH } from '../view/mapped-view.js';
import { copyModeForced } from '../view/memory.js';
import {
  ACCESS_ALLOWED_BY,
  ATTRIBUTES,
  createOptionsSchema,
  DEFAULT_ACCESS,
  mapOptionsSchema,
  OPEN_ACCESS,
  openOptionsSchema,
  parseName,
  parseOptions,
  PROTECTIONS,
  VIEW_ACCESS,
  type Access,
  type CreateOptions,
  type MapOptions,
  type OpenOptions,
  type ParsedCreateOptions,
  type Protection,
} from './options.js';
import { fileSize, openBackingFile, writesFile } from '../win32/backing-file.js';
import { withSecurityAttributes } from '../win32/security.js';
import { checkOwner, readOwner, type ObjectOwner } from '../win32/owner.js';
import { kernel32, mappedLength, systemInfo, win32Error } from '../win32/system.js';
import { OwnedHandle } from '../core/owned-handle.js';
import {
  ERROR_ACCESS_DENIED,
  ERROR_ALREADY_EXISTS,
  ERROR_SUCCESS,
  FILE_MAP_READ,
  INVALID_HANDLE_VALUE,
  READ_CONTROL,
} from '../win32/constants.js';
import type { Kernel32 } from '../win32/kernel32.js';

/**
 * The section handle: owned by its FileMapping and held by each of its views, closed once the mapping is closed and
 * the last view unmapped (or, for what the program forgot, collected). A section's name lives as long as a handle to
 * it: so a live view keeps the name, and a peer that opens or creates the name finds the same memory.
 */
function sectionHandle(k32: Kernel32, handle: bigint, what: string, name: string | undefined, owner: object): OwnedHandle<bigint> {
  return new OwnedHandle(
    handle,
    (value) => {
      if (!k32.CloseHandle(value)) throw win32Error(k32, k32.GetLastError(), 'CloseHandle', `closing ${what}`, name);
    },
    owner,
  );
}

interface FileMappingInit {
  k32: Kernel32;
  handle: bigint;
  name: string | undefined;
  file: string | undefined;
  alreadyExisted: boolean;
  /** The exact size when this process chose it; undefined when it must be read from a view. */
  size: bigint | undefined;
  /** The section's protection when this process chose it; undefined for an opened (or pre-existing) section. */
  protection: Protection | undefined;
  /** The most a view may do through this handle. */
  defaultAccess: Access;
  /**
   * An image section this process created ('image', 'image-no-execute'): a view maps the image as the loader lays it
   * out (SizeOfImage bytes), not the file, so its length is read from what was mapped.
   */
  image: boolean;
}

let construct: (init: FileMappingInit) => FileMapping;

/** A section: memory that views map into this process, shareable by name with other processes. */
export class FileMapping implements Disposable {
  /** The section's name, or undefined for an anonymous one. */
  readonly name: string | undefined;
  /** The backing file, for a file-backed section created by this process. */
  readonly file: string | undefined;
  /**
   * True when create() found a section of this name and opened it instead (ERROR_ALREADY_EXISTS); always true for
   * open(). An existing section keeps its own size, protection and backing: `size` is then read from a view, and
   * views default to the access the requested protection gives, which Windows refuses (ERROR_ACCESS_DENIED) if the
   * existing section does not allow it.
   */
  readonly alreadyExisted: boolean;
  /** The protection the section was created with; undefined when this process did not create it. */
  readonly protection: Protection | undefined;

  readonly #k32: Kernel32;
  readonly #handle: OwnedHandle<bigint>;
  #size: bigint | undefined;
  readonly #defaultAccess: Access;
  readonly #image: boolean;

  private constructor(init: FileMappingInit) {
    this.#k32 = init.k32;
    this.name = init.name;
    this.file = init.file;
    this.alreadyExisted = init.alreadyExisted;
    this.#size = init.size;
    this.protection = init.protection;
    this.#defaultAccess = init.defaultAccess;
    this.#image = init.image;
    this.#handle = sectionHandle(init.k32, init.handle, this.#describe(), init.name, this);
  }

  /**
   * Creates a section (CreateFileMappingW), or opens the existing one of the same name (then `alreadyExisted` is
   * true and the section keeps its own size), unless `exclusive` is set: then a taken name throws a Win32Error
   * ERROR_ALREADY_EXISTS.
   *
   * Without `file`, the section is backed by the paging file and `size` is required. With `file`, the file is
   * opened (created if `size` is given and it does not exist) and grows to `size` if it is smaller.
   */
  static create(options: CreateOptions): FileMapping {
    const parsed = parseOptions(createOptionsSchema, options, 'FileMapping.create() options');
    const k32 = kernel32();
    const file = parsed.file === undefined ? undefined : openBackingFile(k32, parsed);
    let mapping: FileMapping | undefined;
    try {
      if (file && parsed.size !== undefined && !writesFile(parsed.protection)) {
        // Windows would answer ERROR_NOT_ENOUGH_MEMORY: a section that cannot write cannot grow its file.
        const have = fileSize(k32, file.handle, parsed.file as string);
        if (parsed.size > have) {
          throw new FileMappingValidationError('FileMapping.create() options', [
            `size: ${parsed.size} bytes is more than "${parsed.file as string}" holds (${have} bytes), and a '${parsed.protection}' section cannot grow its file; omit size to map the whole file, or use 'readwrite' protection to grow it`,
          ]);
        }
      }
      mapping = createSection(k32, parsed, file?.handle ?? INVALID_HANDLE_VALUE);
      return mapping;
    } finally {
      if (file) {
        // The section keeps its own reference to the file: ours is not needed once it exists (or failed to).
        k32.CloseHandle(file.handle);
        // A file this call created is not left behind when no section of ours uses it: the creation failed, or
        // the name belonged to an existing section, which cannot be backed by a file that did not exist.
        if (file.created && (mapping === undefined || mapping.alreadyExisted)) k32.DeleteFileW(file.path);
      }
    }
  }

  /**
   * Opens a section another process (or this one) created (OpenFileMappingW). `access` bounds what its views may
   * do and is all the rights asked for: 'read' needs only FILE_MAP_READ. With `expectedOwner`, READ_CONTROL is asked
   * for too, and a section owned by anyone else is closed and refused with an UnexpectedOwnerError.
   */
  static open(name: string, options: OpenOptions = {}): FileMapping {
    const parsedName = parseName(name, 'FileMapping.open() name');
    const parsed = parseOptions(openOptionsSchema, options, 'FileMapping.open() options');
    const k32 = kernel32();
    const access = OPEN_ACCESS[parsed.access] | (parsed.expectedOwner === undefined ? 0 : READ_CONTROL);
    const handle = k32.OpenFileMappingW(access, parsed.inheritable, parsedName);
    const errno = k32.GetLastError();
    if (handle === null) {
      // 'read' is the least access there is: the usual hint, to ask for less, would name the access just refused.
      const hint =
        errno === ERROR_ACCESS_DENIED && parsed.access === 'read'
          ? `The section exists but its security does not let this process read it${parsed.expectedOwner === undefined ? '' : ' or its owner (READ_CONTROL, which expectedOwner needs)'}: its creator must grant this user FILE_MAP_READ in its security descriptor (the security option).`
          : undefined;
      throw win32Error(k32, errno, 'OpenFileMappingW', `opening section "${parsedName}" for ${parsed.access} access`, parsedName, undefined, hint);
    }
    if (parsed.expectedOwner !== undefined) checkOwner(k32, handle, parsed.expectedOwner, `section "${parsedName}"`, parsedName);
    return new FileMapping({
      k32,
      handle,
      name: parsedName,
      file: undefined,
      alreadyExisted: true,
      size: undefined,
      protection: undefined,
      defaultAccess: parsed.access,
      image: false,
    });
  }

  /** The section handle, for the raw layer (`filemapping/win32`). Owned by this object: do not close it. */
  get handle(): bigint {
    const handle = this.#handle.value;
    if (handle === undefined) throw new ObjectClosedError('mapping', 'use the handle of a closed mapping');
    return handle;
  }

  /** True once close() has run. */
  get closed(): boolean {
    return this.#handle.value === undefined;
  }

  /**
   * Who owns the section (GetSecurityInfo): its SID and, when the system knows it, `DOMAIN\\name`. Undefined when it
   * has none, which Windows never leaves a named object without but Wine does (objects created without `security`).
   * Needs READ_CONTROL on the handle: create() has it, open() asks for it only with `expectedOwner` (otherwise
   * ERROR_ACCESS_DENIED).
   */
  owner(): ObjectOwner | undefined {
    return readOwner(this.#k32, this.#checkOpen('read the owner of'), this.#describe(), this.name);
  }

  /**
   * The section's size in bytes. Exact when this process created the section; for an opened (or pre-existing)
   * section Windows does not tell the size, so it is read once from a whole view with VirtualQuery and is rounded up
   * to the page size.
   */
  get size(): bigint {
    this.#size ??= this.#querySize();
    return this.#size;
  }

  /**
   * Maps a view of the section (MapViewOfFile, or MapViewOfFileEx with `address`). With no options: the whole
   * section, with the most access the section allows (or the access it was opened with).
   */
  map(options: MapOptions = {}): MappedView {
    const handle = this.#checkOpen('map a view of');
    const parsed = parseOptions(mapOptionsSchema, options, 'FileMapping.map() options');
    const access = parsed.access ?? this.#defaultAccess;
    const { allocationGranularity, minimumApplicationAddress, maximumApplicationAddress } = systemInfo(this.#k32);
    const problems: string[] = [];
    const granularity = BigInt(allocationGranularity);
    if (parsed.offset % granularity !== 0n) {
      problems.push(
        `offset: ${parsed.offset} is not a multiple of the allocation granularity (${allocationGranularity} bytes on this system)`,
      );
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

    const offset = Dword64.from(parsed.offset);
    const description = `a view of ${this.#describe()} at offset ${parsed.offset}`;
    const address =
      parsed.address === undefined
        ? this.#k32.MapViewOfFile(handle, VIEW_ACCESS[access], offset.high, offset.low, parsed.length ?? 0n)
        : this.#k32.MapViewOfFileEx(handle, VIEW_ACCESS[access], offset.high, offset.low, parsed.length ?? 0n, parsed.address);
    if (address === null) {
      // The next call after the failed one: the last error is still its own.
      const errno = this.#k32.GetLastError();
      const what = `${parsed.length === undefined ? 'to the end' : `${parsed.length} bytes`}${parsed.address === undefined ? '' : ` at address 0x${parsed.address.toString(16)}`}`;
      throw win32Error(
        this.#k32,
        errno,
        parsed.address === undefined ? 'MapViewOfFile' : 'MapViewOfFileEx',
        `mapping ${description} (${what}, ${access} access)`,
        this.name,
      );
    }
    try {
      // An image view is as long as the image the loader laid out, whatever the file's size: never longer than that.
      const mapped = length === undefined || this.#image ? mappedLength(this.#k32, address) : undefined;
      const viewLength = length === undefined ? (mapped as bigint) : mapped !== undefined && mapped < length ? mapped : length;
      if (viewLength > MAX_VIEW_LENGTH) {
        throw new FileMappingValidationError('FileMapping.map() options', [tooLong(viewLength)]);
      }
      return new MappedView({
        k32: this.#k32,
        section: this.#handle,
        address,
        length: Number(viewLength),
        offset: parsed.offset,
        access,
        description,
        copy: parsed.copy ?? copyModeForced(),
      });
    } catch (error) {
      this.#k32.UnmapViewOfFile(address);
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

  [Symbol.dispose](): void {
    this.close();
  }

  #checkOpen(operation: string): bigint {
    const handle = this.#handle.value;
    if (handle === undefined) throw new ObjectClosedError('mapping', `${operation} ${this.#describe()}`);
    return handle;
  }

  #describe(): string {
    if (this.name !== undefined) return `section "${this.name}"`;
    if (this.file !== undefined) return `the section of file "${this.file}"`;
    return 'an anonymous section';
  }

  /** Maps the whole section read-only for a moment to learn its size (rounded up to the page size). */
  #querySize(): bigint {
    const handle = this.#checkOpen('read the size of');
    const address = this.#k32.MapViewOfFile(handle, FILE_MAP_READ, 0, 0, 0);
    const errno = this.#k32.GetLastError();
    if (address === null) {
      throw win32Error(this.#k32, errno, 'MapViewOfFile', `mapping ${this.#describe()} to read its size`, this.name);
    }
    try {
      return mappedLength(this.#k32, address);
    } finally {
      this.#k32.UnmapViewOfFile(address);
    }
  }

  static {
    // Keep the constructor private to the class but reachable by the module's helpers below.
    construct = (init) => new FileMapping(init);
  }
}

function tooLong(length: bigint): string {
  return `length: a ${length}-byte view is longer than a Buffer can be in this runtime (${MAX_VIEW_LENGTH} bytes); map it in parts with offset and length`;
}

function createSection(k32: Kernel32, options: ParsedCreateOptions, fileHandle: bigint): FileMapping {
  const fileBacked = fileHandle !== INVALID_HANDLE_VALUE;
  const requested = options.size ?? (fileBacked ? fileSize(k32, fileHandle, options.file as string) : 0n);
  // Size 0 for a file-backed section means "the file's size"; Windows then refuses an empty file (ERROR_FILE_INVALID).
  const size = Dword64.from(options.size ?? 0n);
  const flags = sectionFlags(options);
  const section = options.name === undefined ? (fileBacked ? 'a section' : 'an anonymous section') : `section "${options.name}"`;
  const what = `creating ${section}${fileBacked ? ` backed by "${options.file}"` : ''} of ${options.size === undefined ? `the file's size (${requested} bytes)` : `${options.size} bytes`}, ${options.protection}${options.attributes.length > 0 ? ` [${options.attributes.join(', ')}]` : ''}`;

  const [handle, errno] = withSecurityAttributes(k32, options, section, (attributes) => {
    // A new section does not always reset the last error: clear it so that ERROR_ALREADY_EXISTS is never stale.
    k32.SetLastError(ERROR_SUCCESS);
    const created = k32.CreateFileMappingW(fileHandle, attributes, flags, size.high, size.low, options.name ?? null);
    return [created, k32.GetLastError()] as const;
  });
  if (handle === null) throw win32Error(k32, errno, 'CreateFileMappingW', what, options.name ?? options.file);
  const alreadyExisted = errno === ERROR_ALREADY_EXISTS;
  if (alreadyExisted && options.exclusive) {
    k32.CloseHandle(handle);
    const action = `${what} (exclusive)`;
    throw win32Error(k32, errno, 'CreateFileMappingW', action, options.name, 'section');
  }
  const image = options.attributes.includes('image') || options.attributes.includes('image-no-execute');
  return construct({
    k32,
    handle,
    name: options.name,
    // An existing section is not backed by this file (see create()).
    file: alreadyExisted ? undefined : options.file,
    alreadyExisted,
    // An existing section keeps its own size and protection, whatever this call asked for. An image's size is what a
    // view of it maps (SizeOfImage, rounded up to the page size), not the file's.
    size: alreadyExisted || image ? undefined : requested,
    protection: alreadyExisted ? undefined : options.protection,
    defaultAccess: DEFAULT_ACCESS[options.protection],
    image: !alreadyExisted && image,
  });
}

/**
 * flProtect: the protection OR-ed with the attributes. SEC_COMMIT is the documented default, and SEC_NOCACHE,
 * SEC_WRITECOMBINE and SEC_LARGE_PAGES require SEC_COMMIT (or SEC_RESERVE) to be present: it is added explicitly
 * unless the caller chose 'reserve' or an image section.
 */
function sectionFlags(options: ParsedCreateOptions): number {
  const explicit = options.attributes.some((a) => a === 'commit' || a === 'reserve' || a === 'image' || a === 'image-no-execute');
  const attributes = explicit ? options.attributes : [...options.attributes, 'commit' as const];
  return attributes.reduce<number>((all, attribute) => all | ATTRIBUTES[attribute], PROTECTIONS[options.protection]) >>> 0;
}
