/**
 * The interlocked operations of copy mode on Linux (see view/interlocked.ts): the x64 code for the System V calling
 * convention (address in rdi, operands in rsi and rdx, result in rax), in a page from mmap made execute-read with
 * mprotect.
 */
import { CODE_PAGE_BYTES, makeInterlocked, type Interlocked, type InterlockedCode } from '../view/interlocked.js';
import { MAP_ANONYMOUS, MAP_FAILED, MAP_PRIVATE, PROT_EXEC, PROT_READ, PROT_WRITE } from './constants.js';
import { posixError } from './errors.js';
import type { Libc } from './libc.js';

const X64_SYSV_CODE: InterlockedCode = {
  // mov eax, [rdi]; ret
  load32: { bytes: [0x8b, 0x07, 0xc3], result: 'int32_t', parameters: ['void *'] },
  // xchg [rdi], esi; mov eax, esi; ret
  exchange32: { bytes: [0x87, 0x37, 0x89, 0xf0, 0xc3], result: 'int32_t', parameters: ['void *', 'int32_t'] },
  // mov eax, esi; lock cmpxchg [rdi], edx; ret
  compareExchange32: { bytes: [0x89, 0xf0, 0xf0, 0x0f, 0xb1, 0x17, 0xc3], result: 'int32_t', parameters: ['void *', 'int32_t', 'int32_t'] },
  // lock xadd [rdi], esi; mov eax, esi; ret
  add32: { bytes: [0xf0, 0x0f, 0xc1, 0x37, 0x89, 0xf0, 0xc3], result: 'int32_t', parameters: ['void *', 'int32_t'] },
  // mov rax, [rdi]; ret
  load64: { bytes: [0x48, 0x8b, 0x07, 0xc3], result: 'int64_t', parameters: ['void *'] },
  // xchg [rdi], rsi; mov rax, rsi; ret
  exchange64: { bytes: [0x48, 0x87, 0x37, 0x48, 0x89, 0xf0, 0xc3], result: 'int64_t', parameters: ['void *', 'int64_t'] },
  // mov rax, rsi; lock cmpxchg [rdi], rdx; ret
  compareExchange64: { bytes: [0x48, 0x89, 0xf0, 0xf0, 0x48, 0x0f, 0xb1, 0x17, 0xc3], result: 'int64_t', parameters: ['void *', 'int64_t', 'int64_t'] },
  // lock xadd [rdi], rsi; mov rax, rsi; ret
  add64: { bytes: [0xf0, 0x48, 0x0f, 0xc1, 0x37, 0x48, 0x89, 0xf0, 0xc3], result: 'int64_t', parameters: ['void *', 'int64_t'] },
};

/** The interlocked operations, in a page of the process's own. */
export function posixInterlocked(libc: Libc): Interlocked {
  return makeInterlocked(X64_SYSV_CODE, {
    install: (code) => {
      const bytes = BigInt(CODE_PAGE_BYTES);
      const page = libc.mmap(null, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0n);
      if (page === MAP_FAILED) throw posixError(libc, libc.errno(), 'mmap', 'allocating the page of the interlocked operations');
      libc.memcpy(page, code, CODE_PAGE_BYTES);
      if (libc.mprotect(page, bytes, PROT_READ | PROT_EXEC) !== 0) {
        const errno = libc.errno();
        libc.munmap(page, bytes);
        throw posixError(libc, errno, 'mprotect', 'making the page of the interlocked operations executable');
      }
      return page;
    },
    functionAt: (address, result, parameters) => libc.functionAt(address, result, parameters),
  });
}
