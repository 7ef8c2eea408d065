/**
 * What a backend provides, and the one seam through which the classes reach it.
 *
 * Today the only backend is Windows' kernel32 (src/win32/kernel32.ts). On any other platform `kernel32()` throws a
 * PlatformNotSupportedError, so importing the package works everywhere and only creating or opening a section
 * needs Windows. Unit tests install a fake with `setKernel32ForTesting()`.
 */
import { PlatformNotSupportedError, Win32Error, type ObjectKind } from '../errors.js';
import { FORMAT_MESSAGE_FROM_SYSTEM, FORMAT_MESSAGE_IGNORE_INSERTS } from './constants.js';
import { resetExternalBufferProbe } from '../view/memory.js';
import { getKernel32, type Kernel32, type SYSTEM_INFO } from './kernel32.js';

let override: Kernel32 | undefined;

/** The kernel32 functions, or a PlatformNotSupportedError off Windows. */
export function kernel32(): Kernel32 {
  if (override) return override;
  if (process.platform !== 'win32') throw new PlatformNotSupportedError(process.platform);
  return getKernel32();
}

/** @internal Installs a fake kernel32 for unit tests; `undefined` restores the real one. */
export function setKernel32ForTesting(fake: Kernel32 | undefined): void {
  override = fake;
  systemInfoCache = new WeakMap();
  resetExternalBufferProbe();
}

/** The figures of GetSystemInfo the package needs. */
export interface SystemInfo {
  /** The page size: views are rounded up to it. */
  readonly pageSize: number;
  /** View offsets and base addresses must be multiples of it (64 KiB on x64 Windows). */
  readonly allocationGranularity: number;
  /** The lowest and highest addresses of memory a process can map: a base address outside them is refused. */
  readonly minimumApplicationAddress: bigint;
  readonly maximumApplicationAddress: bigint;
}

let systemInfoCache = new WeakMap<Kernel32, SystemInfo>();

/** GetSystemInfo's page size and allocation granularity, read once. */
export function systemInfo(k32: Kernel32): SystemInfo {
  let info = systemInfoCache.get(k32);
  if (!info) {
    const raw: Partial<SYSTEM_INFO> = {};
    k32.GetSystemInfo(raw);
    info = {
      pageSize: raw.dwPageSize ?? 4096,
      allocationGranularity: raw.dwAllocationGranularity ?? 65536,
      // x64 Windows' values when the structure does not say (a fake kernel32).
      minimumApplicationAddress: BigInt(raw.lpMinimumApplicationAddress ?? 0x1_0000n),
      maximumApplicationAddress: BigInt(raw.lpMaximumApplicationAddress ?? 0x7fff_fffe_ffffn),
    };
    systemInfoCache.set(k32, info);
  }
  return info;
}

/** The system's text for a Win32 error code (FormatMessageW), without the trailing line break; '' if none. */
export function systemMessage(k32: Kernel32, errno: number): string {
  const buffer = Buffer.alloc(2048);
  const chars = k32.FormatMessageW(
    FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS,
    null,
    errno,
    0,
    buffer,
    buffer.length / 2,
    null,
  );
  return buffer.toString('utf16le', 0, chars * 2).trim();
}

/** A Win32Error for `errno`, which the caller read with GetLastError right after `syscall` failed. */
export function win32Error(
  k32: Kernel32,
  errno: number,
  syscall: string,
  action: string,
  path?: string,
  kind?: ObjectKind,
  hint?: string,
): Win32Error {
  return new Win32Error({ errno, syscall, action, systemMessage: systemMessage(k32, errno), path, kind, hint });
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

