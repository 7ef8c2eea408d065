/**
 * Futexes: the kernel's wait on a 32-bit word of memory, what every wait of the package's objects on Linux sleeps in.
 * The words live in shared memory (no FUTEX_PRIVATE_FLAG), so processes wake each other.
 *
 * futex_waitv (Linux 5.16) waits on up to 128 words at once, which lets one wait thread wait on every pending wait.
 * An older kernel has only single-word waits: the thread then sleeps in short slices on its wake word and looks at
 * the others between them (FUTEX_WAITV_FALLBACK_MS), correct but slower to notice.
 */
import type { Libc } from './libc.js';
import { syscallNumbers } from './syscalls.js';

const FUTEX_WAIT = 0;
const FUTEX_WAKE = 1;
/** futex_waitv's per-word flag: a 32-bit word (FUTEX2_SIZE_U32), shared between processes (no FUTEX2_PRIVATE). */
const FUTEX2_SIZE_U32 = 2;
const CLOCK_MONOTONIC = 1;
/** The most words futex_waitv takes. */
export const FUTEX_WAITV_MAX = 128;
/** How long a wait thread sleeps between looks where futex_waitv is missing. */
export const FUTEX_WAITV_FALLBACK_MS = 5;

/** What a wait of the kernel ended with: a word was woken (its index), time ran out, or the value had changed already. */
export type FutexResult = { woken: number } | 'timeout' | 'changed' | 'interrupted';

export interface Futex {
  /** Sleeps while the word at `address` holds `value`, at most `timeoutMs` (Infinity: forever). */
  wait(address: bigint, value: number, timeoutMs: number): FutexResult;
  /** Wakes up to `count` waiters of the word at `address`; returns how many woke. */
  wake(address: bigint, count: number): number;
  /** Sleeps while each word holds its value, until one is woken or `timeoutMs` passes; undefined where unsupported. */
  waitAny(words: ReadonlyArray<{ address: bigint; value: number }>, timeoutMs: number): FutexResult | undefined;
}

export function futex(libc: Libc): Futex {
  const { futex: SYS_futex, futex_waitv: SYS_futex_waitv } = syscallNumbers();
  const names = libc.errnoNames;
  const outcome = (result: number | bigint, index = 0): FutexResult => {
    if (Number(result) >= 0) return { woken: Number(index === -1 ? result : index) };
    const errno = names.get(libc.errno());
    if (errno === 'ETIMEDOUT') return 'timeout';
    if (errno === 'EAGAIN') return 'changed';
    if (errno === 'EINTR') return 'interrupted';
    throw new Error(`futex failed: ${errno ?? libc.errno()}`);
  };
  let waitv: boolean | undefined;
  const timespec = Buffer.alloc(16);
  return {
    wait(address, value, timeoutMs) {
      let timeout: Buffer | null = null;
      if (timeoutMs !== Infinity) {
        // FUTEX_WAIT takes a relative timeout.
        timeout = timespec;
        timeout.writeBigInt64LE(BigInt(Math.floor(timeoutMs / 1000)), 0);
        timeout.writeBigInt64LE(BigInt(Math.round((timeoutMs % 1000) * 1e6)), 8);
      }
      return outcome(libc.syscall(SYS_futex, 'void *', address, 'int', FUTEX_WAIT, 'uint32_t', value >>> 0, 'void *', timeout, 'void *', null, 'uint32_t', 0));
    },
    wake(address, count) {
      return Number(libc.syscall(SYS_futex, 'void *', address, 'int', FUTEX_WAKE, 'int', count, 'void *', null, 'void *', null, 'uint32_t', 0));
    },
    waitAny(words, timeoutMs) {
      if (waitv === false) return undefined;
      const waiters = Buffer.alloc(24 * words.length);
      words.forEach(({ address, value }, i) => {
        waiters.writeBigUInt64LE(BigInt(value >>> 0), i * 24);
        waiters.writeBigUInt64LE(address, i * 24 + 8);
        waiters.writeUInt32LE(FUTEX2_SIZE_U32, i * 24 + 16);
      });
      let timeout: Buffer | null = null;
      if (timeoutMs !== Infinity) {
        // futex_waitv takes an absolute timeout on the clock it is given.
        timeout = timespec;
        libc.clock_gettime(CLOCK_MONOTONIC, timeout);
        const nanoseconds = timeout.readBigInt64LE(0) * 1_000_000_000n + timeout.readBigInt64LE(8) + BigInt(Math.round(timeoutMs * 1e6));
        timeout.writeBigInt64LE(nanoseconds / 1_000_000_000n, 0);
        timeout.writeBigInt64LE(nanoseconds % 1_000_000_000n, 8);
      }
      const result = libc.syscall(SYS_futex_waitv, 'void *', waiters, 'uint32_t', words.length, 'uint32_t', 0, 'void *', timeout, 'int', CLOCK_MONOTONIC);
      if (Number(result) < 0 && names.get(libc.errno()) === 'ENOSYS') {
        waitv = false;
        return undefined;
      }
      waitv = true;
      return outcome(result, -1);
    },
  };
}
