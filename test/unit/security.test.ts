// The security and inheritable options of FileMapping.create() against a fake kernel32: the SDDL is converted,
// passed as SECURITY_ATTRIBUTES, and its descriptor freed whatever happens.
import { resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Win32Error } from '../../src/errors.js';
import { FileMapping } from '../../src/file-mapping.js';
import { setKernel32ForTesting } from '../../src/platform.js';
import { FakeKernel32 } from './fake-kernel32.js';

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

  it('reports SDDL Windows refuses, before creating anything', () => {
    expect(() => FileMapping.create({ size: 4096, security: 'nonsense' })).toThrow(
      expect.objectContaining({ syscall: 'ConvertStringSecurityDescriptorToSecurityDescriptorW', code: 'ERROR_INVALID_ACL' }),
    );
    expect(k32.calls).not.toContain('CreateFileMappingW');
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
