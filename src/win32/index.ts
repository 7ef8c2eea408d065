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
import { z } from 'zod';
import { MAX_UINT64 } from '../dword.js';
import { FileMappingValidationError } from '../errors.js';
import { kernel32, systemMessage } from '../platform.js';
import type { Kernel32, MEMORY_BASIC_INFORMATION } from './kernel32.js';

export * from './constants.js';
export type { HANDLE, LPVOID, MEMORY_BASIC_INFORMATION, SYSTEM_INFO } from './kernel32.js';

const pointer = z.bigint({ error: 'Expected a bigint handle or pointer, or null' }).min(0n).max(MAX_UINT64).nullable();
const dword = z.number({ error: 'Expected a DWORD: an integer from 0 to 4294967295' }).int().min(0).max(0xffff_ffff);
const sizeT = z.union([z.number().int().min(0).max(Number.MAX_SAFE_INTEGER), z.bigint().min(0n).max(MAX_UINT64)], {
  error: 'Expected a SIZE_T: a non-negative integer (number or bigint)',
});
const bool = z.boolean({ error: 'Expected a boolean' });
const wideString = z.string({ error: 'Expected a string' }).refine((s) => !s.includes('\0'), {
  error: 'Must not contain a NUL character (it would end the string early)',
});
/** A SECURITY_ATTRIBUTES argument: NULL, a pointer, or a Buffer holding the structure. */
const attributes = z.union([pointer, z.instanceof(Uint8Array)], { error: 'Expected NULL, a bigint pointer or a Buffer holding SECURITY_ATTRIBUTES' });
const outObject = z.record(z.string(), z.unknown(), { error: 'Expected an object to fill' });
const outCell = z.tuple([z.union([z.number(), z.bigint()])], { error: 'Expected a one-element array to fill, e.g. [0]' });
const outBuffer = z.instanceof(Buffer, { error: 'Expected a Buffer' });

/** Wraps a kernel32 function so that its arguments, named as in the Windows documentation, are checked first. */
function checked<Name extends keyof Kernel32>(name: Name, parameters: Record<string, z.ZodType>): Kernel32[Name] {
  const names = Object.keys(parameters);
  const schema = z.tuple(Object.values(parameters) as [z.ZodType, ...z.ZodType[]]);
  const call = ((...args: unknown[]) => {
    const result = schema.safeParse(args);
    if (!result.success) {
      const issues = result.error.issues.map((issue) => {
        const index = issue.path[0];
        const parameter = typeof index === 'number' ? names[index] : undefined;
        // A length issue of the tuple itself (no path) is a wrong argument count; inside an argument it is that argument's.
        if ((issue.code === 'too_small' || issue.code === 'too_big') && issue.origin === 'array' && issue.path.length === 0) {
          return `${names.length} arguments expected, got ${args.length}`;
        }
        return `${parameter ?? name} (argument ${typeof index === 'number' ? index + 1 : '?'}): ${issue.message}`;
      });
      throw new FileMappingValidationError(`arguments to ${name}`, issues, { cause: result.error });
    }
    const k32 = kernel32();
    return (k32[name] as (...a: unknown[]) => unknown)(...args);
  }) as Kernel32[Name];
  Object.defineProperty(call, 'name', { value: name });
  return call;
}

