// A fake kernel32 for unit tests on any platform: sections by name, handles, views over plain ArrayBuffers, and
// the last error, with a way to make the next call of a function fail.
import { setBackendForTesting } from '../../src/backend.js';
import { win32Backend } from '../../src/win32/backend.js';
import {
  setKernel32ForTesting as useKernel32,
  type HANDLE,
  type Kernel32,
  type LPVOID,
  type MEMORY_BASIC_INFORMATION,
  type SYSTEM_INFO,
} from '../../src/win32/kernel32.js';

/**
 * Installs `fake` as kernel32 for the raw layer and as the Windows backend the classes reach, on any OS;
 * `undefined` restores the real ones.
 */
export function setKernel32ForTesting(fake: Kernel32 | undefined): void {
  useKernel32(fake);
  setBackendForTesting(fake === undefined ? undefined : win32Backend(fake));
}

const PAGE = 4096n;

interface Section {
  size: bigint;
}

export class FakeKernel32 implements Kernel32 {
  /** Every call, by function name, in order. */
  readonly calls: string[] = [];
  /** Open handles: section handles point at their section; file handles at their path. */
  readonly handles = new Map<bigint, Section | string>();
  /** Every handle ever returned, open or closed, with what it pointed at. */
  readonly issued = new Map<bigint, Section | string>();
  /** The handles CloseHandle was called with, in order. */
  readonly closedHandles: HANDLE[] = [];
  /** The (address, length) of every FlushViewOfFile call. */
  readonly flushes: Array<[LPVOID, number | bigint]> = [];
  readonly sections = new Map<string, Section>();
  readonly views = new Map<bigint, { length: bigint; memory?: ArrayBuffer }>();
  /** Files that "exist", with their size. */
  readonly files = new Map<string, bigint>();
  readonly sizeofMemoryBasicInformation = 48;
  #failures = new Map<string, number[]>();
  #lastError = 0;
  #nextHandle = 0x100n;
  #nextAddress = 0x1000_0000n;

  /** Makes the next call(s) of `name` fail with `errno`, once per listed code. */
  failNext(name: keyof Kernel32, ...errnos: number[]): void {
    this.#failures.set(name, [...(this.#failures.get(name) ?? []), ...errnos]);
  }

  count(name: keyof Kernel32): number {
    return this.calls.filter((call) => call === name).length;
  }

  /** Arguments koffi would turn into undefined values: what no native call may ever receive. */
  readonly invalidArguments: string[] = [];

