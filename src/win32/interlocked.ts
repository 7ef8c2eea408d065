/**
 * Interlocked operations on memory that JavaScript cannot reach with Atomics: a view in copy mode, where the runtime
 * forbids an ArrayBuffer over memory V8 did not allocate (Electron's V8 memory cage).
 *
 * On x64, Windows exports no InterlockedCompareExchange and friends: they are compiler intrinsics, one locked
 * instruction each. So the package writes those few instructions into one page of its own (VirtualAlloc, then
 * VirtualProtect to execute-read: never writable and executable at once) and calls them through koffi. They are the
 * instructions a C compiler emits for the Interlocked intrinsics, with the same guarantees: each operation is atomic
 * on a naturally aligned address and a full memory barrier (`xchg` and `lock`-prefixed instructions; an aligned
 * `mov` load is atomic and, on x86-64, never reordered with a later load or store). So a copy-mode process, a
 * zero-copy process using JavaScript's Atomics, and a C program using the Interlocked intrinsics can share the same
 * words.
 *
 * The page is made on the first use and kept for the life of the process (4 KiB).
 */
import { win32Error } from './system.js';
import { MEM_COMMIT, MEM_RELEASE, MEM_RESERVE, PAGE_EXECUTE_READ, PAGE_READWRITE } from './constants.js';
import type { Kernel32 } from './kernel32.js';

/** Sequentially consistent operations on 32- and 64-bit words at absolute addresses, naturally aligned. */
export interface Interlocked {
  load32(address: bigint): number;
  /** Stores `value`; returns the previous value. */
  exchange32(address: bigint, value: number): number;
  /** Stores `replacement` if the word equals `expected`; returns the previous value. */
  compareExchange32(address: bigint, expected: number, replacement: number): number;
  /** Adds `delta` (wrapping); returns the previous value. */
  add32(address: bigint, delta: number): number;
  load64(address: bigint): bigint;
  exchange64(address: bigint, value: bigint): bigint;
  compareExchange64(address: bigint, expected: bigint, replacement: bigint): bigint;
  add64(address: bigint, delta: bigint): bigint;
}

/**
 * The x64 code (Microsoft x64 convention: address in rcx, operands in rdx and r8, result in rax), one function per
 * 16-byte slot. 32-bit results are signed (int32_t), like LONG.
 */
const X64_CODE = {
  // mov eax, [rcx]; ret
  load32: { bytes: [0x8b, 0x01, 0xc3], result: 'int32_t', parameters: ['void *'] },
  // xchg [rcx], edx; mov eax, edx; ret
  exchange32: { bytes: [0x87, 0x11, 0x89, 0xd0, 0xc3], result: 'int32_t', parameters: ['void *', 'int32_t'] },
  // mov eax, edx; lock cmpxchg [rcx], r8d; ret
  compareExchange32: {
    bytes: [0x89, 0xd0, 0xf0, 0x44, 0x0f, 0xb1, 0x01, 0xc3],
    result: 'int32_t',
    parameters: ['void *', 'int32_t', 'int32_t'],
  },
  // lock xadd [rcx], edx; mov eax, edx; ret
  add32: { bytes: [0xf0, 0x0f, 0xc1, 0x11, 0x89, 0xd0, 0xc3], result: 'int32_t', parameters: ['void *', 'int32_t'] },
  // mov rax, [rcx]; ret
  load64: { bytes: [0x48, 0x8b, 0x01, 0xc3], result: 'int64_t', parameters: ['void *'] },
  // xchg [rcx], rdx; mov rax, rdx; ret
  exchange64: { bytes: [0x48, 0x87, 0x11, 0x48, 0x89, 0xd0, 0xc3], result: 'int64_t', parameters: ['void *', 'int64_t'] },
  // mov rax, rdx; lock cmpxchg [rcx], r8; ret
  compareExchange64: {
    bytes: [0x48, 0x89, 0xd0, 0xf0, 0x4c, 0x0f, 0xb1, 0x01, 0xc3],
    result: 'int64_t',
    parameters: ['void *', 'int64_t', 'int64_t'],
  },
  // lock xadd [rcx], rdx; mov rax, rdx; ret
  add64: { bytes: [0xf0, 0x48, 0x0f, 0xc1, 0x11, 0x48, 0x89, 0xd0, 0xc3], result: 'int64_t', parameters: ['void *', 'int64_t'] },
} as const satisfies Record<keyof Interlocked, { bytes: readonly number[]; result: string; parameters: readonly string[] }>;

const SLOT = 16;
const PAGE = 4096;

const made = new WeakMap<Kernel32, Interlocked>();

/** The interlocked operations, made on the first call for this kernel32. */
export function interlocked(k32: Kernel32): Interlocked {
  let ops = made.get(k32);
  if (!ops) {
    ops = make(k32);
    made.set(k32, ops);
  }
  return ops;
}

function make(k32: Kernel32): Interlocked {
  if (process.arch !== 'x64') {
    throw new Error(
      `Atomic operations on a view in copy mode need an x64 process (this one is ${process.arch}); zero-copy views use JavaScript's Atomics on any architecture`,
    );
  }
  const names = Object.keys(X64_CODE) as (keyof Interlocked)[];
  const code = Buffer.alloc(PAGE, 0xcc); // int3 between the functions
  names.forEach((name, i) => code.set(X64_CODE[name].bytes, i * SLOT));

  const page = k32.VirtualAlloc(null, PAGE, MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE);
  if (page === null) throw win32Error(k32, k32.GetLastError(), 'VirtualAlloc', 'allocating the page of the interlocked operations');
  k32.RtlMoveMemory(page, code, PAGE);
  const old: [number] = [0];
  if (!k32.VirtualProtect(page, PAGE, PAGE_EXECUTE_READ, old)) {
    const errno = k32.GetLastError();
    k32.VirtualFree(page, 0, MEM_RELEASE);
    throw win32Error(k32, errno, 'VirtualProtect', 'making the page of the interlocked operations executable');
  }
  k32.FlushInstructionCache(k32.GetCurrentProcess(), page, PAGE);

  const at = (name: keyof Interlocked) =>
    k32.functionAt(page + BigInt(names.indexOf(name) * SLOT), X64_CODE[name].result, X64_CODE[name].parameters);
  const load32 = at('load32');
  const exchange32 = at('exchange32');
  const compareExchange32 = at('compareExchange32');
  const add32 = at('add32');
  const load64 = at('load64');
  const exchange64 = at('exchange64');
  const compareExchange64 = at('compareExchange64');
  const add64 = at('add64');
  // koffi returns a 64-bit integer as a number when it is safe, as a bigint otherwise.
  const big = (value: unknown) => BigInt(value as number | bigint);
  return {
    load32: (address) => load32(address) as number,
    exchange32: (address, value) => exchange32(address, value) as number,
    compareExchange32: (address, expected, replacement) => compareExchange32(address, expected, replacement) as number,
    add32: (address, delta) => add32(address, delta) as number,
    load64: (address) => big(load64(address)),
    exchange64: (address, value) => big(exchange64(address, value)),
    compareExchange64: (address, expected, replacement) => big(compareExchange64(address, expected, replacement)),
    add64: (address, delta) => big(add64(address, delta)),
  };
}