export const CreateFileMappingW = checked('CreateFileMappingW', { hFile: pointer, lpFileMappingAttributes: attributes, flProtect: dword, dwMaximumSizeHigh: dword, dwMaximumSizeLow: dword, lpName: wideString.nullable() });
export const OpenFileMappingW = checked('OpenFileMappingW', { dwDesiredAccess: dword, bInheritHandle: bool, lpName: wideString });
export const MapViewOfFile = checked('MapViewOfFile', { hFileMappingObject: pointer, dwDesiredAccess: dword, dwFileOffsetHigh: dword, dwFileOffsetLow: dword, dwNumberOfBytesToMap: sizeT });
export const MapViewOfFileEx = checked('MapViewOfFileEx', { hFileMappingObject: pointer, dwDesiredAccess: dword, dwFileOffsetHigh: dword, dwFileOffsetLow: dword, dwNumberOfBytesToMap: sizeT, lpBaseAddress: pointer });
export const UnmapViewOfFile = checked('UnmapViewOfFile', { lpBaseAddress: pointer });
export const FlushViewOfFile = checked('FlushViewOfFile', { lpBaseAddress: pointer, dwNumberOfBytesToFlush: sizeT });
export const CloseHandle = checked('CloseHandle', { hObject: pointer });
export const GetLastError = checked('GetLastError', {});
export const SetLastError = checked('SetLastError', { dwErrCode: dword });
export const FormatMessageW = checked('FormatMessageW', { dwFlags: dword, lpSource: pointer, dwMessageId: dword, dwLanguageId: dword, lpBuffer: outBuffer, nSize: dword, Arguments: pointer });
export const GetSystemInfo = checked('GetSystemInfo', { lpSystemInfo: outObject });
export const VirtualAlloc = checked('VirtualAlloc', { lpAddress: pointer, dwSize: sizeT, flAllocationType: dword, flProtect: dword });
export const VirtualFree = checked('VirtualFree', { lpAddress: pointer, dwSize: sizeT, dwFreeType: dword });
export const VirtualProtect = checked('VirtualProtect', { lpAddress: pointer, dwSize: sizeT, flNewProtect: dword, lpflOldProtect: outCell });
export const FlushInstructionCache = checked('FlushInstructionCache', { hProcess: pointer, lpBaseAddress: pointer, dwSize: sizeT });
export const CreateFileW = checked('CreateFileW', { lpFileName: wideString, dwDesiredAccess: dword, dwShareMode: dword, lpSecurityAttributes: attributes, dwCreationDisposition: dword, dwFlagsAndAttributes: dword, hTemplateFile: pointer });
export const GetFileSizeEx = checked('GetFileSizeEx', { hFile: pointer, lpFileSize: outCell });
export const FlushFileBuffers = checked('FlushFileBuffers', { hFile: pointer });
export const DeleteFileW = checked('DeleteFileW', { lpFileName: wideString });
export const GetLargePageMinimum = checked('GetLargePageMinimum', {});
export const GetCurrentProcess = checked('GetCurrentProcess', {});
export const GetCurrentProcessId = checked('GetCurrentProcessId', {});
export const ConvertStringSecurityDescriptorToSecurityDescriptorW = checked('ConvertStringSecurityDescriptorToSecurityDescriptorW', {
  StringSecurityDescriptor: wideString,
  StringSDRevision: dword,
  SecurityDescriptor: z.tuple([pointer], { error: 'Expected a one-element array to fill, e.g. [null]' }),
  SecurityDescriptorSize: z.null({ error: 'Pass null' }),
});
export const LocalFree = checked('LocalFree', { hMem: pointer });
export const OpenProcess = checked('OpenProcess', { dwDesiredAccess: dword, bInheritHandle: bool, dwProcessId: dword });
export const GetCurrentThreadId = checked('GetCurrentThreadId', {});
export const OpenThread = checked('OpenThread', { dwDesiredAccess: dword, bInheritHandle: bool, dwThreadId: dword });
export const GetProcessHandleCount = checked('GetProcessHandleCount', { hProcess: pointer, pdwHandleCount: outCell });
export const CreateEventW = checked('CreateEventW', { lpEventAttributes: attributes, bManualReset: bool, bInitialState: bool, lpName: wideString.nullable() });
export const OpenEventW = checked('OpenEventW', { dwDesiredAccess: dword, bInheritHandle: bool, lpName: wideString });
export const SetEvent = checked('SetEvent', { hEvent: pointer });
export const ResetEvent = checked('ResetEvent', { hEvent: pointer });
export const WaitForSingleObject = checked('WaitForSingleObject', { hHandle: pointer, dwMilliseconds: dword });
export const WaitForMultipleObjects = checked('WaitForMultipleObjects', {
  nCount: z
    .number({ error: 'Expected a DWORD' })
    .int({ error: 'Expected an integer' })
    .min(1, { error: 'At least 1 handle' })
    .max(64, { error: 'At most 64 handles (MAXIMUM_WAIT_OBJECTS)' }),
  lpHandles: z.array(pointer.unwrap(), { error: 'Expected an array of bigint handles' }).min(1).max(64),
  bWaitAll: bool,
  dwMilliseconds: dword,
});
export const CreateMutexW = checked('CreateMutexW', { lpMutexAttributes: attributes, bInitialOwner: bool, lpName: wideString.nullable() });
export const OpenMutexW = checked('OpenMutexW', { dwDesiredAccess: dword, bInheritHandle: bool, lpName: wideString });
export const ReleaseMutex = checked('ReleaseMutex', { hMutex: pointer });
const long = z.number({ error: 'Expected a LONG: an integer from 0 to 2147483647' }).int().min(0).max(0x7fff_ffff);
export const CreateSemaphoreW = checked('CreateSemaphoreW', {
  lpSemaphoreAttributes: attributes,
  lInitialCount: long,
  lMaximumCount: long,
  lpName: wideString.nullable(),
});
export const OpenSemaphoreW = checked('OpenSemaphoreW', { dwDesiredAccess: dword, bInheritHandle: bool, lpName: wideString });
export const ReleaseSemaphore = checked('ReleaseSemaphore', {
  hSemaphore: pointer,
  lReleaseCount: long,
  lpPreviousCount: z.tuple([z.number()]).nullable(),
});

