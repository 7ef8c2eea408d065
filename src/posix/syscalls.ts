/**
 * Linux's system call numbers for the calls libc has no wrapper for (or had none before glibc 2.30): they differ per
 * architecture. x86-64 has its own table; aarch64, riscv64 and loongarch64 share asm-generic's; 32-bit x86 and arm
 * have theirs. Calls added from Linux 5.1 on (pidfd_open 434, futex_waitv 449) have one number everywhere.
 * Calling another architecture's number is no error, only another call: on aarch64, x86-64's futex (202) is accept and
 * its gettid (186) is msgget, which made a System V message queue.
 */
import { PlatformNotSupportedError } from '../errors.js';

export interface SyscallNumbers {
  futex: number;
  gettid: number;
  pidfd_open: number;
  futex_waitv: number;
}

const SINCE_5_1 = { pidfd_open: 434, futex_waitv: 449 } as const;

/** By Node's process.arch. */
const NUMBERS: Readonly<Record<string, SyscallNumbers>> = {
  x64: { futex: 202, gettid: 186, ...SINCE_5_1 },
  arm64: { futex: 98, gettid: 178, ...SINCE_5_1 },
  riscv64: { futex: 98, gettid: 178, ...SINCE_5_1 },
  loong64: { futex: 98, gettid: 178, ...SINCE_5_1 },
  ia32: { futex: 240, gettid: 224, ...SINCE_5_1 },
  arm: { futex: 240, gettid: 224, ...SINCE_5_1 },
};

/** The numbers of architecture `arch` (the running one by default), or a PlatformNotSupportedError naming it. */
export function syscallNumbers(arch: string = process.arch): SyscallNumbers {
  const numbers = NUMBERS[arch];
  if (numbers === undefined) {
    throw new PlatformNotSupportedError('linux', {
      option: `the ${arch} architecture`,
      reason: `its system call numbers (futex, gettid) are not known to this package; it knows ${Object.keys(NUMBERS).join(', ')}`,
    });
  }
  return numbers;
}
