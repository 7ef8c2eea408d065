/**
 * `filemapping/win32`: the raw layer. kernel32's functions under their Win32 names, with their Win32 parameters,
 * and the SDK's constants, so that a C sample translates line by line:
 *
 * ```ts
 * const h = CreateFileMappingW(INVALID_HANDLE_VALUE, null, PAGE_READWRITE, 0, 1024, 'Local\\MyFileMapping');
 * if (h === null) throw new Error(`CreateFileMappingW: ${GetLastError()}`);
 * ```
 *
 * Handles and pointers are bigint, NULL is null, and failures are reported as in C (a null handle, `false`, with
 * GetLastError); nothing closes what you open here. What the layer adds is argument checking: koffi does not
 * range-check integers, so every argument is validated (DWORDs in 0..2^32-1, sizes in 0..2^64-1, handles as
 * bigint, strings without NUL) and a bad one throws a FileMappingValidationError before the call.
 */
import { constants as bufferConstants } from 'node:buffer';
import type { z } from 'zod';
import { MAX_UINT64 } from '../core/uint64.js';
import { FileMappingValidationError, validationErrorFromZod } from '../errors.js';
import { systemMessage } from './errors.js';
import { kernel32, type Kernel32, type MEMORY_BASIC_INFORMATION } from './kernel32.js';
import { checkedFunction, fits, type Relation } from '../core/raw-call.js';
import { lazy, zod } from '../core/zod.js';
import { FORMAT_MESSAGE_ALLOCATE_BUFFER, SIZEOF_SECURITY_ATTRIBUTES } from './constants.js';

export * from './constants.js';
export type { HANDLE, LPVOID, MEMORY_BASIC_INFORMATION, SYSTEM_INFO } from './kernel32.js';

/** The parameters' types, built on the first call (see zod.ts: importing the raw layer loads no zod). */
const types = lazy(() => {
  const z = zod();
  const pointer = z.bigint({ error: 'Expected a bigint handle or pointer, or null' }).min(0n).max(MAX_UINT64).nullable();
  const dword = z.number({ error: 'Expected a DWORD: an integer from 0 to 4294967295' }).int().min(0).max(0xffff_ffff);
  const sizeT = z.union([z.number().int().min(0).max(Number.MAX_SAFE_INTEGER), z.bigint().min(0n).max(MAX_UINT64)], {
    error: 'Expected a SIZE_T: a non-negative integer (number or bigint)',
  });
  const bool = z.boolean({ error: 'Expected a boolean' });
  const wideString = z.string({ error: 'Expected a string' }).refine((s) => !s.includes('\0'), {
    error: 'Must not contain a NUL character (it would end the string early)',
  });
  /** A SECURITY_ATTRIBUTES argument: NULL, a pointer, or a Buffer holding the whole structure. */
  const attributes = z.union(
    [
      pointer,
      z.instanceof(Uint8Array).refine((bytes) => bytes.byteLength >= SIZEOF_SECURITY_ATTRIBUTES, {
        error: `A Buffer holding SECURITY_ATTRIBUTES must have at least ${SIZEOF_SECURITY_ATTRIBUTES} bytes (sizeof(SECURITY_ATTRIBUTES) on x64)`,
      }),
    ],
    { error: 'Expected NULL, a bigint pointer or a Buffer holding SECURITY_ATTRIBUTES' },
  );
  const outObject = z.record(z.string(), z.unknown(), { error: 'Expected an object to fill' });
  const outCell = z.tuple([z.union([z.number(), z.bigint()])], { error: 'Expected a one-element array to fill, e.g. [0]' });
  const outBuffer = z.instanceof(Buffer, { error: 'Expected a Buffer' });
  const long = z.number({ error: 'Expected a LONG: an integer from 0 to 2147483647' }).int().min(0).max(0x7fff_ffff);
  /** A one-element array a function writes a pointer or handle into, e.g. [null]. */
  const outPointer = z.tuple([pointer], { error: 'Expected a one-element array to fill, e.g. [null]' });
  const sidPointer = z.bigint({ error: 'Expected a SID pointer: a bigint, not NULL' }).min(1n, { error: 'Expected a SID pointer, not NULL' }).max(MAX_UINT64);
  const memoryArgument = z.union([pointer.unwrap().min(1n, { error: 'Expected a pointer, not NULL' }), z.instanceof(Uint8Array)], {
    error: 'Expected a bigint pointer (not NULL) or a Buffer/Uint8Array',
  });
  const moveMemory = z
    .tuple([memoryArgument, memoryArgument, z.number({ error: 'Expected a number of bytes' }).int().min(0).max(Number.MAX_SAFE_INTEGER)])
    .superRefine(([destination, source, length], context) => {
      for (const [side, name] of [
        [destination, 'Destination'],
        [source, 'Source'],
      ] as const) {
        if (side instanceof Uint8Array && length > side.byteLength) {
          context.addIssue({ code: 'custom', path: [2], message: `${length} bytes is more than ${name} holds (${side.byteLength} bytes)` });
        }
      }
    });
  const bufferAtArguments = z.tuple([pointer.unwrap().min(1n), z.number().int().min(1).max(bufferConstants.MAX_LENGTH)]);
  return { z, pointer, dword, sizeT, bool, wideString, attributes, outObject, outCell, outBuffer, long, outPointer, sidPointer, moveMemory, bufferAtArguments };
});
type Types = ReturnType<typeof types>;

