// The security and inheritable options of create() against a fake kernel32: the SDDL is converted, passed as
// SECURITY_ATTRIBUTES, and its descriptor freed whatever happens, even when the Create call throws.
import { resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Win32Error } from '../../src/win32/errors.js';
import { FileMapping } from '../../src/section/file-mapping.js';
import { NamedEvent, NamedSemaphore } from '../../src/sync/named-event.js';
import { NamedMutex } from '../../src/sync/named-mutex.js';
import { FakeKernel32, setKernel32ForTesting } from './fake-kernel32.js';

/** What koffi throws for an argument it cannot convert, here thrown by a Create*W function of the fake. */
const KOFFI_ERROR = 'Unexpected BigInt value for void *, expected external pointer';
const koffiThrows = (): never => {
  throw new TypeError(KOFFI_ERROR);
};

let k32: FakeKernel32;
beforeEach(() => {
  k32 = new FakeKernel32();
  setKernel32ForTesting(k32);
});
afterEach(() => setKernel32ForTesting(undefined));

describe('security attributes', () => {
  it('converts the SDDL, passes SECURITY_ATTRIBUTES, and frees the descriptor whatever happens', () => {
    FileMapping.create({ size: 4096, security: 'D:P(A;;GA;;;OW)', inheritable: true });
    expect(k32.calls).toContain('ConvertStringSecurityDescriptorToSecurityDescriptorW');
    expect(k32.descriptors.size).toBe(0);
    k32.failNext('CreateFileMappingW', 5);
    expect(() => FileMapping.create({ size: 4096, security: 'D:(A;;GR;;;WD)' })).toThrow(Win32Error);
    expect(k32.descriptors.size).toBe(0);
  });

  it.each<[string, (fake: FakeKernel32) => void, () => unknown]>([
    ['FileMapping.create()', (fake) => (fake.CreateFileMappingW = koffiThrows), () => FileMapping.create({ size: 4096, security: 'D:P(A;;GA;;;OW)' })],
    [
      'a file-backed FileMapping.create()',
      (fake) => (fake.CreateFileMappingW = koffiThrows),
      () => FileMapping.create({ file: 'thrown.bin', size: 4096, security: 'D:P(A;;GA;;;OW)', inheritable: true }),
    ],
    ['NamedMutex.create()', (fake) => (fake.CreateMutexW = koffiThrows), () => NamedMutex.create('Local\\m', { security: 'D:P(A;;GA;;;OW)' })],
    ['NamedEvent.create()', (fake) => (fake.CreateEventW = koffiThrows), () => NamedEvent.create(undefined, { security: 'D:P(A;;GA;;;OW)' })],
    ['NamedSemaphore.create()', (fake) => (fake.CreateSemaphoreW = koffiThrows), () => NamedSemaphore.create('Local\\s', { security: 'O:BA' })],
  ])('frees the descriptor when the Create call of %s throws instead of returning', (_what, breakCreate, create) => {
    breakCreate(k32);
    expect(create).toThrow(KOFFI_ERROR);
    expect(k32.count('ConvertStringSecurityDescriptorToSecurityDescriptorW')).toBe(1);
    expect(k32.calls.slice(k32.calls.indexOf('ConvertStringSecurityDescriptorToSecurityDescriptorW'))).toContain('LocalFree');
    expect(k32.descriptors.size).toBe(0);
  });

  it('reports SDDL Windows refuses, before creating anything', () => {
    expect(() => FileMapping.create({ size: 4096, security: 'nonsense' })).toThrow(
      expect.objectContaining({ syscall: 'ConvertStringSecurityDescriptorToSecurityDescriptorW', nativeCode: 'ERROR_INVALID_ACL' }),
    );
    expect(k32.calls).not.toContain('CreateFileMappingW');
  });

  // An SDDL of 6,000 ACEs was quoted whole: a 72 KB message (issue 19).
  it('quotes a bounded excerpt of a long refused SDDL, with its length', () => {
    const sddl = `nonsense${'(A;;GA;;;WD)'.repeat(6000)}`;
    let message = '';
    try {
      FileMapping.create({ size: 4096, security: sddl });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain(`"${sddl.slice(0, 200)}…" (${sddl.length} characters)`);
    expect(message.length).toBeLessThan(1000);
  });

  it('closes and deletes the file it opened when the SDDL is refused', () => {
    expect(() => FileMapping.create({ file: 'sd.bin', size: 4096, security: 'nonsense' })).toThrow(/ERROR_INVALID_ACL/);
    expect(k32.handles.size).toBe(0);
    expect(k32.files.has(resolve('sd.bin'))).toBe(false);
  });

  it('passes NULL attributes by default', () => {
    FileMapping.create({ size: 4096 });
    expect(k32.calls).not.toContain('ConvertStringSecurityDescriptorToSecurityDescriptorW');
  });
});
