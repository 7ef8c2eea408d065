/**
 * The Windows backend: sections and views through kernel32 (CreateFileMappingW, MapViewOfFile...), behind the seam
 * of src/backend.ts.
 */
import type { Backend, MemoryAccess, NativeHandle, SectionInfo, SystemInfo } from '../backend.js';
import { FileMappingValidationError } from '../errors.js';
import { DEFAULT_ACCESS, type ParsedCreateOptions, type ParsedOpenOptions } from '../section/options.js';
import type { Interlocked } from '../view/interlocked.js';
import { fileSize, openBackingFile, writesFile } from './backing-file.js';
import {
  ERROR_ACCESS_DENIED,
  ERROR_LOCK_VIOLATION,
  FILE_MAP_READ,
  INVALID_HANDLE_VALUE,
  MEM_COMMIT,
  MEM_RELEASE,
  MEM_RESERVE,
  PAGE_READWRITE,
  READ_CONTROL,
} from './constants.js';
import { Dword64 } from './dword.js';
import { win32Error } from './errors.js';
import { win32Interlocked } from './interlocked.js';
import { kernel32, type Kernel32, type SYSTEM_INFO } from './kernel32.js';
import { checkOwner, readOwner } from './owner.js';
import { createNamed } from './security.js';
import { win32Sync } from './sync.js';
import { OPEN_ACCESS, sectionFlags, VIEW_ACCESS } from './section-flags.js';

/**
 * FlushViewOfFile can fail with ERROR_LOCK_VIOLATION while the memory manager is writing the same pages (the
 * .NET runtime hit this and retries); a few retries make flush() reliable.
 */
const FLUSH_ATTEMPTS = 10;