/**
 * Wraps a kernel32 function so that its arguments, named as in the Windows documentation, are checked first, then
 * `relation` between them (see core/raw-call.ts).
 */
function checked<Name extends keyof Kernel32>(name: Name, parameters: (t: Types) => Record<string, z.ZodType>, relation?: Relation): Kernel32[Name] {
  return checkedFunction<Kernel32[Name]>(
    name,
    () => parameters(types()),
    () => kernel32()[name] as (...args: unknown[]) => unknown,
    relation,
  );
}

/** `count` UTF-16 characters must fit in `buffer`. */
const fitsCharacters = (buffer: unknown, count: number, index: number, bufferName: string) => fits(buffer, count, 2, index, bufferName);

/** Win32's `CreateFileMappingW`, its arguments checked before the call (see the module comment). */
export const CreateFileMappingW = checked('CreateFileMappingW', (t) => ({
  hFile: t.pointer,
  lpFileMappingAttributes: t.attributes,
  flProtect: t.dword,
  dwMaximumSizeHigh: t.dword,
  dwMaximumSizeLow: t.dword,
  lpName: t.wideString.nullable(),
}));
/** Win32's `OpenFileMappingW`, its arguments checked before the call (see the module comment). */
export const OpenFileMappingW = checked('OpenFileMappingW', (t) => ({ dwDesiredAccess: t.dword, bInheritHandle: t.bool, lpName: t.wideString }));
/** Win32's `MapViewOfFile`, its arguments checked before the call (see the module comment). */
export const MapViewOfFile = checked('MapViewOfFile', (t) => ({
  hFileMappingObject: t.pointer,
  dwDesiredAccess: t.dword,
  dwFileOffsetHigh: t.dword,
  dwFileOffsetLow: t.dword,
  dwNumberOfBytesToMap: t.sizeT,
}));
/** Win32's `MapViewOfFileEx`, its arguments checked before the call (see the module comment). */
export const MapViewOfFileEx = checked('MapViewOfFileEx', (t) => ({
  hFileMappingObject: t.pointer,
  dwDesiredAccess: t.dword,
  dwFileOffsetHigh: t.dword,
  dwFileOffsetLow: t.dword,
  dwNumberOfBytesToMap: t.sizeT,
  lpBaseAddress: t.pointer,
}));
/** Win32's `UnmapViewOfFile`, its arguments checked before the call (see the module comment). */
export const UnmapViewOfFile = checked('UnmapViewOfFile', (t) => ({ lpBaseAddress: t.pointer }));
/** Win32's `FlushViewOfFile`, its arguments checked before the call (see the module comment). */
export const FlushViewOfFile = checked('FlushViewOfFile', (t) => ({ lpBaseAddress: t.pointer, dwNumberOfBytesToFlush: t.sizeT }));
/** Win32's `CloseHandle`, its arguments checked before the call (see the module comment). */
export const CloseHandle = checked('CloseHandle', (t) => ({ hObject: t.pointer }));
/** Win32's `GetLastError`, its arguments checked before the call (see the module comment). */
export const GetLastError = checked('GetLastError', () => ({}));
/** Win32's `SetLastError`, its arguments checked before the call (see the module comment). */
export const SetLastError = checked('SetLastError', (t) => ({ dwErrCode: t.dword }));
/** Win32's `FormatMessageW`, its arguments checked before the call (see the module comment). */
export const FormatMessageW = checked(
  'FormatMessageW',
  (t) => ({ dwFlags: t.dword, lpSource: t.pointer, dwMessageId: t.dword, dwLanguageId: t.dword, lpBuffer: t.outBuffer, nSize: t.dword, Arguments: t.pointer }),
  ([dwFlags, , , , lpBuffer, nSize]) => {
    // With FORMAT_MESSAGE_ALLOCATE_BUFFER the system writes a pointer to the memory it allocates into lpBuffer.
    if (((dwFlags as number) & FORMAT_MESSAGE_ALLOCATE_BUFFER) !== 0) {
      return (lpBuffer as Buffer).length < 8 ? [[4, 'With FORMAT_MESSAGE_ALLOCATE_BUFFER it receives a pointer: it needs 8 bytes']] : [];
    }
    return fitsCharacters(lpBuffer, nSize as number, 5, 'lpBuffer');
  },
);
/** Win32's `GetSystemInfo`, its arguments checked before the call (see the module comment). */
export const GetSystemInfo = checked('GetSystemInfo', (t) => ({ lpSystemInfo: t.outObject }));
/** Win32's `VirtualAlloc`, its arguments checked before the call (see the module comment). */
export const VirtualAlloc = checked('VirtualAlloc', (t) => ({ lpAddress: t.pointer, dwSize: t.sizeT, flAllocationType: t.dword, flProtect: t.dword }));
/** Win32's `VirtualFree`, its arguments checked before the call (see the module comment). */
export const VirtualFree = checked('VirtualFree', (t) => ({ lpAddress: t.pointer, dwSize: t.sizeT, dwFreeType: t.dword }));
/** Win32's `VirtualProtect`, its arguments checked before the call (see the module comment). */
export const VirtualProtect = checked('VirtualProtect', (t) => ({ lpAddress: t.pointer, dwSize: t.sizeT, flNewProtect: t.dword, lpflOldProtect: t.outCell }));
/** Win32's `FlushInstructionCache`, its arguments checked before the call (see the module comment). */
export const FlushInstructionCache = checked('FlushInstructionCache', (t) => ({ hProcess: t.pointer, lpBaseAddress: t.pointer, dwSize: t.sizeT }));
/** Win32's `CreateFileW`, its arguments checked before the call (see the module comment). */
export const CreateFileW = checked('CreateFileW', (t) => ({
  lpFileName: t.wideString,
  dwDesiredAccess: t.dword,
  dwShareMode: t.dword,
  lpSecurityAttributes: t.attributes,
  dwCreationDisposition: t.dword,
  dwFlagsAndAttributes: t.dword,
  hTemplateFile: t.pointer,
}));
/** Win32's `GetFileSizeEx`, its arguments checked before the call (see the module comment). */
export const GetFileSizeEx = checked('GetFileSizeEx', (t) => ({ hFile: t.pointer, lpFileSize: t.outCell }));
/** Win32's `FlushFileBuffers`, its arguments checked before the call (see the module comment). */
export const FlushFileBuffers = checked('FlushFileBuffers', (t) => ({ hFile: t.pointer }));
/** Win32's `DeleteFileW`, its arguments checked before the call (see the module comment). */
export const DeleteFileW = checked('DeleteFileW', (t) => ({ lpFileName: t.wideString }));
/** Win32's `GetLargePageMinimum`, its arguments checked before the call (see the module comment). */
export const GetLargePageMinimum = checked('GetLargePageMinimum', () => ({}));
/** Win32's `GetCurrentProcess`, its arguments checked before the call (see the module comment). */
export const GetCurrentProcess = checked('GetCurrentProcess', () => ({}));
/** Win32's `GetCurrentProcessId`, its arguments checked before the call (see the module comment). */
export const GetCurrentProcessId = checked('GetCurrentProcessId', () => ({}));
/** Win32's `ConvertStringSecurityDescriptorToSecurityDescriptorW`, its arguments checked before the call (see the module comment). */
export const ConvertStringSecurityDescriptorToSecurityDescriptorW = checked('ConvertStringSecurityDescriptorToSecurityDescriptorW', (t) => ({
  StringSecurityDescriptor: t.wideString,
  StringSDRevision: t.dword,
  SecurityDescriptor: t.z.tuple([t.pointer], { error: 'Expected a one-element array to fill, e.g. [null]' }),
  SecurityDescriptorSize: t.z.null({ error: 'Pass null' }),
}));
/** Win32's `LocalFree`, its arguments checked before the call (see the module comment). */
export const LocalFree = checked('LocalFree', (t) => ({ hMem: t.pointer }));
/** Win32's `OpenProcess`, its arguments checked before the call (see the module comment). */
export const OpenProcess = checked('OpenProcess', (t) => ({ dwDesiredAccess: t.dword, bInheritHandle: t.bool, dwProcessId: t.dword }));
/** Win32's `GetCurrentThreadId`, its arguments checked before the call (see the module comment). */
export const GetCurrentThreadId = checked('GetCurrentThreadId', () => ({}));
/** Win32's `OpenThread`, its arguments checked before the call (see the module comment). */
export const OpenThread = checked('OpenThread', (t) => ({ dwDesiredAccess: t.dword, bInheritHandle: t.bool, dwThreadId: t.dword }));
/** Win32's `GetProcessHandleCount`, its arguments checked before the call (see the module comment). */
export const GetProcessHandleCount = checked('GetProcessHandleCount', (t) => ({ hProcess: t.pointer, pdwHandleCount: t.outCell }));
/** Win32's `CreateEventW`, its arguments checked before the call (see the module comment). */
export const CreateEventW = checked('CreateEventW', (t) => ({
  lpEventAttributes: t.attributes,
  bManualReset: t.bool,
  bInitialState: t.bool,
  lpName: t.wideString.nullable(),
}));
/** Win32's `OpenEventW`, its arguments checked before the call (see the module comment). */
export const OpenEventW = checked('OpenEventW', (t) => ({ dwDesiredAccess: t.dword, bInheritHandle: t.bool, lpName: t.wideString }));
/** Win32's `SetEvent`, its arguments checked before the call (see the module comment). */
export const SetEvent = checked('SetEvent', (t) => ({ hEvent: t.pointer }));
/** Win32's `ResetEvent`, its arguments checked before the call (see the module comment). */
export const ResetEvent = checked('ResetEvent', (t) => ({ hEvent: t.pointer }));
/** Win32's `WaitForSingleObject`, its arguments checked before the call (see the module comment). */
export const WaitForSingleObject = checked('WaitForSingleObject', (t) => ({ hHandle: t.pointer, dwMilliseconds: t.dword }));
/** Win32's `WaitForMultipleObjects`, its arguments checked before the call (see the module comment). */
export const WaitForMultipleObjects = checked(
  'WaitForMultipleObjects',
  (t) => ({
    nCount: t.z
      .number({ error: 'Expected a DWORD' })
      .int({ error: 'Expected an integer' })
      .min(1, { error: 'At least 1 handle' })
      .max(64, { error: 'At most 64 handles (MAXIMUM_WAIT_OBJECTS)' }),
    lpHandles: t.z.array(t.pointer.unwrap(), { error: 'Expected an array of bigint handles' }).min(1).max(64),
    bWaitAll: t.bool,
    dwMilliseconds: t.dword,
  }),
  ([nCount, lpHandles]) => {
    const length = (lpHandles as readonly bigint[]).length;
    // The system reads nCount handles: past the array it would read whatever lies in memory there.
    return (nCount as number) > length ? [[0, `${String(nCount)} handles is more than lpHandles holds (${length})`]] : [];
  },
);
/** Win32's `CreateMutexW`, its arguments checked before the call (see the module comment). */
export const CreateMutexW = checked('CreateMutexW', (t) => ({ lpMutexAttributes: t.attributes, bInitialOwner: t.bool, lpName: t.wideString.nullable() }));
/** Win32's `OpenMutexW`, its arguments checked before the call (see the module comment). */
export const OpenMutexW = checked('OpenMutexW', (t) => ({ dwDesiredAccess: t.dword, bInheritHandle: t.bool, lpName: t.wideString }));
/** Win32's `ReleaseMutex`, its arguments checked before the call (see the module comment). */
export const ReleaseMutex = checked('ReleaseMutex', (t) => ({ hMutex: t.pointer }));
/** Win32's `CreateSemaphoreW`, its arguments checked before the call (see the module comment). */
export const CreateSemaphoreW = checked('CreateSemaphoreW', (t) => ({
  lpSemaphoreAttributes: t.attributes,
  lInitialCount: t.long,
  lMaximumCount: t.long,
  lpName: t.wideString.nullable(),
}));
/** Win32's `OpenSemaphoreW`, its arguments checked before the call (see the module comment). */
export const OpenSemaphoreW = checked('OpenSemaphoreW', (t) => ({ dwDesiredAccess: t.dword, bInheritHandle: t.bool, lpName: t.wideString }));
/** Win32's `ReleaseSemaphore`, its arguments checked before the call (see the module comment). */
export const ReleaseSemaphore = checked('ReleaseSemaphore', (t) => ({
  hSemaphore: t.pointer,
  lReleaseCount: t.long,
  lpPreviousCount: t.z.tuple([t.z.number()]).nullable(),
}));

