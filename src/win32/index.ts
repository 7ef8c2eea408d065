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
const dword = z.number({ error: 'Expected a DWORD' }).int().min(0).max(0xffff_ffff);
const sizeT = z.union([z.number().int().min(0).max(Number.MAX_SAFE_INTEGER), z.bigint().min(0n).max(MAX_UINT64)], {
  error: 'Expected a SIZE_T: a non-negative integer (number or bigint)',
});
const bool = z.boolean({ error: 'Expected a boolean' });
const wideString = z.string({ error: 'Expected a string' }).refine((s) => !s.includes('\0'), {
  error: 'Must not contain a NUL character (it would end the string early)',
});
const outObject = z.record(z.string(), z.unknown(), { error: 'Expected an object to fill' });
const outCell = z.tuple([z.union([z.number(), z.bigint()])], { error: 'Expected a one-element array to fill, e.g. [0]' });
const outBuffer = z.instanceof(Buffer, { error: 'Expected a Buffer' });

/** Wraps a kernel32 function so that its arguments are checked by `schema` before the call. */
function checked<Name extends keyof Kernel32>(
  name: Name,
  schema: z.ZodTuple,
): Kernel32[Name] {
  const call = ((...args: unknown[]) => {
    const result = schema.safeParse(args);
    if (!result.success) throw FileMappingValidationError.fromZod(`arguments to ${name}`, result.error);
    const k32 = kernel32();
    return (k32[name] as (...a: unknown[]) => unknown)(...args);
  }) as Kernel32[Name];
  Object.defineProperty(call, 'name', { value: name });
  return call;
}

export const CreateFileMappingW = checked('CreateFileMappingW', z.tuple([pointer, pointer, dword, dword, dword, wideString.nullable()]));
export const OpenFileMappingW = checked('OpenFileMappingW', z.tuple([dword, bool, wideString]));
export const MapViewOfFile = checked('MapViewOfFile', z.tuple([pointer, dword, dword, dword, sizeT]));
export const MapViewOfFileEx = checked('MapViewOfFileEx', z.tuple([pointer, dword, dword, dword, sizeT, pointer]));
export const UnmapViewOfFile = checked('UnmapViewOfFile', z.tuple([pointer]));
export const FlushViewOfFile = checked('FlushViewOfFile', z.tuple([pointer, sizeT]));
export const CloseHandle = checked('CloseHandle', z.tuple([pointer]));
export const GetLastError = checked('GetLastError', z.tuple([]));
export const SetLastError = checked('SetLastError', z.tuple([dword]));
export const FormatMessageW = checked('FormatMessageW', z.tuple([dword, pointer, dword, dword, outBuffer, dword, pointer]));
export const GetSystemInfo = checked('GetSystemInfo', z.tuple([outObject]));
export const VirtualAlloc = checked('VirtualAlloc', z.tuple([pointer, sizeT, dword, dword]));
export const VirtualFree = checked('VirtualFree', z.tuple([pointer, sizeT, dword]));
export const CreateFileW = checked('CreateFileW', z.tuple([wideString, dword, dword, pointer, dword, dword, pointer]));
export const GetFileSizeEx = checked('GetFileSizeEx', z.tuple([pointer, outCell]));
export const FlushFileBuffers = checked('FlushFileBuffers', z.tuple([pointer]));
export const DeleteFileW = checked('DeleteFileW', z.tuple([wideString]));
export const GetLargePageMinimum = checked('GetLargePageMinimum', z.tuple([]));
export const GetCurrentProcess = checked('GetCurrentProcess', z.tuple([]));
export const GetProcessHandleCount = checked('GetProcessHandleCount', z.tuple([pointer, outCell]));
export const CreateEventW = checked('CreateEventW', z.tuple([pointer, bool, bool, wideString.nullable()]));
export const OpenEventW = checked('OpenEventW', z.tuple([dword, bool, wideString]));
export const SetEvent = checked('SetEvent', z.tuple([pointer]));
export const ResetEvent = checked('ResetEvent', z.tuple([pointer]));
export const WaitForSingleObject = checked('WaitForSingleObject', z.tuple([pointer, dword]));

const virtualQuery = checked('VirtualQuery', z.tuple([pointer, outObject, dword]));

/**
 * VirtualQuery. `dwLength` defaults to sizeof(MEMORY_BASIC_INFORMATION), which JavaScript cannot spell.
 * Returns the number of bytes written to `lpBuffer` (0 on failure).
 */
export function VirtualQuery(
  lpAddress: bigint | null,
  lpBuffer: Partial<MEMORY_BASIC_INFORMATION>,
  dwLength?: number,
): number | bigint {
  return virtualQuery(lpAddress, lpBuffer, dwLength ?? kernel32().sizeofMemoryBasicInformation);
}

/** Not a Win32 function: the system's message for an error code (FormatMessageW with FORMAT_MESSAGE_FROM_SYSTEM). */
export function formatMessage(dwMessageId: number): string {
  const parsed = dword.safeParse(dwMessageId);
  if (!parsed.success) throw FileMappingValidationError.fromZod('arguments to formatMessage', parsed.error);
  return systemMessage(kernel32(), parsed.data);
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