/** The Windows backend over `k32` (kernel32 itself by default; a fake in the unit tests). */
export function win32Backend(k32: Kernel32 = kernel32()): Backend {
  let system: SystemInfo | undefined;
  let interlocked: Interlocked | undefined;
  /** Handles: bigint on Windows. */
  const handleOf = (handle: NativeHandle) => handle as bigint;

  const memory: MemoryAccess = {
    view: (address, length) => k32.viewMemory(address, length),
    copy: (destination, source, length) => k32.RtlMoveMemory(destination, source, length),
    withPage: (use) => {
      const bytes = 4096;
      const page = k32.VirtualAlloc(null, bytes, MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE);
      if (page === null) throw win32Error(k32, k32.GetLastError(), 'VirtualAlloc', 'allocating a page of memory of the package');
      try {
        return use(page, bytes);
      } finally {
        k32.VirtualFree(page, 0, MEM_RELEASE);
      }
    },
    interlocked: () => (interlocked ??= win32Interlocked(k32)),
  };

  return {
    platform: 'win32',
    nameBytes: undefined,

    systemInfo() {
      if (!system) {
        const raw: Partial<SYSTEM_INFO> = {};
        k32.GetSystemInfo(raw);
        system = {
          pageSize: raw.dwPageSize ?? 4096,
          allocationGranularity: raw.dwAllocationGranularity ?? 65536,
          // x64 Windows' values when the structure does not say (a fake kernel32).
          minimumApplicationAddress: BigInt(raw.lpMinimumApplicationAddress ?? 0x1_0000n),
          maximumApplicationAddress: BigInt(raw.lpMaximumApplicationAddress ?? 0x7fff_fffe_ffffn),
        };
      }
      return system;
    },

    unsupportedCreateOptions: () => [],
    unsupportedOpenOptions: () => [],

    createSection(options) {
      const file = options.file === undefined ? undefined : openBackingFile(k32, options);
      let section: SectionInfo | undefined;
      try {
        if (file && options.size !== undefined && !writesFile(options.protection)) {
          // Windows would answer ERROR_NOT_ENOUGH_MEMORY: a section that cannot write cannot grow its file.
          const have = fileSize(k32, file.handle, options.file as string);
          if (options.size > have) {
            throw new FileMappingValidationError('FileMapping.create() options', [
              `size: ${options.size} bytes is more than "${options.file as string}" holds (${have} bytes), and a '${options.protection}' section cannot grow its file; omit size to map the whole file, or use 'readwrite' protection to grow it`,
            ]);
          }
        }
        section = createSection(k32, options, file?.handle ?? INVALID_HANDLE_VALUE);
        // The section keeps its own reference to the file, but FlushFileBuffers needs a handle with write access:
        // ours is kept for durable flushes when the section writes the file, and closed with the section.
        if (file && writesFile(options.protection) && !section.alreadyExisted) {
          const handle = file.handle;
          const path = options.file as string;
          section = {
            ...section,
            durable: {
              sync(what) {
                if (!k32.FlushFileBuffers(handle))
                  throw win32Error(k32, k32.GetLastError(), 'FlushFileBuffers', `flushing "${path}" to the disk for ${what}`, path);
              },
              close: () => void k32.CloseHandle(handle),
            },
          };
        }
        return section;
      } finally {
        if (file && section?.durable === undefined) {
          // The section keeps its own reference to the file: ours is not needed once it exists (or failed to).
          k32.CloseHandle(file.handle);
          // A file this call created is not left behind when no section of ours uses it: the creation failed, or
          // the name belonged to an existing section, which cannot be backed by a file that did not exist.
          if (file.created && (section === undefined || section.alreadyExisted)) k32.DeleteFileW(file.path);
        }
      }
    },

    openSection(name, options) {
      return openSection(k32, name, options);
    },

    // A Windows name goes with the last handle to its object: there is never one to remove.
    unlinkSection: () => false,

    closeSection(handle, what, name) {
      if (!k32.CloseHandle(handleOf(handle))) throw win32Error(k32, k32.GetLastError(), 'CloseHandle', `closing ${what}`, name);
    },

    sectionSize(handle, what, name) {
      // Windows does not tell a section's size: map the whole of it read-only for a moment and ask VirtualQuery.
      const address = k32.MapViewOfFile(handleOf(handle), FILE_MAP_READ, 0, 0, 0);
      const errno = k32.GetLastError();
      if (address === null) throw win32Error(k32, errno, 'MapViewOfFile', `mapping ${what} to read its size`, name);
      try {
        return mappedLength(k32, address);
      } finally {
        k32.UnmapViewOfFile(address);
      }
    },

    sectionOwner(handle, what, name) {
      return readOwner(k32, handleOf(handle), what, name);
    },

    mapView(handle, request, what, name) {
      const offset = Dword64.from(request.offset);
      const access = VIEW_ACCESS[request.access];
      const address =
        request.address === undefined
          ? k32.MapViewOfFile(handleOf(handle), access, offset.high, offset.low, request.length ?? 0n)
          : k32.MapViewOfFileEx(handleOf(handle), access, offset.high, offset.low, request.length ?? 0n, request.address);
      if (address === null) {
        // The next call after the failed one: the last error is still its own.
        const errno = k32.GetLastError();
        const extent = `${request.length === undefined ? 'to the end' : `${request.length} bytes`}${request.address === undefined ? '' : ` at address 0x${request.address.toString(16)}`}`;
        throw win32Error(
          k32,
          errno,
          request.address === undefined ? 'MapViewOfFile' : 'MapViewOfFileEx',
          `mapping ${what} (${extent}, ${request.access} access)`,
          name,
        );
      }
      try {
        // Without a length, the view is what Windows mapped; an image view is as long as the image the loader laid
        // out (SizeOfImage), whatever was asked: never longer than that.
        const mapped = request.length === undefined || request.lengthFromMapping ? mappedLength(k32, address) : undefined;
        const length = request.length === undefined ? (mapped as bigint) : mapped !== undefined && mapped < request.length ? mapped : request.length;
        return { address, length };
      } catch (error) {
        k32.UnmapViewOfFile(address);
        throw error;
      }
    },

    unmapView(address, _length, what) {
      if (!k32.UnmapViewOfFile(address)) throw win32Error(k32, k32.GetLastError(), 'UnmapViewOfFile', `unmapping ${what}`);
    },

    flushView(address, length, what) {
      for (let attempt = 1; ; attempt++) {
        if (k32.FlushViewOfFile(address, length)) return;
        const errno = k32.GetLastError();
        if (errno !== ERROR_LOCK_VIOLATION || attempt === FLUSH_ATTEMPTS) {
          throw win32Error(k32, errno, 'FlushViewOfFile', `flushing ${length} bytes of ${what}`);
        }
      }
    },

    memory,
    sync: win32Sync(k32),
  };
}

/**
 * The length of the view at `address`: the sum of the regions VirtualQuery reports for its allocation (a view of a
 * SEC_RESERVE section has committed and reserved regions). Rounded up to the page size, as Windows maps whole pages.
 */
