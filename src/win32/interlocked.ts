/**
 * The interlocked operations of copy mode on Windows (see view/interlocked.ts): the x64 code for the Microsoft x64
 * calling convention (address in rcx, operands in rdx and r8, result in rax), in a page from VirtualAlloc made
 * execute-read with VirtualProtect.
 */
import { CODE_PAGE_BYTES, makeInterlocked, type Interlocked, type InterlockedCode } from '../view/interlocked.js';
import { MEM_COMMIT, MEM_RELEASE, MEM_RESERVE, PAGE_EXECUTE_READ, PAGE_READWRITE } from './constants.js';
import { win32Error } from './errors.js';
import type { Kernel32 } from './kernel32.js';

const X64_CODE: InterlockedCode = {
  // mov eax, [rcx]; ret
  load32: { bytes: [0x8b, 0x01, 0xc3], result: 'int32_t', parameters: ['void *'] },
  // xchg [rcx], edx; mov eax, edx; ret
  exchange32: { bytes: [0x87, 0x11, 0x89, 0xd0, 0xc3], result: 'int32_t', parameters: ['void *', 'int32_t'] },
  // mov eax, edx; lock cmpxchg [rcx], r8d; ret
  compareExchange32: { bytes: [0x89, 0xd0, 0xf0, 0x44, 0x0f, 0xb1, 0x01, 0xc3], result: 'int32_t', parameters: ['void *', 'int32_t', 'int32_t'] },
  // lock xadd [rcx], edx; mov eax, edx; ret
  add32: { bytes: [0xf0, 0x0f, 0xc1, 0x11, 0x89, 0xd0, 0xc3], result: 'int32_t', parameters: ['void *', 'int32_t'] },
  // mov rax, [rcx]; ret
  load64: { bytes: [0x48, 0x8b, 0x01, 0xc3], result: 'int64_t', parameters: ['void *'] },
  // xchg [rcx], rdx; mov rax, rdx; ret
  exchange64: { bytes: [0x48, 0x87, 0x11, 0x48, 0x89, 0xd0, 0xc3], result: 'int64_t', parameters: ['void *', 'int64_t'] },
  // mov rax, rdx; lock cmpxchg [rcx], r8; ret
  compareExchange64: { bytes: [0x48, 0x89, 0xd0, 0xf0, 0x4c, 0x0f, 0xb1, 0x01, 0xc3], result: 'int64_t', parameters: ['void *', 'int64_t', 'int64_t'] },
  // lock xadd [rcx], rdx; mov rax, rdx; ret
  add64: { bytes: [0xf0, 0x48, 0x0f, 0xc1, 0x11, 0x48, 0x89, 0xd0, 0xc3], result: 'int64_t', parameters: ['void *', 'int64_t'] },
};

/** The interlocked operations for this kernel32, in a page of its own. */
export function win32Interlocked(k32: Kernel32): Interlocked {
  return makeInterlocked(X64_CODE, {
    install: (code) => {
      const page = k32.VirtualAlloc(null, CODE_PAGE_BYTES, MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE);
      if (page === null) throw win32Error(k32, k32.GetLastError(), 'VirtualAlloc', 'allocating the page of the interlocked operations');
      k32.RtlMoveMemory(page, code, CODE_PAGE_BYTES);
      const old: [number] = [0];
      if (!k32.VirtualProtect(page, CODE_PAGE_BYTES, PAGE_EXECUTE_READ, old)) {
        const errno = k32.GetLastError();
        k32.VirtualFree(page, 0, MEM_RELEASE);
        throw win32Error(k32, errno, 'VirtualProtect', 'making the page of the interlocked operations executable');
      }
      k32.FlushInstructionCache(k32.GetCurrentProcess(), page, CODE_PAGE_BYTES);
      return page;
    },
    functionAt: (address, result, parameters) => k32.functionAt(address, result, parameters),
  });
}
