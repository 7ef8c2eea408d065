/**
 * Every koffi declaration of the package, and the only module that imports koffi.
 *
 * The prototypes are C-style, with the parameter names of the Windows documentation. Handles and pointers are
 * BigInt values (koffi 3), or null for NULL. Nothing is loaded at import: `getKernel32()` loads kernel32.dll on the
 * first call, so that importing the package on Linux or macOS never throws.
 *
 * Koffi preserves the thread's last-error value across its own work (it parks it in the TEB between calls), so
 * calling the declared `GetLastError` right after a call returns that call's error. `koffi.errno()` is the C
 * runtime's errno, never the Win32 last error, and is not used.
 */
import { createRequire } from 'node:module';
import { built, sourceRequire } from '../core/package-require.js';
import { PlatformNotSupportedError } from '../errors.js';

/** A kernel object handle (HANDLE), or null for NULL. */
export type HANDLE = bigint | null;
/** An address in this process (LPVOID), or null for NULL. */
export type LPVOID = bigint | null;

/** SYSTEM_INFO, as filled by GetSystemInfo. */
export interface SYSTEM_INFO {
  /** The processor architecture (PROCESSOR_ARCHITECTURE_AMD64: 9). */
  wProcessorArchitecture: number;
  /** Reserved. */
  wReserved: number;
  /** The page size: the granularity of page protection (4096 on x64). */
  dwPageSize: number;
  /** The lowest address a view or allocation can have. */
  lpMinimumApplicationAddress: bigint;
  /** The highest address a view or allocation can have. */
  lpMaximumApplicationAddress: bigint;
  /** One bit per processor configured into the system. */
  dwActiveProcessorMask: number | bigint;
  /** The number of logical processors in the current group. */
  dwNumberOfProcessors: number;
  /** Obsolete: kept for compatibility (see wProcessorArchitecture). */
  dwProcessorType: number;
  /** The granularity of views' base addresses and offsets (65536 on x64). */
  dwAllocationGranularity: number;
  /** The architecture-dependent processor level. */
  wProcessorLevel: number;
  /** The architecture-dependent processor revision. */
  wProcessorRevision: number;
}

/** MEMORY_BASIC_INFORMATION, as filled by VirtualQuery. */
export interface MEMORY_BASIC_INFORMATION {
  /** The start of the region of pages (VirtualQuery rounds the address asked for down to a page). */
  BaseAddress: bigint;
  /** The start of the allocation (the view, for a mapped view) the region belongs to. */
  AllocationBase: bigint | null;
  /** The protection the allocation was made with (PAGE_*). */
  AllocationProtect: number;
  /** The partition the memory belongs to. */
  PartitionId: number;
  /** The size of the region, from BaseAddress, of pages with the same attributes. */
  RegionSize: number | bigint;
  /** MEM_COMMIT, MEM_RESERVE or MEM_FREE. */
  State: number;
  /** The pages' current protection (PAGE_*). */
  Protect: number;
  /** MEM_IMAGE, MEM_MAPPED or MEM_PRIVATE. */
  Type: number;
}