// An object's owner and the process's token. GetSecurityInfo returns its error code instead of setting the last error.
/** A one-element array a function writes a pointer or handle into, e.g. [null]. */
const outPointer = z.tuple([pointer], { error: 'Expected a one-element array to fill, e.g. [null]' });
const sidPointer = z.bigint({ error: 'Expected a SID pointer: a bigint, not NULL' }).min(1n, { error: 'Expected a SID pointer, not NULL' }).max(MAX_UINT64);
export const GetSecurityInfo = checked('GetSecurityInfo', {
  handle: pointer,
  ObjectType: dword,
  SecurityInfo: dword,
  ppsidOwner: outPointer.nullable(),
  ppsidGroup: outPointer.nullable(),
  ppDacl: outPointer.nullable(),
  ppSacl: outPointer.nullable(),
  ppSecurityDescriptor: outPointer.nullable(),
});
export const OpenProcessToken = checked('OpenProcessToken', { ProcessHandle: pointer, DesiredAccess: dword, TokenHandle: outPointer });
export const GetTokenInformation = checked('GetTokenInformation', {
  TokenHandle: pointer,
  TokenInformationClass: dword,
  TokenInformation: pointer,
  TokenInformationLength: dword,
  ReturnLength: z.tuple([z.number()], { error: 'Expected a one-element array to fill, e.g. [0]' }),
});
export const GetLengthSid = checked('GetLengthSid', { pSid: sidPointer });
export const LookupAccountSidW = checked('LookupAccountSidW', {
  lpSystemName: wideString.nullable(),
  Sid: sidPointer,
  Name: outBuffer,
  cchName: z.tuple([dword], { error: 'Expected a one-element array holding the length of Name in characters' }),
  ReferencedDomainName: outBuffer,
  cchReferencedDomainName: z.tuple([dword], { error: 'Expected a one-element array holding the length of ReferencedDomainName in characters' }),
  peUse: z.tuple([z.number()], { error: 'Expected a one-element array to fill, e.g. [0]' }),
});
export const LocalAlloc = checked('LocalAlloc', { uFlags: dword, uBytes: sizeT });

const virtualQuery = checked('VirtualQuery', { lpAddress: pointer, lpBuffer: outObject, dwLength: dword });

/**
 * VirtualQuery. `dwLength` defaults to sizeof(MEMORY_BASIC_INFORMATION), which JavaScript cannot spell.
 * Returns the number of bytes written to `lpBuffer` (0 on failure).
 */
export function VirtualQuery(
  lpAddress: bigint | null,
  lpBuffer: Partial<MEMORY_BASIC_INFORMATION>,
  dwLength?: number,
): number | bigint {
  // The default length needs kernel32: the other arguments are checked first, so bad ones fail the same everywhere.
  if (dwLength === undefined) {
    const parsed = z.tuple([pointer, outObject]).safeParse([lpAddress, lpBuffer]);
    if (!parsed.success) throw FileMappingValidationError.fromZod('arguments to VirtualQuery', parsed.error);
  }
  return virtualQuery(lpAddress, lpBuffer, dwLength ?? kernel32().sizeofMemoryBasicInformation);
}

/** Not a Win32 function: the system's message for an error code (FormatMessageW with FORMAT_MESSAGE_FROM_SYSTEM). */
export function formatMessage(dwMessageId: number): string {
  const parsed = dword.safeParse(dwMessageId);
  if (!parsed.success) throw FileMappingValidationError.fromZod('arguments to formatMessage', parsed.error);
  return systemMessage(kernel32(), parsed.data);
}

const memoryArgument = z.union([pointer.unwrap().min(1n, { error: 'Expected a pointer, not NULL' }), z.instanceof(Uint8Array)], {
  error: 'Expected a bigint pointer (not NULL) or a Buffer/Uint8Array',
});
const moveMemory = z
  .tuple([memoryArgument, memoryArgument, z.number({ error: 'Expected a number of bytes' }).int().min(0).max(Number.MAX_SAFE_INTEGER)])
  .superRefine(([destination, source, length], context) => {
    for (const [side, name] of [[destination, 'Destination'], [source, 'Source']] as const) {
      if (side instanceof Uint8Array && length > side.byteLength) {
        context.addIssue({ code: 'custom', path: [2], message: `${length} bytes is more than ${name} holds (${side.byteLength} bytes)` });
      }
    }
  });

/**
 * RtlMoveMemory (C's CopyMemory and MoveMemory): copies Length bytes from Source to Destination, which may overlap.
 * Either side is a pointer (a view's address from MapViewOfFile) or a Buffer/Uint8Array, which must hold Length
 * bytes. What works where koffi.view() is forbidden (Electron): copy in and out of a view instead of a Buffer over
 * it. Unsafe with pointers, as in C: a read-only or unmapped address kills the process.
 */
export function RtlMoveMemory(Destination: bigint | Uint8Array, Source: bigint | Uint8Array, Length: number): void {
  const parsed = moveMemory.safeParse([Destination, Source, Length]);
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
  const parsed = z.tuple([pointer.unwrap().min(1n), z.number().int().min(1).max(bufferConstants.MAX_LENGTH)]).safeParse([address, length]);
  if (!parsed.success) throw FileMappingValidationError.fromZod('arguments to bufferAt', parsed.error);
  return Buffer.from(kernel32().viewMemory(address, length));
}
