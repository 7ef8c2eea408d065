/**
 * Interlocked operations on memory that JavaScript cannot reach with Atomics: a view in copy mode, where the runtime
 * forbids an ArrayBuffer over memory V8 did not allocate (Electron's V8 memory cage).
 *
 * On x64 the C runtimes export no functions for these: they are compiler intrinsics, one locked instruction each. So
 * the package writes those few instructions into one page of its own (written, then made execute-read: never writable
 * and executable at once) and calls them through koffi. They are the instructions a C compiler emits for the
 * Interlocked intrinsics (Windows) and the __atomic builtins (GCC, Clang), with the same guarantees: each operation is
 * atomic on a naturally aligned address and a full memory barrier (`xchg` and `lock`-prefixed instructions; an
 * aligned `mov` load is atomic and, on x86-64, never reordered with a later load or store). So a copy-mode process, a
 * zero-copy process using JavaScript's Atomics, and a C program can share the same words.
 *
 * The machine code depends on the calling convention: each OS's backend gives its own (win32/interlocked.ts,
 * posix/interlocked.ts) and the page, made on first use and kept for the life of the process (4 KiB).
 */

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

/** The machine code of each operation, with its koffi signature. 32-bit results are signed (int32_t). */
export type InterlockedCode = Readonly<
  Record<keyof Interlocked, { readonly bytes: readonly number[]; readonly result: 'int32_t' | 'int64_t'; readonly parameters: readonly string[] }>
>;

/** What an OS gives to run the code: a page of its own, and a way to call into it. */
export interface CodePage {
  /** Copies `code` into a new page, makes it execute-read, and returns its address. */
  install(code: Buffer): bigint;
  /** A function calling the machine code at `address` with the platform's C convention. */
  functionAt(address: bigint, result: string, parameters: readonly string[]): (...args: unknown[]) => unknown;
}

/** Each function in a slot of its own. */
const SLOT = 16;
export const CODE_PAGE_BYTES = 4096;

/** The interlocked operations, their code written into a page of `page`'s. x64 only. */
export function makeInterlocked(code: InterlockedCode, page: CodePage): Interlocked {
  if (process.arch !== 'x64') {
    throw new Error(
      `Atomic operations on a view in copy mode need an x64 process (this one is ${process.arch}); zero-copy views use JavaScript's Atomics on any architecture`,
    );
  }
  const names = Object.keys(code) as (keyof Interlocked)[];
  const bytes = Buffer.alloc(CODE_PAGE_BYTES, 0xcc); // int3 between the functions
  names.forEach((name, i) => bytes.set(code[name].bytes, i * SLOT));
  const base = page.install(bytes);
  const at = (name: keyof Interlocked) => page.functionAt(base + BigInt(names.indexOf(name) * SLOT), code[name].result, code[name].parameters);
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