export function mappedLength(k32: Kernel32, address: bigint): bigint {
  let total = 0n;
  let cursor = address;
  for (;;) {
    const info: { AllocationBase?: bigint | null; RegionSize?: number | bigint } = {};
    if (k32.VirtualQuery(cursor, info, k32.sizeofMemoryBasicInformation) === 0 || info.AllocationBase !== address) break;
    const region = BigInt(info.RegionSize ?? 0);
    if (region === 0n) break;
    total += region;
    cursor += region;
  }
  if (total === 0n) {
    const errno = k32.GetLastError();
    throw win32Error(k32, errno, 'VirtualQuery', `reading the length of the view at 0x${address.toString(16)}`);
  }
  return total;
}

function createSection(k32: Kernel32, options: ParsedCreateOptions, fileHandle: bigint): SectionInfo {
  const fileBacked = fileHandle !== INVALID_HANDLE_VALUE;
  const requested = options.size ?? (fileBacked ? fileSize(k32, fileHandle, options.file as string) : 0n);
  // Size 0 for a file-backed section means "the file's size"; Windows then refuses an empty file (ERROR_FILE_INVALID).
  const size = Dword64.from(options.size ?? 0n);
  const flags = sectionFlags(options);
  const section = options.name === undefined ? (fileBacked ? 'a section' : 'an anonymous section') : `section "${options.name}"`;
  const what = `creating ${section}${fileBacked ? ` backed by "${options.file}"` : ''} of ${options.size === undefined ? `the file's size (${requested} bytes)` : `${options.size} bytes`}, ${options.protection}${options.attributes.length > 0 ? ` [${options.attributes.join(', ')}]` : ''}`;

  const { handle, alreadyExisted } = createNamed(
    k32,
    { ...options, syscall: 'CreateFileMappingW', kind: 'section', what, path: options.name ?? options.file },
    (attributes) => k32.CreateFileMappingW(fileHandle, attributes, flags, size.high, size.low, options.name ?? null),
  );
  // An image section ('image', 'image-no-execute') is mapped as the loader lays it out (SizeOfImage bytes), not as
  // the file is: its views' length is read from what was mapped.
  const image = options.attributes.includes('image') || options.attributes.includes('image-no-execute');
  return {
    handle,
    alreadyExisted,
    // An existing section keeps its own size and protection, whatever this call asked for. An image's size is what a
    // view of it maps (SizeOfImage, rounded up to the page size), not the file's.
    size: alreadyExisted || image ? undefined : requested,
    protection: alreadyExisted ? undefined : options.protection,
    // An existing section is not backed by this file (see createSection above).
    file: alreadyExisted ? undefined : options.file,
    defaultAccess: DEFAULT_ACCESS[options.protection],
    lengthFromMapping: image && !alreadyExisted,
  };
}

/**
 * OpenFileMappingW. `access` bounds what its views may do and is all the rights asked for: 'read' needs only
 * FILE_MAP_READ. With `expectedOwner`, READ_CONTROL is asked for too, and a section owned by anyone else is closed and
 * refused with an UnexpectedOwnerError.
 */
function openSection(k32: Kernel32, name: string, options: ParsedOpenOptions): SectionInfo {
  const access = OPEN_ACCESS[options.access] | (options.expectedOwner === undefined ? 0 : READ_CONTROL);
  const handle = k32.OpenFileMappingW(access, options.inheritable, name);
  const errno = k32.GetLastError();
  if (handle === null) {
    // 'read' is the least access there is: the usual hint, to ask for less, would name the access just refused.
    const hint =
      errno === ERROR_ACCESS_DENIED && options.access === 'read'
        ? `The section exists but its security does not let this process read it${options.expectedOwner === undefined ? '' : ' or its owner (READ_CONTROL, which expectedOwner needs)'}: its creator must grant this user FILE_MAP_READ in its security descriptor (the security option).`
        : undefined;
    throw win32Error(k32, errno, 'OpenFileMappingW', `opening section "${name}" for ${options.access} access`, name, undefined, hint);
  }
  if (options.expectedOwner !== undefined) checkOwner(k32, handle, options.expectedOwner, `section "${name}"`, name);
  return { handle, alreadyExisted: true, size: undefined, protection: undefined, file: undefined, defaultAccess: options.access, lengthFromMapping: false };
}