/** The kernel32 functions the package calls, typed. Fakes in the unit tests implement the same interface. */
export interface Kernel32 {
  CreateFileMappingW(
    hFile: HANDLE,
    lpFileMappingAttributes: LPVOID | Uint8Array,
    flProtect: number,
    dwMaximumSizeHigh: number,
    dwMaximumSizeLow: number,
    lpName: string | null,
  ): HANDLE;
  OpenFileMappingW(dwDesiredAccess: number, bInheritHandle: boolean, lpName: string): HANDLE;
  MapViewOfFile(
    hFileMappingObject: HANDLE,
    dwDesiredAccess: number,
    dwFileOffsetHigh: number,
    dwFileOffsetLow: number,
    dwNumberOfBytesToMap: number | bigint,
  ): LPVOID;
  MapViewOfFileEx(
    hFileMappingObject: HANDLE,
    dwDesiredAccess: number,
    dwFileOffsetHigh: number,
    dwFileOffsetLow: number,
    dwNumberOfBytesToMap: number | bigint,
    lpBaseAddress: LPVOID,
  ): LPVOID;
  UnmapViewOfFile(lpBaseAddress: LPVOID): boolean;
  FlushViewOfFile(lpBaseAddress: LPVOID, dwNumberOfBytesToFlush: number | bigint): boolean;
  CloseHandle(hObject: HANDLE): boolean;
  GetLastError(): number;
  SetLastError(dwErrCode: number): void;
  FormatMessageW(dwFlags: number, lpSource: LPVOID, dwMessageId: number, dwLanguageId: number, lpBuffer: Buffer, nSize: number, Arguments: LPVOID): number;
  GetSystemInfo(lpSystemInfo: Partial<SYSTEM_INFO>): void;
  VirtualQuery(lpAddress: LPVOID, lpBuffer: Partial<MEMORY_BASIC_INFORMATION>, dwLength: number): number | bigint;
  VirtualAlloc(lpAddress: LPVOID, dwSize: number | bigint, flAllocationType: number, flProtect: number): LPVOID;
  VirtualFree(lpAddress: LPVOID, dwSize: number | bigint, dwFreeType: number): boolean;
  CreateFileW(
    lpFileName: string,
    dwDesiredAccess: number,
    dwShareMode: number,
    lpSecurityAttributes: LPVOID | Uint8Array,
    dwCreationDisposition: number,
    dwFlagsAndAttributes: number,
    hTemplateFile: HANDLE,
  ): HANDLE;
  /** lpFileSize is a one-element array that receives the size. */
  GetFileSizeEx(hFile: HANDLE, lpFileSize: [number | bigint]): boolean;
  FlushFileBuffers(hFile: HANDLE): boolean;
  DeleteFileW(lpFileName: string): boolean;
  GetLargePageMinimum(): number | bigint;
  GetCurrentProcess(): HANDLE;
  GetCurrentProcessId(): number;
  OpenProcess(dwDesiredAccess: number, bInheritHandle: boolean, dwProcessId: number): HANDLE;
  GetCurrentThreadId(): number;
  OpenThread(dwDesiredAccess: number, bInheritHandle: boolean, dwThreadId: number): HANDLE;
  /** pdwHandleCount is a one-element array that receives the count. */
  GetProcessHandleCount(hProcess: HANDLE, pdwHandleCount: [number]): boolean;
  CreateEventW(lpEventAttributes: LPVOID | Uint8Array, bManualReset: boolean, bInitialState: boolean, lpName: string | null): HANDLE;
  OpenEventW(dwDesiredAccess: number, bInheritHandle: boolean, lpName: string): HANDLE;
  SetEvent(hEvent: HANDLE): boolean;
  ResetEvent(hEvent: HANDLE): boolean;
  WaitForSingleObject(hHandle: HANDLE, dwMilliseconds: number): number;
  WaitForMultipleObjects(nCount: number, lpHandles: readonly bigint[], bWaitAll: boolean, dwMilliseconds: number): number;
  CreateMutexW(lpMutexAttributes: LPVOID | Uint8Array, bInitialOwner: boolean, lpName: string | null): HANDLE;
  OpenMutexW(dwDesiredAccess: number, bInheritHandle: boolean, lpName: string): HANDLE;
  ReleaseMutex(hMutex: HANDLE): boolean;
  CreateSemaphoreW(lpSemaphoreAttributes: LPVOID | Uint8Array, lInitialCount: number, lMaximumCount: number, lpName: string | null): HANDLE;
  OpenSemaphoreW(dwDesiredAccess: number, bInheritHandle: boolean, lpName: string): HANDLE;
  /** lpPreviousCount is a one-element array that receives the count before the release, or null. */
  ReleaseSemaphore(hSemaphore: HANDLE, lReleaseCount: number, lpPreviousCount: [number] | null): boolean;

