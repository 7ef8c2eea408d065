/**
 * The Linux backend: sections and views through libc (shm_open, memfd_create, open, mmap...), behind the seam of
 * src/backend.ts. Named sections live as on Windows (posix/lifetime.ts); a section larger than /dev/shm has room for
 * is refused at create() (posix_fallocate), never a SIGBUS of the host on first touch; a file-backed section's file
 * is opened and grown by posix/backing-file.ts.
 */
import { readFileSync } from 'node:fs';
import type { Backend, MemoryAccess, NativeHandle, SectionInfo, SystemInfo } from '../backend.js';
import { ADDRESS_IN_USE_HINT, FileMappingValidationError, PlatformNotSupportedError } from '../errors.js';
import { DEFAULT_ACCESS, type Access, type ParsedCreateOptions, type ParsedOpenOptions } from '../section/options.js';
import type { Interlocked } from '../view/interlocked.js';
import {
  _SC_PAGESIZE,
  MAP_ANONYMOUS,
  MAP_FAILED,
  MAP_FIXED_NOREPLACE,
  MAP_PRIVATE,
  MAP_SHARED,
  MS_SYNC,
  NAME_MAX,
  PROT_READ,
  PROT_WRITE,
} from './constants.js';
import { errnoNumber, posixError } from './errors.js';
import { posixInterlocked } from './interlocked.js';
import { getLibc, type Libc } from './libc.js';
import { createOrJoin, hold, openAndJoin, release } from './lifetime.js';
import { anonymousFd, statFd } from './segments.js';
import { openBackingFile } from './backing-file.js';
import { shmName } from './names.js';
import { posixSync } from './sync.js';
import { checkOwner, ownerOf } from './owner.js';

/** Windows' SEC_* attributes: only the default, 'commit', means anything here. */
const WINDOWS_ONLY_ATTRIBUTES = ['reserve', 'large-pages', 'no-cache', 'write-combine', 'image', 'image-no-execute'] as const;
/** The largest size or offset libc takes (off_t is a signed 64-bit integer). */
const MAX_OFF_T = 2n ** 63n - 1n;

/** Whether a view of this access writes to the section (and so needs a descriptor open for writing). */
const WRITES: ReadonlySet<Access> = new Set(['write', 'all']);

