// The system call numbers the Linux backend calls by number differ per architecture: x86-64's on aarch64 are other
// calls (202 is accept, 186 msgget, which made a System V message queue on every arm64 run).
import { describe, expect, it } from 'vitest';
import { PlatformNotSupportedError } from '../../src/errors.js';
import { syscallNumbers } from '../../src/posix/syscalls.js';

describe('Linux system call numbers', () => {
  it.each([
    // arch/x86/entry/syscalls/syscall_64.tbl, include/uapi/asm-generic/unistd.h, syscall_32.tbl, arm's syscall.tbl
    ['x64', { futex: 202, gettid: 186 }],
    ['arm64', { futex: 98, gettid: 178 }],
    ['riscv64', { futex: 98, gettid: 178 }],
    ['ia32', { futex: 240, gettid: 224 }],
    ['arm', { futex: 240, gettid: 224 }],
  ])("are %s's own, and the unified ones from Linux 5.1 on", (arch, own) => {
    expect(syscallNumbers(arch)).toEqual({ ...own, pidfd_open: 434, futex_waitv: 449 });
  });

  it('are refused for an architecture the package does not know, naming it', () => {
    expect(() => syscallNumbers('mips64el')).toThrow(PlatformNotSupportedError);
    expect(() => syscallNumbers('mips64el')).toThrow(/the mips64el architecture is not available on linux: .*futex/u);
  });
});