  // An object's owner and the process's token (advapi32, except LocalAlloc).
  /**
   * Returns a Win32 error code itself (ERROR_SUCCESS on success), not through GetLastError. Each out parameter is a
   * one-element array or null; ppSecurityDescriptor receives the descriptor to free with LocalFree, into which the
   * owner, group and ACL pointers point.
   */
  GetSecurityInfo(
    handle: HANDLE,
    ObjectType: number,
    SecurityInfo: number,
    ppsidOwner: [LPVOID] | null,
    ppsidGroup: [LPVOID] | null,
    ppDacl: [LPVOID] | null,
    ppSacl: [LPVOID] | null,
    ppSecurityDescriptor: [LPVOID] | null,
  ): number;
  /** TokenHandle is a one-element array that receives the token, to close with CloseHandle. */
  OpenProcessToken(ProcessHandle: HANDLE, DesiredAccess: number, TokenHandle: [HANDLE]): boolean;
  /**
   * TokenInformation is memory the structure is written to (an address from LocalAlloc: the structure's pointers
   * point into it); ReturnLength a one-element array that receives the bytes needed.
   */
  GetTokenInformation(
    TokenHandle: HANDLE,
    TokenInformationClass: number,
    TokenInformation: LPVOID,
    TokenInformationLength: number,
    ReturnLength: [number],
  ): boolean;
  GetLengthSid(pSid: LPVOID): number;
  /** Name and ReferencedDomainName are Buffers of cchName and cchReferencedDomainName UTF-16 characters. */
  LookupAccountSidW(
    lpSystemName: string | null,
    Sid: LPVOID,
    Name: Buffer,
    cchName: [number],
    ReferencedDomainName: Buffer,
    cchReferencedDomainName: [number],
    peUse: [number],
  ): boolean;
  LocalAlloc(uFlags: number, uBytes: number | bigint): LPVOID;

  /** advapi32. SecurityDescriptor is a one-element array that receives the descriptor, to free with LocalFree. */
  ConvertStringSecurityDescriptorToSecurityDescriptorW(
    StringSecurityDescriptor: string,
    StringSDRevision: number,
    SecurityDescriptor: [bigint | null],
    SecurityDescriptorSize: null,
  ): boolean;
  LocalFree(hMem: LPVOID): LPVOID;
  /** Copies Length bytes (memcpy/memmove); an address is a bigint, a Buffer stands for its own memory. */
  RtlMoveMemory(Destination: bigint | Uint8Array, Source: bigint | Uint8Array, Length: number): void;
  /** lpflOldProtect is a one-element array that receives the previous protection. */
  VirtualProtect(lpAddress: LPVOID, dwSize: number | bigint, flNewProtect: number, lpflOldProtect: [number]): boolean;
  FlushInstructionCache(hProcess: HANDLE, lpBaseAddress: LPVOID, dwSize: number | bigint): boolean;

  /**
   * Not kernel32: a function calling the machine code at `address` with the Windows x64 convention (koffi.decode of
   * a function pointer). `result` and `parameters` are koffi type names.
   */
  functionAt(address: bigint, result: string, parameters: readonly string[]): (...args: unknown[]) => unknown;

  /** Not kernel32: an ArrayBuffer over `length` bytes at `address`, without copy (koffi.view). */
  viewMemory(address: bigint, length: number): ArrayBuffer;
  /** sizeof(MEMORY_BASIC_INFORMATION), for VirtualQuery's dwLength. */
  readonly sizeofMemoryBasicInformation: number;
}

type Koffi = typeof import('koffi');

let loaded: Kernel32 | undefined;
let override: Kernel32 | undefined;

/** The kernel32 functions, or a PlatformNotSupportedError off Windows (or the fake a unit test installed). */
export function kernel32(): Kernel32 {
  if (override) return override;
  if (process.platform !== 'win32') {
    throw new PlatformNotSupportedError(process.platform, {
      option: 'filemapping/win32',
      reason:
        "it is kernel32's own API, which exists on Windows only: use the idiomatic layer ('filemapping'), the same on every OS, or on Linux the raw layer filemapping/posix",
    });
  }
  return getKernel32();
}

/** @internal Installs a fake kernel32 for unit tests; `undefined` restores the real one. */
export function setKernel32ForTesting(fake: Kernel32 | undefined): void {
  override = fake;
}

