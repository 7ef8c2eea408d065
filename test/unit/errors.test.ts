import { describe, expect, it } from 'vitest';
import {
  FileMappingValidationError,
  isWin32Error,
  ObjectClosedError,
  PlatformNotSupportedError,
  Win32Error,
} from '../../src/errors.js';

const make = (errno: number, syscall = 'OpenFileMappingW') =>
  new Win32Error({ errno, syscall, action: 'opening section "Local\\x"', systemMessage: 'System text.\r\n', path: 'Local\\x' });

describe('Win32Error', () => {
  it('carries the code, its name, the function, the system text and the name involved', () => {
    const error = make(2);
    expect(error).toMatchObject({
      name: 'Win32Error',
      errno: 2,
      code: 'ERROR_FILE_NOT_FOUND',
      syscall: 'OpenFileMappingW',
      systemMessage: 'System text.',
      path: 'Local\\x',
    });
    expect(error.message).toMatch(/^OpenFileMappingW failed opening section "Local\\x": ERROR_FILE_NOT_FOUND \(2\): System text\. /);
    expect(error).toBeInstanceOf(Error);
  });

  it.each([
    [183, 'ERROR_ALREADY_EXISTS', 'open it with FileMapping.open()'],
    [5, 'ERROR_ACCESS_DENIED', 'ask for less access'],
    [6, 'ERROR_INVALID_HANDLE', 'another kind of kernel object'],
    [1132, 'ERROR_MAPPED_ALIGNMENT', 'allocation granularity'],
    [1006, 'ERROR_FILE_INVALID', 'needs a size'],
    [1314, 'ERROR_PRIVILEGE_NOT_HELD', 'SeLockMemoryPrivilege'],
  ])('says what to do about %s (%s)', (errno, code, hint) => {
    const error = make(errno, 'CreateFileMappingW');
    expect(error.code).toBe(code);
    expect(error.message).toContain(hint);
  });

  it('gives file errors a hint about files, not sections', () => {
    expect(make(2, 'CreateFileW').message).toContain('The file does not exist');
    expect(make(2, 'OpenFileMappingW').message).not.toContain('The file does not exist');
  });

  it('names a code outside the table by its number', () => {
    expect(make(99999).code).toBe('ERROR_99999');
  });

  it('says so when the system has no text', () => {
    const error = new Win32Error({ errno: 87, syscall: 'MapViewOfFile', action: 'mapping', systemMessage: '' });
    expect(error.message).toContain('ERROR_INVALID_PARAMETER (87): no system message');
  });
});

describe('isWin32Error', () => {
  it('recognises a Win32Error, and one from another copy of the package', () => {
    expect(isWin32Error(make(2))).toBe(true);
    const foreign = Object.assign(new Error('x'), { [Symbol.for('filemapping.Win32Error')]: true });
    expect(isWin32Error(foreign)).toBe(true);
  });

  it.each([new Error('x'), new FileMappingValidationError('x', ['y']), null, undefined, 'ERROR_FILE_NOT_FOUND', { code: 'ERROR_FILE_NOT_FOUND' }])(
    'is false for %o',
    (value) => {
      expect(isWin32Error(value)).toBe(false);
    },
  );
});

describe('the other errors', () => {
  it('FileMappingValidationError lists its issues and is a TypeError', () => {
    const error = new FileMappingValidationError('options', ['size: bad', 'name: bad']);
    expect(error).toBeInstanceOf(TypeError);
    expect(error.name).toBe('FileMappingValidationError');
    expect(error.message).toBe('Invalid options:\n  ✖ size: bad\n  ✖ name: bad');
  });

  it('ObjectClosedError says what was closed and what was tried', () => {
    const error = new ObjectClosedError('view', 'flush a view');
    expect(error).toMatchObject({ name: 'ObjectClosedError', message: 'Cannot flush a view: the view is closed' });
  });

  it('PlatformNotSupportedError says Windows is required and names the platform', () => {
    const error = new PlatformNotSupportedError('linux');
    expect(error).toMatchObject({ name: 'PlatformNotSupportedError', platform: 'linux' });
    expect(error.message).toMatch(/requires Windows.*this is linux/);
  });
});