// An object's owner and the process's token. GetSecurityInfo returns its error code instead of setting the last error.
/** Win32's `GetSecurityInfo`, its arguments checked before the call (see the module comment). */
export const GetSecurityInfo = checked('GetSecurityInfo', (t) => ({
  handle: t.pointer,
  ObjectType: t.dword,
  SecurityInfo: t.dword,
  ppsidOwner: t.outPointer.nullable(),
  ppsidGroup: t.outPointer.nullable(),
  ppDacl: t.outPointer.nullable(),
  ppSacl: t.outPointer.nullable(),
  ppSecurityDescriptor: t.outPointer.nullable(),
}));
/** Win32's `OpenProcessToken`, its arguments checked before the call (see the module comment). */
export const OpenProcessToken = checked('OpenProcessToken', (t) => ({ ProcessHandle: t.pointer, DesiredAccess: t.dword, TokenHandle: t.outPointer }));
/** Win32's `GetTokenInformation`, its arguments checked before the call (see the module comment). */
export const GetTokenInformation = checked('GetTokenInformation', (t) => ({
  TokenHandle: t.pointer,
  TokenInformationClass: t.dword,
  TokenInformation: t.pointer,
  TokenInformationLength: t.dword,
  ReturnLength: t.z.tuple([t.z.number()], { error: 'Expected a one-element array to fill, e.g. [0]' }),
}));
/** Win32's `GetLengthSid`, its arguments checked before the call (see the module comment). */
export const GetLengthSid = checked('GetLengthSid', (t) => ({ pSid: t.sidPointer }));
/** Win32's `LookupAccountSidW`, its arguments checked before the call (see the module comment). */
export const LookupAccountSidW = checked(
  'LookupAccountSidW',
  (t) => ({
    lpSystemName: t.wideString.nullable(),
    Sid: t.sidPointer,
    Name: t.outBuffer,
    cchName: t.z.tuple([t.dword], { error: 'Expected a one-element array holding the length of Name in characters' }),
    ReferencedDomainName: t.outBuffer,
    cchReferencedDomainName: t.z.tuple([t.dword], { error: 'Expected a one-element array holding the length of ReferencedDomainName in characters' }),
    peUse: t.z.tuple([t.z.number()], { error: 'Expected a one-element array to fill, e.g. [0]' }),
  }),
  ([, , Name, cchName, ReferencedDomainName, cchReferencedDomainName]) => [
    ...fitsCharacters(Name, (cchName as [number])[0], 3, 'Name'),
    ...fitsCharacters(ReferencedDomainName, (cchReferencedDomainName as [number])[0], 5, 'ReferencedDomainName'),
  ],
);
/** Win32's `LocalAlloc`, its arguments checked before the call (see the module comment). */
export const LocalAlloc = checked('LocalAlloc', (t) => ({ uFlags: t.dword, uBytes: t.sizeT }));

