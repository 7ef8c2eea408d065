// FileMapping and MappedView against a fake kernel32: the logic around the native calls (what is checked before
// them, what is released when one fails, what the objects allow after close), on any platform.
import { resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileMappingValidationError, ObjectClosedError, Win32Error } from '../../src/errors.js';
import { FileMapping } from '../../src/file-mapping.js';
import { setKernel32ForTesting } from '../../src/platform.js';
import { FakeKernel32 } from './fake-kernel32.js';

let k32: FakeKernel32;
beforeEach(() => {
  k32 = new FakeKernel32();
  setKernel32ForTesting(k32);
});
afterEach(() => setKernel32ForTesting(undefined));

describe('FileMapping.create', () => {
  it('creates a section of the given size and reports that it is new', () => {
    const mapping = FileMapping.create({ name: 'Local\\a', size: 1024 });
    expect(mapping).toMatchObject({ name: 'Local\\a', alreadyExisted: false, size: 1024n, protection: 'readwrite' });
    expect(k32.handles.size).toBe(1);
  });

  it('opens an existing section of the same name, keeping its size', () => {
    FileMapping.create({ name: 'Local\\a', size: 1024 });
    const second = FileMapping.create({ name: 'Local\\a', size: 65536 });
    expect(second.alreadyExisted).toBe(true);
    expect(second.protection).toBeUndefined();
    expect(second.size).toBe(4096n); // read from a view: 1024 rounded up to the page
  });

  it('closes the handle Windows returned when exclusive creation finds the name taken', () => {
    FileMapping.create({ name: 'Local\\a', size: 1024 });
    expect(() => FileMapping.create({ name: 'Local\\a', size: 1024, exclusive: true })).toThrow(
      expect.objectContaining({ name: 'Win32Error', code: 'ERROR_ALREADY_EXISTS', syscall: 'CreateFileMappingW' }),
    );
    expect(k32.handles.size).toBe(1);
  });

  it('closes the file and deletes the file it created when CreateFileMappingW fails', () => {
    k32.failNext('CreateFileMappingW', 112);
    expect(() => FileMapping.create({ file: 'new.bin', size: 4096 })).toThrow(Win32Error);
    expect(k32.handles.size).toBe(0);
    expect(k32.count('DeleteFileW')).toBe(1);
    expect(k32.files.size).toBe(0);
  });

  it('keeps a file that existed before when CreateFileMappingW fails', () => {
    k32.files.set(resolve('old.bin'), 10n);
    k32.failNext('CreateFileMappingW', 112);
    expect(() => FileMapping.create({ file: 'old.bin', size: 4096 })).toThrow(/ERROR_DISK_FULL/);
    expect(k32.count('DeleteFileW')).toBe(0);
    expect(k32.files.size).toBe(1);
  });

  it('takes the size of the file when none is given', () => {
    k32.files.set(resolve('data.bin'), 10n);
    const mapping = FileMapping.create({ file: 'data.bin' });
    expect(mapping.size).toBe(10n);
    expect(mapping.file).toBe('data.bin');
    expect(k32.handles.size).toBe(1); // the section; the file handle is closed
  });

  it('turns a failure into a Win32Error with the code, its name, the function and the system text', () => {
    k32.failNext('CreateFileMappingW', 1455);
    let error: unknown;
    try {
      FileMapping.create({ name: 'Local\\big', size: 2n ** 40n });
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(Win32Error);
    expect(error).toMatchObject({ errno: 1455, code: 'ERROR_COMMITMENT_LIMIT', syscall: 'CreateFileMappingW', path: 'Local\\big' });
    expect((error as Error).message).toContain('Fake message for 1455.');
    expect((error as Error).message).toContain('1099511627776 bytes');
  });

  it('checks options before any native call', () => {
    expect(() => FileMapping.create({ size: -1 })).toThrow(FileMappingValidationError);
    expect(k32.calls).toEqual([]);
  });
});

describe('FileMapping.map', () => {
  it('refuses, before MapViewOfFile, an offset off the granularity, a length past the end and an access the protection forbids', () => {
    const mapping = FileMapping.create({ size: 1 << 20, protection: 'readonly' });
    const before = k32.calls.length;
    expect(() => mapping.map({ offset: 4096 })).toThrow(/multiple of the allocation granularity \(65536 bytes/);
    expect(() => mapping.map({ offset: 65536, length: 1 << 20 })).toThrow(/past the end of the 1048576-byte section/);
    expect(() => mapping.map({ access: 'write' })).toThrow(/'write' is not allowed on a 'readonly' section/);
    expect(() => mapping.map({ offset: 1 << 20 })).toThrow(/at or past the end/);
    expect(() => mapping.map({ address: 0x12345n })).toThrow(/address: 0x12345 is not a multiple/);
    expect(k32.calls.slice(before).filter((call) => call.startsWith('MapViewOfFile'))).toEqual([]);
  });

  it('lists every problem with one call', () => {
    const mapping = FileMapping.create({ size: 1 << 20, protection: 'readonly' });
    try {
      mapping.map({ offset: 4096, access: 'write', address: 0x1001n });
      expect.unreachable();
    } catch (error) {
      expect((error as FileMappingValidationError).issues).toHaveLength(3);
    }
  });

  it('maps the whole section by default with the access the protection gives', () => {
    const mapping = FileMapping.create({ size: 10000 });
    const view = mapping.map();
    expect(view).toMatchObject({ length: 10000, offset: 0n, access: 'write' });
    expect(view.buffer.length).toBe(10000);
    expect(FileMapping.create({ size: 1, protection: 'writecopy' }).map().access).toBe('copy');
  });

  it('maps an opened section to the end of its pages, with the access it was opened with', () => {
    FileMapping.create({ name: 'Local\\o', size: 1000 });
    const opened = FileMapping.open('Local\\o', { access: 'read' });
    const view = opened.map();
    expect(view).toMatchObject({ length: 4096, access: 'read' });
  });

  it('uses MapViewOfFileEx at a chosen address', () => {
    const view = FileMapping.create({ size: 65536 }).map({ address: 0x7000_0000n });
    expect(view.address).toBe(0x7000_0000n);
    expect(k32.calls).toContain('MapViewOfFileEx');
  });

  it('throws Win32Error when MapViewOfFile fails', () => {
    const mapping = FileMapping.create({ name: 'Local\\m', size: 65536 });
    k32.failNext('MapViewOfFile', 8);
    expect(() => mapping.map()).toThrow(expect.objectContaining({ code: 'ERROR_NOT_ENOUGH_MEMORY', syscall: 'MapViewOfFile' }));
  });
});

describe('lifetime', () => {
  it('makes close() and unmap() idempotent', () => {
    const mapping = FileMapping.create({ size: 65536 });
    const view = mapping.map();
    view.unmap();
    view.unmap();
    mapping.close();
    mapping.close();
    expect(k32.count('UnmapViewOfFile')).toBe(1);
    expect(k32.count('CloseHandle')).toBe(1);
    expect(view.unmapped && mapping.closed).toBe(true);
  });

  it('keeps a view usable after its mapping is closed', () => {
    const mapping = FileMapping.create({ size: 65536 });
    const view = mapping.map();
    mapping.close();
    view.buffer.write('still here');
    expect(view.buffer.toString('utf8', 0, 10)).toBe('still here');
  });

  it('refuses use after close with ObjectClosedError', () => {
    const mapping = FileMapping.create({ size: 65536 });
    const view = mapping.map();
    view.unmap();
    mapping.close();
    expect(() => mapping.map()).toThrow(ObjectClosedError);
    expect(() => mapping.handle).toThrow(ObjectClosedError);
    expect(() => view.buffer).toThrow(ObjectClosedError);
    expect(() => view.flush()).toThrow(ObjectClosedError);
  });

  it('disposes with Symbol.dispose', () => {
    const mapping = FileMapping.create({ size: 65536 });
    const view = mapping.map();
    view[Symbol.dispose]();
    mapping[Symbol.dispose]();
    expect(k32.views.size).toBe(0);
    expect(k32.handles.size).toBe(0);
  });

  it('reports a failed unmap and leaves the view mapped', () => {
    const view = FileMapping.create({ size: 65536 }).map();
    k32.failNext('UnmapViewOfFile', 487);
    expect(() => view.unmap()).toThrow(expect.objectContaining({ code: 'ERROR_INVALID_ADDRESS' }));
    expect(view.unmapped).toBe(false);
    view.unmap();
    expect(view.unmapped).toBe(true);
  });
});

describe('MappedView.flush', () => {
  it('retries ERROR_LOCK_VIOLATION, then succeeds', () => {
    const view = FileMapping.create({ size: 65536 }).map();
    k32.failNext('FlushViewOfFile', 33, 33, 33);
    view.flush();
    expect(k32.count('FlushViewOfFile')).toBe(4);
  });

  it('gives up on ERROR_LOCK_VIOLATION after ten attempts', () => {
    const view = FileMapping.create({ size: 65536 }).map();
    k32.failNext('FlushViewOfFile', ...Array<number>(10).fill(33));
    expect(() => view.flush()).toThrow(expect.objectContaining({ code: 'ERROR_LOCK_VIOLATION', syscall: 'FlushViewOfFile' }));
    expect(k32.count('FlushViewOfFile')).toBe(10);
  });

  it('does not retry other errors', () => {
    const view = FileMapping.create({ size: 65536 }).map();
    k32.failNext('FlushViewOfFile', 5);
    expect(() => view.flush()).toThrow(/ERROR_ACCESS_DENIED/);
    expect(k32.count('FlushViewOfFile')).toBe(1);
  });

  it('refuses a range outside the view and flushes nothing for an empty one', () => {
    const view = FileMapping.create({ size: 65536 }).map();
    expect(() => view.flush({ offset: 65000, length: 1000 })).toThrow(FileMappingValidationError);
    expect(() => view.flush({ offset: -1 })).toThrow(FileMappingValidationError);
    view.flush({ offset: 65536 });
    expect(k32.count('FlushViewOfFile')).toBe(0);
  });
});

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

  it('passes NULL attributes by default', () => {
    FileMapping.create({ size: 4096 });
    expect(k32.calls).not.toContain('ConvertStringSecurityDescriptorToSecurityDescriptorW');
  });
});