/** Loads kernel32.dll and declares its functions, once. Call only on Windows. */
export function getKernel32(): Kernel32 {
  // A lazy require keeps koffi (and its native binary) out of the import graph until Windows code runs.
  // A literal require() in the built package: a bundler keeps koffi external as told (it must: a native module).
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy, and visible to bundlers
  loaded ??= declareKernel32((built ? require('koffi') : sourceRequire()('koffi')) as Koffi);
  return loaded;
}

/**
 * The file koffi is loaded from, for a wait thread: its code is evaluated from a string (no file of the package is
 * looked up at run time), and such a thread's own require() resolves from the working directory, not from here.
 */
export function koffiPath(): string {
  return built ? require.resolve('koffi') : sourceRequire().resolve('koffi');
}

/** kernel32 declared through the koffi at `path` (koffiPath() of the main thread): for a wait thread. */
export function loadKernel32(path: string): Kernel32 {
  loaded ??= declareKernel32(createRequire(path)(path) as Koffi);
  return loaded;
}

function declareKernel32(koffi: Koffi): Kernel32 {
  const lib = koffi.load('kernel32.dll');

  // koffi's type names are global to the process. Another copy of this package (its CJS and ESM builds loaded
  // side by side, or two versions in one tree) declares the same Win32 types: reuse a type that already has the
  // name, after checking that it has the layout the prototypes below assume.
  const declare = (name: string, size: number, make: () => unknown): void => {
    let existing: unknown;
    try {
      existing = koffi.type(name);
    } catch {
      make();
      return;
    }
    if (koffi.sizeof(existing as Parameters<typeof koffi.sizeof>[0]) !== size) {
      throw new Error(`koffi already has a type named ${name} of another size: filemapping cannot declare kernel32`);
    }
  };
  declare('HANDLE', 8, () => koffi.pointer('HANDLE', koffi.opaque()));
  declare('MEMORY_BASIC_INFORMATION', 48, () =>
    koffi.struct('MEMORY_BASIC_INFORMATION', {
      BaseAddress: 'void *',
      AllocationBase: 'void *',
      AllocationProtect: 'uint32_t',
      PartitionId: 'uint16_t',
      RegionSize: 'size_t',
      State: 'uint32_t',
      Protect: 'uint32_t',
      Type: 'uint32_t',
    }),
  );
  declare('SYSTEM_INFO', 48, () =>
    koffi.struct('SYSTEM_INFO', {
      wProcessorArchitecture: 'uint16_t',
      wReserved: 'uint16_t',
      dwPageSize: 'uint32_t',
      lpMinimumApplicationAddress: 'void *',
      lpMaximumApplicationAddress: 'void *',
      dwActiveProcessorMask: 'uintptr_t',
      dwNumberOfProcessors: 'uint32_t',
      dwProcessorType: 'uint32_t',
      dwAllocationGranularity: 'uint32_t',
      wProcessorLevel: 'uint16_t',
      wProcessorRevision: 'uint16_t',
    }),
  );

  const fn = (prototype: string) => lib.func(prototype);
  const advapi32 = koffi.load('advapi32.dll');
  return {
    CreateFileMappingW: fn(
      'HANDLE __stdcall CreateFileMappingW(HANDLE hFile, void *lpFileMappingAttributes, uint32_t flProtect, uint32_t dwMaximumSizeHigh, uint32_t dwMaximumSizeLow, const char16_t *lpName)',
    ),
    OpenFileMappingW: fn('HANDLE __stdcall OpenFileMappingW(uint32_t dwDesiredAccess, bool bInheritHandle, const char16_t *lpName)'),
    MapViewOfFile: fn(
      'void * __stdcall MapViewOfFile(HANDLE hFileMappingObject, uint32_t dwDesiredAccess, uint32_t dwFileOffsetHigh, uint32_t dwFileOffsetLow, size_t dwNumberOfBytesToMap)',
    ),
    MapViewOfFileEx: fn(
      'void * __stdcall MapViewOfFileEx(HANDLE hFileMappingObject, uint32_t dwDesiredAccess, uint32_t dwFileOffsetHigh, uint32_t dwFileOffsetLow, size_t dwNumberOfBytesToMap, void *lpBaseAddress)',
    ),
    UnmapViewOfFile: fn('bool __stdcall UnmapViewOfFile(void *lpBaseAddress)'),
    FlushViewOfFile: fn('bool __stdcall FlushViewOfFile(void *lpBaseAddress, size_t dwNumberOfBytesToFlush)'),
    CloseHandle: fn('bool __stdcall CloseHandle(HANDLE hObject)'),
    GetLastError: fn('uint32_t __stdcall GetLastError()'),
    SetLastError: fn('void __stdcall SetLastError(uint32_t dwErrCode)'),
    FormatMessageW: fn(
      'uint32_t __stdcall FormatMessageW(uint32_t dwFlags, void *lpSource, uint32_t dwMessageId, uint32_t dwLanguageId, _Out_ void *lpBuffer, uint32_t nSize, void *Arguments)',
    ),
    GetSystemInfo: fn('void __stdcall GetSystemInfo(_Out_ SYSTEM_INFO *lpSystemInfo)'),
    VirtualQuery: fn('size_t __stdcall VirtualQuery(void *lpAddress, _Out_ MEMORY_BASIC_INFORMATION *lpBuffer, size_t dwLength)'),
    VirtualAlloc: fn('void * __stdcall VirtualAlloc(void *lpAddress, size_t dwSize, uint32_t flAllocationType, uint32_t flProtect)'),
    VirtualFree: fn('bool __stdcall VirtualFree(void *lpAddress, size_t dwSize, uint32_t dwFreeType)'),
    CreateFileW: fn(
      'HANDLE __stdcall CreateFileW(const char16_t *lpFileName, uint32_t dwDesiredAccess, uint32_t dwShareMode, void *lpSecurityAttributes, uint32_t dwCreationDisposition, uint32_t dwFlagsAndAttributes, HANDLE hTemplateFile)',
    ),
    GetFileSizeEx: fn('bool __stdcall GetFileSizeEx(HANDLE hFile, _Out_ int64_t *lpFileSize)'),
    FlushFileBuffers: fn('bool __stdcall FlushFileBuffers(HANDLE hFile)'),
    DeleteFileW: fn('bool __stdcall DeleteFileW(const char16_t *lpFileName)'),
    GetLargePageMinimum: fn('size_t __stdcall GetLargePageMinimum()'),
    GetCurrentProcess: fn('HANDLE __stdcall GetCurrentProcess()'),
    GetCurrentProcessId: fn('uint32_t __stdcall GetCurrentProcessId()'),
    OpenProcess: fn('HANDLE __stdcall OpenProcess(uint32_t dwDesiredAccess, bool bInheritHandle, uint32_t dwProcessId)'),
    GetCurrentThreadId: fn('uint32_t __stdcall GetCurrentThreadId()'),
    OpenThread: fn('HANDLE __stdcall OpenThread(uint32_t dwDesiredAccess, bool bInheritHandle, uint32_t dwThreadId)'),
    GetProcessHandleCount: fn('bool __stdcall GetProcessHandleCount(HANDLE hProcess, _Out_ uint32_t *pdwHandleCount)'),
    CreateEventW: fn('HANDLE __stdcall CreateEventW(void *lpEventAttributes, bool bManualReset, bool bInitialState, const char16_t *lpName)'),
    OpenEventW: fn('HANDLE __stdcall OpenEventW(uint32_t dwDesiredAccess, bool bInheritHandle, const char16_t *lpName)'),
    SetEvent: fn('bool __stdcall SetEvent(HANDLE hEvent)'),
    ResetEvent: fn('bool __stdcall ResetEvent(HANDLE hEvent)'),
    WaitForSingleObject: fn('uint32_t __stdcall WaitForSingleObject(HANDLE hHandle, uint32_t dwMilliseconds)'),
    GetSecurityInfo: advapi32.func(
      'uint32_t __stdcall GetSecurityInfo(HANDLE handle, int ObjectType, uint32_t SecurityInfo, _Out_ void **ppsidOwner, _Out_ void **ppsidGroup, _Out_ void **ppDacl, _Out_ void **ppSacl, _Out_ void **ppSecurityDescriptor)',
    ),
    OpenProcessToken: advapi32.func('bool __stdcall OpenProcessToken(HANDLE ProcessHandle, uint32_t DesiredAccess, _Out_ HANDLE *TokenHandle)'),
    GetTokenInformation: advapi32.func(
      'bool __stdcall GetTokenInformation(HANDLE TokenHandle, int TokenInformationClass, void *TokenInformation, uint32_t TokenInformationLength, _Out_ uint32_t *ReturnLength)',
    ),
    GetLengthSid: advapi32.func('uint32_t __stdcall GetLengthSid(void *pSid)'),
    LookupAccountSidW: advapi32.func(
      'bool __stdcall LookupAccountSidW(const char16_t *lpSystemName, void *Sid, _Out_ void *Name, _Inout_ uint32_t *cchName, _Out_ void *ReferencedDomainName, _Inout_ uint32_t *cchReferencedDomainName, _Out_ int *peUse)',
    ),
    LocalAlloc: fn('void * __stdcall LocalAlloc(uint32_t uFlags, size_t uBytes)'),
    ConvertStringSecurityDescriptorToSecurityDescriptorW: advapi32.func(
      'bool __stdcall ConvertStringSecurityDescriptorToSecurityDescriptorW(const char16_t *StringSecurityDescriptor, uint32_t StringSDRevision, _Out_ void **SecurityDescriptor, uint32_t *SecurityDescriptorSize)',
    ),
    LocalFree: fn('void * __stdcall LocalFree(void *hMem)'),
    RtlMoveMemory: fn('void __stdcall RtlMoveMemory(void *Destination, const void *Source, size_t Length)'),
    WaitForMultipleObjects: fn('uint32_t __stdcall WaitForMultipleObjects(uint32_t nCount, const HANDLE *lpHandles, bool bWaitAll, uint32_t dwMilliseconds)'),
    CreateMutexW: fn('HANDLE __stdcall CreateMutexW(void *lpMutexAttributes, bool bInitialOwner, const char16_t *lpName)'),
    OpenMutexW: fn('HANDLE __stdcall OpenMutexW(uint32_t dwDesiredAccess, bool bInheritHandle, const char16_t *lpName)'),
    ReleaseMutex: fn('bool __stdcall ReleaseMutex(HANDLE hMutex)'),
    CreateSemaphoreW: fn(
      'HANDLE __stdcall CreateSemaphoreW(void *lpSemaphoreAttributes, int32_t lInitialCount, int32_t lMaximumCount, const char16_t *lpName)',
    ),
    OpenSemaphoreW: fn('HANDLE __stdcall OpenSemaphoreW(uint32_t dwDesiredAccess, bool bInheritHandle, const char16_t *lpName)'),
    ReleaseSemaphore: fn('bool __stdcall ReleaseSemaphore(HANDLE hSemaphore, int32_t lReleaseCount, _Out_ int32_t *lpPreviousCount)'),

    VirtualProtect: fn('bool __stdcall VirtualProtect(void *lpAddress, size_t dwSize, uint32_t flNewProtect, _Out_ uint32_t *lpflOldProtect)'),
    FlushInstructionCache: fn('bool __stdcall FlushInstructionCache(HANDLE hProcess, void *lpBaseAddress, size_t dwSize)'),

    viewMemory: (address, length) => koffi.view(address, length),
    // An anonymous prototype: koffi's type names are global to the process, and another copy of the package may
    // declare the same functions.
    functionAt: (address, result, parameters) => koffi.decode(address, koffi.proto(null, result, [...parameters])) as (...args: unknown[]) => unknown,
    sizeofMemoryBasicInformation: koffi.sizeof('MEMORY_BASIC_INFORMATION'),
  } as Kernel32;
}