const virtualQuery = checked('VirtualQuery', (t) => ({ lpAddress: t.pointer, lpBuffer: t.outObject, dwLength: t.dword }));

/**
 * VirtualQuery. `dwLength` defaults to sizeof(MEMORY_BASIC_INFORMATION), which JavaScript cannot spell.
 * Returns the number of bytes written to `lpBuffer` (0 on failure).
 */
export function VirtualQuery(lpAddress: bigint | null, lpBuffer: Partial<MEMORY_BASIC_INFORMATION>, dwLength?: number): number | bigint {
  // The default length needs kernel32: the other arguments are checked first, so bad ones fail the same everywhere.
  if (dwLength === undefined) {
    const t = types();
    const parsed = t.z.tuple([t.pointer, t.outObject]).safeParse([lpAddress, lpBuffer]);
    if (!parsed.success) throw validationErrorFromZod('arguments to VirtualQuery', parsed.error);
  }
  return virtualQuery(lpAddress, lpBuffer, dwLength ?? kernel32().sizeofMemoryBasicInformation);
}

/** Not a Win32 function: the system's message for an error code (FormatMessageW with FORMAT_MESSAGE_FROM_SYSTEM). */
export function formatMessage(dwMessageId: number): string {
  const parsed = types().dword.safeParse(dwMessageId);
  if (!parsed.success) throw validationErrorFromZod('arguments to formatMessage', parsed.error);
  return systemMessage(kernel32(), parsed.data);
}