/** The Linux backend over `libc` (the C library itself by default). */
export function posixBackend(libc: Libc = getLibc()): Backend {
  let system: SystemInfo | undefined;
  let interlocked: Interlocked | undefined;
  /** The descriptors of the sections this backend opened (a descriptor number is not reused while it is open). */
  const sections = new Set<number>();
  const fail = (syscall: string, action: string, path?: string) => posixError(libc, libc.errno(), syscall, action, path);
  const sectionOf = (handle: NativeHandle): number => {
    if (!sections.has(handle as number)) throw new Error(`No section of this process has descriptor ${String(handle)}: this is a bug`);
    return handle as number;
  };

  const memory: MemoryAccess = {
    view: (address, length) => libc.viewMemory(address, length),
    copy: (destination, source, length) => libc.memcpy(destination, source, length),
    withPage: (use) => {
      const bytes = pageSize();
      const page = libc.mmap(null, BigInt(bytes), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0n);
      if (page === MAP_FAILED) throw fail('mmap', 'allocating a page of memory of the package');
      try {
        return use(page, bytes);
      } finally {
        libc.munmap(page, BigInt(bytes));
      }
    },
    interlocked: () => (interlocked ??= posixInterlocked(libc)),
  };

  function pageSize(): number {
    return Number(libc.sysconf(_SC_PAGESIZE));
  }

  /**
   * Reserves the section's memory now: tmpfs overcommits, and a page it cannot give later is a SIGBUS. posix_fallocate
   * allocates every page, and a memfd (or a /dev/shm larger than the memory) has no limit of its own: a size beyond
   * the memory the machine has would bring the OOM killer, not ENOSPC. So that case is refused first, as Windows
   * refuses a section past its commit limit.
   */
  function reserve(fd: number, size: bigint, what: string, path: string | undefined): void {
    const room = availableMemory();
    if (room !== undefined && size > room) {
      throw posixError(
        libc,
        errnoNumber(libc, 'ENOSPC'),
        'posix_fallocate',
        `${what}: reserving its ${size} bytes, more than the ${room} bytes of memory this machine has available (MemAvailable and SwapFree)`,
        path,
      );
    }
    if (libc.ftruncate(fd, size) !== 0) throw fail('ftruncate', `${what}: setting its size`, path);
    const errno = libc.posix_fallocate(fd, 0n, size);
    if (errno !== 0) throw posixError(libc, errno, 'posix_fallocate', `${what}: reserving its ${size} bytes`, path);
  }

  /** Keeps a section this process now holds; a named one of the package's leaves with its last user (lifetime.ts). */
  function adopt(fd: number, name: string | undefined): void {
    sections.add(fd);
    if (name !== undefined) hold(libc, fd, name);
  }

  function createNamed(options: ParsedCreateOptions, what: string): SectionInfo {
    const name = shmName(options.name as string, 'FileMapping.create() options');
    const held = createOrJoin(libc, name, options.name as string, what, {
      exclusive: options.exclusive,
      writes: options.protection === 'readwrite',
      kind: 'section',
      initialize: (fd) => reserve(fd, options.size as bigint, what, options.name),
    });
    adopt(held.fd, held.ours ? name : undefined);
    return {
      handle: held.fd,
      alreadyExisted: !held.created,
      size: held.created ? options.size : BigInt(statFd(held.fd).size),
      protection: held.created ? options.protection : undefined,
      file: undefined,
      defaultAccess: DEFAULT_ACCESS[options.protection],
      lengthFromMapping: false,
    };
  }

  function createAnonymous(options: ParsedCreateOptions, what: string): SectionInfo {
    const size = options.size as bigint;
    const { fd, syscall } = anonymousFd(libc, 'filemapping');
    if (fd < 0) throw fail(syscall, what);
    try {
      reserve(fd, size, what, undefined);
    } catch (error) {
      libc.close(fd);
      throw error;
    }
    adopt(fd, undefined);
    return {
      handle: fd,
      alreadyExisted: false,
      size,
      protection: options.protection,
      file: undefined,
      defaultAccess: DEFAULT_ACCESS[options.protection],
      lengthFromMapping: false,
    };
  }

  function createFileBacked(options: ParsedCreateOptions, what: string): SectionInfo {
    const { fd, size } = openBackingFile(libc, options, what);
    adopt(fd, undefined);
    // The section is the file's descriptor: fsync on it, closed with the section.
    const durable =
      options.protection === 'readwrite'
        ? {
            sync(what: string) {
              if (libc.fsync(fd) !== 0) throw fail('fsync', `flushing "${options.file}" to the disk for ${what}`, options.file);
            },
            close() {},
          }
        : undefined;
    return {
      handle: fd,
      alreadyExisted: false,
      size,
      protection: options.protection,
      file: options.file,
      durable,
      defaultAccess: DEFAULT_ACCESS[options.protection],
      lengthFromMapping: false,
    };
  }

  return {
    platform: 'linux',
    nameBytes: NAME_MAX - 1,

    systemInfo() {
      if (!system) {
        const page = pageSize();
        system = {
          pageSize: page,
          // mmap's offsets and addresses are multiples of the page size.
          allocationGranularity: page,
          minimumApplicationAddress: BigInt(minimumMapAddress()),
          // x86-64 and aarch64 user space: 47 bits (a process asks for more explicitly).
          maximumApplicationAddress: (1n << 47n) - BigInt(page),
        };
      }
      return system;
    },

    unsupportedCreateOptions(options) {
      const refused: Array<{ option: string; reason: string }> = [];
      if (options.security !== undefined)
        refused.push({
          option: 'security',
          reason: 'an SDDL security descriptor is a Windows thing; a section is created with mode 0600 (its owner reads and writes it)',
        });
      if (options.inheritable)
        refused.push({ option: 'inheritable', reason: "handles for child processes are a Windows thing; give a child the section's name instead" });
      const attribute = options.attributes.find((a): a is (typeof WINDOWS_ONLY_ATTRIBUTES)[number] =>
        (WINDOWS_ONLY_ATTRIBUTES as readonly string[]).includes(a),
      );
      if (attribute) refused.push({ option: `attributes: '${attribute}'`, reason: 'section attributes (SEC_*) are Windows ones' });
      if (options.protection.startsWith('execute'))
        refused.push({ option: `protection: '${options.protection}'`, reason: 'execute protections are Windows ones' });
      if (options.name !== undefined && options.file !== undefined) {
        refused.push({ option: 'name with file', reason: 'a file-backed section has no name here: other processes open the file by its path' });
      }
      return refused;
    },

    unsupportedOpenOptions(options) {
      const refused: Array<{ option: string; reason: string }> = [];
      if (options.inheritable)
        refused.push({ option: 'inheritable', reason: "handles for child processes are a Windows thing; give a child the section's name instead" });
      if (options.access.startsWith('execute')) refused.push({ option: `access: '${options.access}'`, reason: 'execute access is a Windows one' });
      return refused;
    },

    createSection(options) {
      if (options.size !== undefined && options.size > MAX_OFF_T) {
        throw new FileMappingValidationError('FileMapping.create() options', [
          `size: ${options.size} bytes is more than a file offset (off_t) holds on Linux (at most ${MAX_OFF_T})`,
        ]);
      }
      const what = `creating ${options.name === undefined ? (options.file === undefined ? 'an anonymous section' : `a section backed by "${options.file}"`) : `section "${options.name}"`}`;
      if (options.file !== undefined) return createFileBacked(options, what);
      if (options.name !== undefined) return createNamed(options, what);
      return createAnonymous(options, what);
    },

    openSection(name, options) {
      return openNamed(name, options);
    },

    unlinkSection(given) {
      const name = shmName(given, 'FileMapping.unlink() name');
      if (libc.shm_unlink(name) === 0) return true;
      const errno = libc.errno();
      if (libc.errnoNames.get(errno) === 'ENOENT') return false;
      throw posixError(libc, errno, 'shm_unlink', `removing section "${given}"`, given);
    },

    closeSection(handle, what, name) {
      const fd = sectionOf(handle);
      sections.delete(fd);
      release(libc, fd);
      if (libc.close(fd) !== 0) throw fail('close', what, name);
    },

    sectionSize(handle) {
      return BigInt(statFd(sectionOf(handle)).size);
    },

    sectionOwner(handle) {
      return ownerOf(statFd(sectionOf(handle)).uid);
    },

    mapView(handle, request, what, name) {
      const fd = sectionOf(handle);
      if (request.access.startsWith('execute')) {
        throw new PlatformNotSupportedError('linux', { option: `access: '${request.access}'`, reason: 'execute access is a Windows one' });
      }
      const length = request.length ?? BigInt(statFd(fd).size) - request.offset;
      const copy = request.access === 'copy';
      const prot = request.access === 'read' ? PROT_READ : PROT_READ | PROT_WRITE;
      const flags = (copy ? MAP_PRIVATE : MAP_SHARED) | (request.address === undefined ? 0 : MAP_FIXED_NOREPLACE);
      const address = libc.mmap(request.address ?? null, length, prot, flags, fd, request.offset);
      if (address === MAP_FAILED) {
        const errno = libc.errno();
        const extent = `${length} bytes${request.address === undefined ? '' : ` at address 0x${request.address.toString(16)}`}`;
        throw posixError(
          libc,
          errno,
          'mmap',
          `mapping ${what} (${extent}, ${request.access} access)`,
          name,
          undefined,
          errno === errnoNumber(libc, 'EEXIST') ? ADDRESS_IN_USE_HINT : undefined,
        );
      }
      // Before Linux 4.17 MAP_FIXED_NOREPLACE is unknown and the address only a hint: never keep a view elsewhere.
      if (request.address !== undefined && address !== request.address) {
        libc.munmap(address, length);
        throw posixError(
          libc,
          errnoNumber(libc, 'EEXIST'),
          'mmap',
          `mapping ${what} at address 0x${request.address.toString(16)}: the system placed it elsewhere (the range is in use, or this kernel has no MAP_FIXED_NOREPLACE)`,
          name,
          undefined,
          ADDRESS_IN_USE_HINT,
        );
      }
      return { address, length };
    },

    unmapView(address, length, what) {
      if (libc.munmap(address, BigInt(length)) !== 0) throw fail('munmap', `unmapping ${what}`);
    },

    flushView(address, length, what) {
      // msync takes a page-aligned address: start at the page that holds the range.
      const page = BigInt(pageSize());
      const start = address - (address % page);
      if (libc.msync(start, BigInt(length) + (address - start), MS_SYNC) !== 0) throw fail('msync', `flushing ${length} bytes of ${what}`);
    },

    memory,
    sync: posixSync(libc, () => memory.interlocked()),
  };

  function openNamed(given: string, options: ParsedOpenOptions): SectionInfo {
    const name = shmName(given, 'FileMapping.open() name');
    const held = openAndJoin(libc, name, given, `opening section "${given}" for ${options.access} access`, {
      writes: WRITES.has(options.access),
      kind: 'section',
    });
    try {
      if (options.expectedOwner !== undefined) checkOwner(statFd(held.fd).uid, options.expectedOwner, `section "${given}"`, given);
    } catch (error) {
      libc.close(held.fd);
      throw error;
    }
    adopt(held.fd, held.ours ? name : undefined);
    return {
      handle: held.fd,
      alreadyExisted: true,
      size: BigInt(statFd(held.fd).size),
      protection: undefined,
      file: undefined,
      defaultAccess: options.access,
      lengthFromMapping: false,
    };
  }
}

/** vm.mmap_min_addr: the lowest address a process may map (64 KiB by default). */
function minimumMapAddress(): number {
  try {
    return Math.max(Number.parseInt(readFileSync('/proc/sys/vm/mmap_min_addr', 'utf8'), 10) || 0, 4096);
  } catch {
    return 65536;
  }
}

/** The memory the machine can still give (MemAvailable + SwapFree of /proc/meminfo, in bytes), or undefined. */
function availableMemory(): bigint | undefined {
  try {
    const meminfo = readFileSync('/proc/meminfo', 'utf8');
    const kib = (field: string) => BigInt(new RegExp(`^${field}:\\s+(\\d+) kB$`, 'mu').exec(meminfo)?.[1] ?? '0');
    return (kib('MemAvailable') + kib('SwapFree')) * 1024n;
  } catch {
    return undefined;
  }
}