  #checkDwords(name: string, ...values: number[]): void {
    for (const value of values) {
      if (!Number.isInteger(value) || value < 0 || value > 0xffff_ffff) this.invalidArguments.push(`${name}: ${value}`);
    }
  }

  #call(name: keyof Kernel32): number | undefined {
    this.calls.push(name);
    const pending = this.#failures.get(name);
    const errno = pending?.shift();
    if (errno !== undefined) this.#lastError = errno;
    return errno;
  }

  #handle(target: Section | string): bigint {
    const handle = this.#nextHandle;
    this.#nextHandle += 4n;
    this.handles.set(handle, target);
    this.issued.set(handle, target);
    return handle;
  }

  CreateFileMappingW = (hFile: HANDLE, _attributes: LPVOID, flProtect: number, high: number, low: number, lpName: string | null): HANDLE => {
    this.#checkDwords('CreateFileMappingW', flProtect, high, low);
    if (lpName !== null && (lpName.length === 0 || lpName.length > 260 || lpName.includes('\0'))) this.invalidArguments.push(`name ${lpName}`);
    if (this.#call('CreateFileMappingW') !== undefined) return null;
    const existing = lpName === null ? undefined : this.sections.get(lpName);
    if (existing) {
      this.#lastError = 183;
      return this.#handle(existing);
    }
    let size = (BigInt(high) << 32n) | BigInt(low);
    if (size === 0n && typeof hFile === 'bigint') size = this.files.get(this.handles.get(hFile) as string) ?? 0n;
    const section = { size };
    if (lpName !== null) this.sections.set(lpName, section);
    this.#lastError = 0;
    return this.#handle(section);
  };

  OpenFileMappingW = (access: number, _inherit: boolean, lpName: string): HANDLE => {
    this.#checkDwords('OpenFileMappingW', access);
    if (typeof lpName !== 'string' || lpName.length === 0 || lpName.length > 260 || lpName.includes('\0')) {
      this.invalidArguments.push(`OpenFileMappingW name ${String(lpName)}`);
    }
    if (this.#call('OpenFileMappingW') !== undefined) return null;
    const section = this.sections.get(lpName);
    if (!section) {
      this.#lastError = 2;
      return null;
    }
    return this.#handle(section);
  };

  MapViewOfFile = (h: HANDLE, access: number, high: number, low: number, length: number | bigint): LPVOID =>
    this.#map('MapViewOfFile', h, access, high, low, length, null);

  MapViewOfFileEx = (h: HANDLE, access: number, high: number, low: number, length: number | bigint, base: LPVOID): LPVOID =>
    this.#map('MapViewOfFileEx', h, access, high, low, length, base);

  #map(name: keyof Kernel32, h: HANDLE, access: number, high: number, low: number, length: number | bigint, base: LPVOID): LPVOID {
    this.#checkDwords(name, access, high, low);
    if (BigInt(length) < 0n || (base !== null && base % 65536n !== 0n)) this.invalidArguments.push(`${name}: length ${length}, base ${base}`);
    if (this.#call(name) !== undefined) return null;
    const section = h === null ? undefined : this.handles.get(h);
    if (typeof section !== 'object') {
      this.#lastError = 6;
      return null;
    }
    const offset = (BigInt(high) << 32n) | BigInt(low);
    const bytes = BigInt(length) === 0n ? section.size - offset : BigInt(length);
    const rounded = ((bytes + PAGE - 1n) / PAGE) * PAGE;
    const address = base ?? this.#nextAddress;
    this.#nextAddress += rounded + 0x10000n;
    this.views.set(address, { length: rounded });
    return address;
  }

  UnmapViewOfFile = (address: LPVOID): boolean => {
    if (this.#call('UnmapViewOfFile') !== undefined) return false;
    return address !== null && this.views.delete(address);
  };

  FlushViewOfFile = (address: LPVOID, length: number | bigint): boolean => {
    this.flushes.push([address, length]);
    return this.#call('FlushViewOfFile') === undefined;
  };

  CloseHandle = (h: HANDLE): boolean => {
    this.closedHandles.push(h);
    if (this.#call('CloseHandle') !== undefined) return false;
    return h !== null && this.handles.delete(h);
  };

  GetLastError = (): number => this.#lastError;
  SetLastError = (errno: number): void => {
    this.#lastError = errno;
  };

  FormatMessageW = (_flags: number, _source: LPVOID, errno: number, _lang: number, buffer: Buffer): number => {
    const text = `Fake message for ${errno}.\r\n`;
    buffer.write(text, 'utf16le');
    return text.length;
  };

  GetSystemInfo = (info: Partial<SYSTEM_INFO>): void => {
    info.dwPageSize = 4096;
    info.dwAllocationGranularity = 65536;
  };

  VirtualQuery = (address: LPVOID, info: Partial<MEMORY_BASIC_INFORMATION>): number => {
    this.calls.push('VirtualQuery');
    const view = address === null ? undefined : this.views.get(address);
    if (!view) return 0;
    info.AllocationBase = address;
    info.RegionSize = view.length;
    return this.sizeofMemoryBasicInformation;
  };

  /** Committed memory of VirtualAlloc, as a view (viewMemory reaches it); VirtualFree with MEM_RELEASE forgets it. */
  VirtualAlloc = (_address: LPVOID, size: number | bigint): LPVOID => {
    if (this.#call('VirtualAlloc') !== undefined) return null;
    const address = this.#nextAddress;
    this.#nextAddress += 0x10000n;
    this.views.set(address, { length: BigInt(size) });
    return address;
  };
  VirtualFree = (address: LPVOID): boolean => {
    this.calls.push('VirtualFree');
    return address !== null && this.views.delete(address);
  };

  CreateFileW = (path: string): HANDLE => {
    if (this.#call('CreateFileW') !== undefined) return 0xffff_ffff_ffff_ffffn;
    const existed = this.files.has(path);
    if (!existed) this.files.set(path, 0n);
    this.#lastError = existed ? 183 : 0;
    return this.#handle(path);
  };

  GetFileSizeEx = (h: HANDLE, out: [number | bigint]): boolean => {
    out[0] = this.files.get(this.handles.get(h as bigint) as string) ?? 0n;
    return true;
  };

  DeleteFileW = (path: string): boolean => {
    this.calls.push('DeleteFileW');
    return this.files.delete(path);
  };

  /** The handles FlushFileBuffers was called with, in order. */
  readonly fileFlushes: HANDLE[] = [];
  FlushFileBuffers = (h: HANDLE): boolean => {
    this.fileFlushes.push(h);
    return this.#call('FlushFileBuffers') === undefined;
  };
  GetLargePageMinimum = (): number => 2 << 20;
  GetCurrentProcess = (): HANDLE => 0xffff_ffff_ffff_ffffn;
  GetCurrentProcessId = (): number => 4242;
  OpenProcess = (): HANDLE => this.#handle('process');
  GetCurrentThreadId = (): number => 17;
  OpenThread = (): HANDLE => this.#handle('thread');
  GetProcessHandleCount = (_h: HANDLE, out: [number]): boolean => {
    out[0] = this.handles.size;
    return true;
  };
  CreateEventW = (): HANDLE => this.#handle('event');
  OpenEventW = (): HANDLE => null;
  SetEvent = (): boolean => true;
  ResetEvent = (): boolean => true;
  WaitForSingleObject = (): number => 0;
  WaitForMultipleObjects = (): number => 0;
  CreateMutexW = (): HANDLE => this.#handle('mutex');
  OpenMutexW = (): HANDLE => null;
  ReleaseMutex = (): boolean => true;
  CreateSemaphoreW = (): HANDLE => this.#handle('semaphore');
  OpenSemaphoreW = (): HANDLE => null;
  ReleaseSemaphore = (): boolean => true;

  // Owners and the process token. Memory the fake hands out (security descriptors, LocalAlloc) is kept in blocks
  // that RtlMoveMemory reads, at addresses of their own.
  /** The token's user (TokenUser) and default owner (TokenOwner); the owner is what objects get by default. */
  tokenUser = 'S-1-5-21-1000-2000-3000-1001';
  tokenOwner = 'S-1-5-21-1000-2000-3000-1001';
  /** The owner every object reports; undefined: the token's default owner; null: none (as Wine's objects). */
  objectOwner: string | null | undefined = undefined;
  /** Accounts LookupAccountSidW knows, by SID: 'DOMAIN\\name'. */
  readonly accounts = new Map<string, string>([
    ['S-1-5-18', 'NT AUTHORITY\\SYSTEM'],
    ['S-1-5-32-544', 'BUILTIN\\Administrators'],
  ]);
  /** LocalAlloc blocks not freed yet. */
  readonly localAllocations = new Set<bigint>();
  readonly #blocks = new Map<bigint, Uint8Array>();

  #block(bytes: Uint8Array): bigint {
    const address = this.#nextAddress;
    this.#nextAddress += 0x10000n;
    this.#blocks.set(address, bytes);
    return address;
  }

  /** The bytes of a block from `address` on (an address inside a block counts), or undefined. */
  #blockAt(address: bigint): Uint8Array | undefined {
    for (const [base, bytes] of this.#blocks) {
      if (address >= base && address < base + BigInt(bytes.length)) return bytes.subarray(Number(address - base));
    }
    return undefined;
  }

  #sidAt(pSid: bigint): string {
    const bytes = this.#blockAt(pSid);
    if (!bytes) throw new Error(`no SID at 0x${pSid.toString(16)}`);
    const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const parts = Array.from({ length: view[1] as number }, (_, i) => view.readUInt32LE(8 + 4 * i));
    return ['S-1', view.readUIntBE(2, 6), ...parts].join('-');
  }

  GetSecurityInfo = (
    handle: HANDLE,
    _type: number,
    _information: number,
    owner: [LPVOID] | null,
    _group: [LPVOID] | null,
    _dacl: [LPVOID] | null,
    _sacl: [LPVOID] | null,
    descriptor: [LPVOID] | null,
  ): number => {
    const errno = this.#call('GetSecurityInfo');
    if (errno !== undefined) return errno;
    if (handle === null || !this.handles.has(handle)) return 6;
    const sid = this.objectOwner === undefined ? this.tokenOwner : this.objectOwner;
    // A self-relative descriptor: a 20-byte header, then the owner SID.
    const memory = new Uint8Array(20 + (sid === null ? 0 : sidBytes(sid).length));
    if (sid !== null) memory.set(sidBytes(sid), 20);
    const address = this.#block(memory);
    this.descriptors.add(address);
    if (owner) owner[0] = sid === null ? null : address + 20n;
    if (descriptor) descriptor[0] = address;
    return 0;
  };

  OpenProcessToken = (_process: HANDLE, access: number, token: [HANDLE]): boolean => {
    this.#checkDwords('OpenProcessToken', access);
    if (this.#call('OpenProcessToken') !== undefined) return false;
    token[0] = this.#handle('token');
    return true;
  };

  GetTokenInformation = (token: HANDLE, informationClass: number, information: LPVOID, length: number, returned: [number]): boolean => {
    this.#checkDwords('GetTokenInformation', informationClass, length);
    if (this.#call('GetTokenInformation') !== undefined) return false;
    if (token === null || this.handles.get(token) !== 'token') {
      this.#lastError = 6;
      return false;
    }
    // TOKEN_USER is a SID_AND_ATTRIBUTES (16 bytes), TOKEN_OWNER a pointer (8); the SID follows in the same memory.
    const header = informationClass === 1 ? 16 : 8;
    const sid = sidBytes(informationClass === 1 ? this.tokenUser : this.tokenOwner);
    returned[0] = header + sid.length;
    const memory = information === null ? undefined : this.#blockAt(information);
    if (!memory || length < header + sid.length || memory.length < length) {
      this.#lastError = 122;
      return false;
    }
    Buffer.from(memory.buffer, memory.byteOffset).writeBigUInt64LE((information as bigint) + BigInt(header), 0);
    memory.set(sid, header);
    return true;
  };

  GetLengthSid = (pSid: LPVOID): number => {
    this.calls.push('GetLengthSid');
    const bytes = pSid === null ? undefined : this.#blockAt(pSid);
    return bytes ? 8 + 4 * (bytes[1] as number) : 0;
  };

  LookupAccountSidW = (
    _system: string | null,
    pSid: LPVOID,
    name: Buffer,
    nameLength: [number],
    domain: Buffer,
    domainLength: [number],
    use: [number],
  ): boolean => {
    if (this.#call('LookupAccountSidW') !== undefined) return false;
    const account = pSid === null ? undefined : this.accounts.get(this.#sidAt(pSid));
    if (account === undefined) {
      this.#lastError = 1332; // ERROR_NONE_MAPPED
      return false;
    }
    const [domainName, accountName] = account.includes('\\') ? (account.split('\\') as [string, string]) : ['', account];
    nameLength[0] = name.write(accountName, 'utf16le') / 2;
    domainLength[0] = domain.write(domainName, 'utf16le') / 2;
    use[0] = 1;
    return true;
  };

  LocalAlloc = (_flags: number, bytes: number | bigint): LPVOID => {
    if (this.#call('LocalAlloc') !== undefined) return null;
    const address = this.#block(new Uint8Array(Number(bytes)));
    this.localAllocations.add(address);
    return address;
  };

  /** SDDL strings the fake turns into descriptors: any that starts with 'D:' or 'O:'. */
  readonly descriptors = new Set<bigint>();
  ConvertStringSecurityDescriptorToSecurityDescriptorW = (sddl: string, _revision: number, out: [bigint | null]): boolean => {
    this.calls.push('ConvertStringSecurityDescriptorToSecurityDescriptorW');
    if (!/^[DO]:/.test(sddl)) {
      this.#lastError = 1336;
      return false;
    }
    out[0] = this.#nextAddress++;
    this.descriptors.add(out[0]);
    return true;
  };
  LocalFree = (memory: LPVOID): LPVOID => {
    this.calls.push('LocalFree');
    if (memory !== null) this.descriptors.delete(memory);
    if (memory !== null && this.localAllocations.delete(memory)) this.#blocks.delete(memory);
    return null;
  };

  RtlMoveMemory = (destination: bigint | Uint8Array, source: bigint | Uint8Array, length: number): void => {
    this.calls.push('RtlMoveMemory');
    const bytes = (at: bigint | Uint8Array): Uint8Array => {
      if (at instanceof Uint8Array) return at;
      const block = this.#blockAt(at);
      if (block) return block;
      for (const [base, view] of this.views) {
        if (at >= base && at < base + view.length) {
          view.memory ??= new ArrayBuffer(Number(view.length));
          return new Uint8Array(view.memory, Number(at - base));
        }
      }
      throw new Error(`no view at 0x${at.toString(16)}`);
    };
    bytes(destination).set(bytes(source).subarray(0, length));
  };

  // Executable code cannot run in a fake: the interlocked operations of copy mode are tested under the real kernel32.
  VirtualProtect = (): boolean => false;
  FlushInstructionCache = (): boolean => false;
  functionAt = (): never => {
    throw new Error('the fake kernel32 runs no machine code');
  };

  /** Set to make viewMemory throw, as koffi.view does where external buffers are forbidden (Electron). */
  externalBuffersForbidden = false;

  viewMemory = (address: bigint, length: number): ArrayBuffer => {
    if (this.externalBuffersForbidden) throw new Error('External buffers are not allowed');
    const view = this.views.get(address);
    if (!view) throw new Error(`no view at ${address}`);
    if (BigInt(length) > view.length) throw new Error(`view at ${address} has ${view.length} bytes, not ${length}`);
    // koffi.view covers exactly `length` bytes; the fake's memory for the view is made that long.
    view.memory ??= new ArrayBuffer(length);
    return view.memory;
  };
}

/** A SID's bytes from its string form (decimal parts only): revision, count, 6-byte authority, subauthorities. */
export function sidBytes(text: string): Uint8Array {
  const [, revision, authority, ...subAuthorities] = text.split('-');
  const bytes = Buffer.alloc(8 + 4 * subAuthorities.length);
  bytes[0] = Number(revision);
  bytes[1] = subAuthorities.length;
  bytes.writeUIntBE(Number(authority), 2, 6);
  subAuthorities.forEach((value, i) => bytes.writeUInt32LE(Number(value), 8 + 4 * i));
  return bytes;
}