/**
 * RtlMoveMemory (C's CopyMemory and MoveMemory): copies Length bytes from Source to Destination, which may overlap.
 * Either side is a pointer (a view's address from MapViewOfFile) or a Buffer/Uint8Array, which must hold Length
 * bytes. What works where koffi.view() is forbidden (Electron): copy in and out of a view instead of a Buffer over
 * it. Unsafe with pointers, as in C: a read-only or unmapped address kills the process.
 */
export function RtlMoveMemory(Destination: bigint | Uint8Array, Source: bigint | Uint8Array, Length: number): void {
  const parsed = types().moveMemory.safeParse([Destination, Source, Length]);
  if (!parsed.success) {
    const names = ['Destination', 'Source', 'Length'];
    const issues = parsed.error.issues.map((issue) => {
      const index = issue.path[0];
      return typeof index === 'number' ? `${names[index]} (argument ${index + 1}): ${issue.message}` : issue.message;
    });
    throw new FileMappingValidationError('arguments to RtlMoveMemory', issues, { cause: parsed.error });
  }
  kernel32().RtlMoveMemory(Destination, Source, Length);
}

/**
 * Not a Win32 function: a Buffer over `length` bytes at `address`, without copy (what C does by dereferencing the
 * pointer MapViewOfFile returned). Unsafe by nature: nothing ties the Buffer to the view, so touching it after
 * UnmapViewOfFile, or writing into a read-only view, kills the process. The idiomatic layer's MappedView.buffer
 * is the safe door.
 */
export function bufferAt(address: bigint, length: number): Buffer {
  const parsed = types().bufferAtArguments.safeParse([address, length]);
  if (!parsed.success) throw validationErrorFromZod('arguments to bufferAt', parsed.error);
  return Buffer.from(kernel32().viewMemory(address, length));
}
