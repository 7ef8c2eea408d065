// The package's error classes: what each carries, what its message tells the user to do, and how it is recognised.
import { runInNewContext } from 'node:vm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  FileMappingValidationError,
  isSystemCallError,
  ObjectClosedError,
  PlatformNotSupportedError,
  SystemCallError,
  type ObjectKind,
  validationErrorFromZod,
} from '../../src/errors.js';
import { isWin32Error, Win32Error, type Win32ErrorOptions } from '../../src/win32/errors.js';
import { FileMapping } from '../../src/section/file-mapping.js';
import { NamedEvent, NamedSemaphore } from '../../src/sync/named-event.js';
import { NamedMutex } from '../../src/sync/named-mutex.js';
import type { HANDLE } from '../../src/win32/kernel32.js';
import { FakeKernel32, setKernel32ForTesting } from './fake-kernel32.js';

const make = (overrides: Partial<Win32ErrorOptions> = {}): Win32Error =>
  new Win32Error({
    errno: 2,
    syscall: 'OpenFileMappingW',
    action: 'opening section "Local\\x" for write access',
    systemMessage: 'The system cannot find the file specified.\r\n',
    path: 'Local\\x',
    ...overrides,
  });

describe('Win32Error', () => {
  it('carries errno, the portable code and the Win32 name, the function, the trimmed system text and the name involved', () => {
    const error = make();
    expect(error.errno).toBe(2);
    expect(error.code).toBe('ENOENT');
    expect(error.nativeCode).toBe('ERROR_FILE_NOT_FOUND');
    expect(error).toBeInstanceOf(SystemCallError);
    expect(isSystemCallError(error)).toBe(true);
    expect(error.syscall).toBe('OpenFileMappingW');
    expect(error.systemMessage).toBe('The system cannot find the file specified.');
    expect(error.path).toBe('Local\\x');
  });

  it('leaves path undefined when no name is involved', () => {
    expect(make({ path: undefined }).path).toBeUndefined();
    expect(new Win32Error({ errno: 8, syscall: 'MapViewOfFile', action: 'mapping', systemMessage: 'x' }).path).toBeUndefined();
  });

  it.each([
    [0, 'ERROR_SUCCESS'],
    [2, 'ERROR_FILE_NOT_FOUND'],
    [5, 'ERROR_ACCESS_DENIED'],
    [6, 'ERROR_INVALID_HANDLE'],
    [8, 'ERROR_NOT_ENOUGH_MEMORY'],
    [33, 'ERROR_LOCK_VIOLATION'],
    [87, 'ERROR_INVALID_PARAMETER'],
    [183, 'ERROR_ALREADY_EXISTS'],
    [1006, 'ERROR_FILE_INVALID'],
    [1132, 'ERROR_MAPPED_ALIGNMENT'],
    [1455, 'ERROR_COMMITMENT_LIMIT'],
  ])('names code %i %s from the table', (errno, code) => {
    expect(make({ errno }).nativeCode).toBe(code);
  });

  // The portable codes: what Node (libuv) calls the same condition, so a program handles it the same way on every OS.
  it.each([
    [2, 'ENOENT'],
    [3, 'ENOENT'],
    [183, 'EEXIST'],
    [80, 'EEXIST'],
    [5, 'EACCES'],
    [112, 'ENOSPC'],
    [1455, 'ENOSPC'],
    [87, 'EINVAL'],
    [1132, 'EINVAL'],
    [8, 'ENOMEM'],
    [288, 'EPERM'],
  ])('gives code %i the portable code %s', (errno, code) => {
    expect(make({ errno }).code).toBe(code);
  });

  // Where the function says more than the code: the same condition as Linux reports it.
  it.each([
    ['CloseHandle', 6, 'EBADF'],
    ['OpenFileMappingW', 6, 'EINVAL'], // the name holds another kind of object
    ['CreateMutexW', 6, 'EINVAL'],
    ['OpenSemaphoreW', 6, 'EINVAL'],
    ['MapViewOfFileEx', 487, 'EEXIST'], // something is mapped at the address
    ['VirtualQuery', 487, 'ERROR_INVALID_ADDRESS'],
  ])('gives %s failing with code %i the portable code %s', (syscall, errno, code) => {
    expect(make({ syscall, errno }).code).toBe(code);
  });

  it('takes the portable code the call gives it over the tables (an exclusive create on another kind of name)', () => {
    expect(make({ syscall: 'CreateEventW', errno: 6, code: 'EEXIST' }).code).toBe('EEXIST');
  });

  it('keeps the Win32 name as the code of an error with no portable equivalent', () => {
    expect(make({ errno: 1224 }).code).toBe('EBUSY');
    expect(make({ errno: 0 }).code).toBe('ERROR_SUCCESS');
  });

  it.each([1234, 99999, 4294967295])('names code %i, outside the table, ERROR_<n>', (errno) => {
    const error = make({ errno });
    expect(error.nativeCode).toBe(`ERROR_${errno}`);
    expect(error.code).toBe(`ERROR_${errno}`);
    expect(error.message).toContain(`ERROR_${errno} (${errno})`);
  });

  it('says what was being done, the code and the system text, in that order', () => {
    expect(make({ errno: 87, syscall: 'MapViewOfFile', action: 'mapping a view', systemMessage: 'The parameter is incorrect.' }).message).toBe(
      'MapViewOfFile failed mapping a view: ERROR_INVALID_PARAMETER (87): The parameter is incorrect.',
    );
  });

  it('says so when the system has no text for the code', () => {
    const error = make({ errno: 87, systemMessage: ' \r\n' });
    expect(error.systemMessage).toBe('no system message');
    expect(error.message).toContain('ERROR_INVALID_PARAMETER (87): no system message');
  });

  it.each([
    [183, 'CreateFileMappingW', 'open it with the open() of its class (FileMapping, NamedMutex, NamedEvent, NamedSemaphore or Channel)'],
    [2, 'OpenFileMappingW', 'must be created first'],
    [5, 'OpenFileMappingW', 'ask for less access'],
    [6, 'CreateFileMappingW', 'taken by another kind of kernel object'],
    [1132, 'MapViewOfFileEx', 'multiple of the system allocation granularity'],
    [1006, 'CreateFileMappingW', 'pass `size` to grow the file'],
    [1224, 'CreateFileW', 'unmap every view of it first'],
    [1455, 'CreateFileMappingW', 'paging file is too small'],
    [8, 'MapViewOfFile', 'map a smaller view'],
    [1314, 'CreateFileMappingW', 'SeLockMemoryPrivilege'],
    [193, 'CreateFileMappingW', 'not an executable image'],
    [2, 'CreateFileW', 'The file does not exist: pass `size` to create it'],
    [3, 'CreateFileW', 'A folder of the path does not exist'],
    [5, 'CreateFileW', 'read-only, a folder, or locked by another process'],
  ])('tells what to do about code %i from %s', (errno, syscall, hint) => {
    const error = make({ errno, syscall, systemMessage: 'System text.' });
    expect(error.message).toContain(`${syscall} failed opening section "Local\\x" for write access: ${error.nativeCode} (${errno}): System text. `);
    expect(error.message).toContain(hint);
  });

  it('gives a file hint only to the file call, and a section hint to the section call', () => {
    expect(make({ errno: 2, syscall: 'CreateFileW' }).message).not.toContain('must be created first');
    expect(make({ errno: 2, syscall: 'OpenFileMappingW' }).message).not.toContain('The file does not exist');
  });

  it.each<[ObjectKind, string, string]>([
    ['section', 'CreateFileMappingW', 'A section with this name already exists: open it with FileMapping.open(), or pick another name.'],
    ['mutex', 'CreateMutexW', 'A mutex with this name already exists: open it with NamedMutex.open(), or pick another name.'],
    ['event', 'CreateEventW', 'An event with this name already exists: open it with NamedEvent.open(), or pick another name.'],
    ['semaphore', 'CreateSemaphoreW', 'A semaphore with this name already exists: open it with NamedSemaphore.open(), or pick another name.'],
    ['channel', 'CreateFileMappingW', 'A channel with this name already exists: join it with Channel.open(), or pick another name.'],
  ])('tells how to open the existing %s when an exclusive create finds its name taken', (kind, syscall, hint) => {
    const message = make({ errno: 183, syscall, kind, systemMessage: 'Cannot create a file when that file already exists.' }).message;
    expect(message).toContain(`: ERROR_ALREADY_EXISTS (183): Cannot create a file when that file already exists. ${hint}`);
  });

  it('gives the same hint for every kind when the code has no kind-specific one', () => {
    for (const errno of [2, 5, 6, 87]) {
      const plain = make({ errno }).message;
      for (const kind of ['section', 'mutex', 'event', 'semaphore', 'channel'] as const) expect(make({ errno, kind }).message).toBe(plain);
    }
  });

  it('adds no hint for a code users rarely meet', () => {
    expect(make({ errno: 87, systemMessage: 'The parameter is incorrect.' }).message).toMatch(/The parameter is incorrect\.$/);
  });

  it('has its name on the prototype, so that the stack and String() show it', () => {
    const error = make();
    expect(error.name).toBe('Win32Error');
    expect(Object.hasOwn(error, 'name')).toBe(false);
    expect(Win32Error.prototype.name).toBe('Win32Error');
    expect(String(error)).toMatch(/^Win32Error: OpenFileMappingW failed/);
    expect(error.stack).toMatch(/^Win32Error: /);
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(TypeError);
  });
});

describe('an exclusive create() that finds the name taken', () => {
  let k32: FakeKernel32;
  beforeEach(() => {
    k32 = new FakeKernel32();
    setKernel32ForTesting(k32);
  });
  afterEach(() => setKernel32ForTesting(undefined));

  /** The fake's Create function, reporting an existing object as Windows does: a handle and ERROR_ALREADY_EXISTS. */
  const existing = (create: () => HANDLE) => (): HANDLE => {
    const handle = create();
    k32.SetLastError(183);
    return handle;
  };

  it.each<[string, () => void, string, string]>([
    [
      'a section',
      () => {
        FileMapping.create({ name: 'Local\\taken', size: 4096 });
        FileMapping.create({ name: 'Local\\taken', size: 4096, exclusive: true });
      },
      'CreateFileMappingW',
      'open it with FileMapping.open()',
    ],
    [
      'a mutex',
      () => {
        k32.CreateMutexW = existing(k32.CreateMutexW);
        NamedMutex.create('Local\\taken', { exclusive: true });
      },
      'CreateMutexW',
      'open it with NamedMutex.open()',
    ],
    [
      'an event',
      () => {
        k32.CreateEventW = existing(k32.CreateEventW);
        NamedEvent.create('Local\\taken', { exclusive: true });
      },
      'CreateEventW',
      'open it with NamedEvent.open()',
    ],
    [
      'a semaphore',
      () => {
        k32.CreateSemaphoreW = existing(k32.CreateSemaphoreW);
        NamedSemaphore.create('Local\\taken', { exclusive: true });
      },
      'CreateSemaphoreW',
      'open it with NamedSemaphore.open()',
    ],
  ])('of %s says which open() to use instead', (_what, create, syscall, hint) => {
    let error: unknown;
    try {
      create();
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(Win32Error);
    expect(error).toMatchObject({ errno: 183, syscall, path: 'Local\\taken' });
    expect((error as Error).message).toMatch(/^\w+ failed creating .*"Local\\taken".* \(exclusive\): ERROR_ALREADY_EXISTS \(183\): Fake message for 183\. /);
    expect((error as Error).message).toContain(hint);
    expect(k32.handles.size - (syscall === 'CreateFileMappingW' ? 1 : 0)).toBe(0); // the handle it got is closed
  });
});

describe('retold', () => {
  const exists = (kind?: ObjectKind): Win32Error =>
    make({ errno: 183, syscall: 'CreateFileMappingW', action: 'creating section "Local\\c" of 4160 bytes, read-write (exclusive)', kind });

  it("tells a part's failure as the whole's: the same class and native detail, a new action and hint, the original as cause", () => {
    const section = exists('section');
    const channel = section.retold('creating channel "Local\\c" (exclusive): its section exists already', 'Local\\c', 'A channel hint.');
    expect(channel).toBeInstanceOf(Win32Error);
    expect(channel.name).toBe('Win32Error');
    expect(channel.message).toBe(
      `CreateFileMappingW failed creating channel "Local\\c" (exclusive): its section exists already: ERROR_ALREADY_EXISTS (183): ${section.systemMessage} A channel hint.`,
    );
    expect(channel).toMatchObject({ errno: 183, code: 'EEXIST', nativeCode: 'ERROR_ALREADY_EXISTS', syscall: 'CreateFileMappingW', path: 'Local\\c' });
    expect(channel.cause).toBe(section);
    expect(isWin32Error(channel)).toBe(true);
    expect(isSystemCallError(channel)).toBe(true);
  });
});

describe('isWin32Error', () => {
  it('recognises a Win32Error', () => {
    expect(isWin32Error(make())).toBe(true);
  });

  it("recognises an object from another copy of the package by Symbol.for('filemapping.Win32Error')", () => {
    expect(isWin32Error({ [Symbol.for('filemapping.Win32Error')]: true, errno: 2 })).toBe(true);
    expect(isWin32Error(Object.assign(new Error('x'), { [Symbol.for('filemapping.Win32Error')]: true }))).toBe(true);
  });

  it('recognises one made in another realm', () => {
    const foreign: unknown = runInNewContext("const e = new Error('x'); Object.defineProperty(e, Symbol.for('filemapping.Win32Error'), { value: true }); e");
    expect(foreign).not.toBeInstanceOf(Error);
    expect(isWin32Error(foreign)).toBe(true);
  });

  it.each<[string, unknown]>([
    ['a plain Error', new Error('ERROR_FILE_NOT_FOUND')],
    ['a FileMappingValidationError', new FileMappingValidationError('options', ['size: bad'])],
    ['an ObjectClosedError', new ObjectClosedError('view', 'flush')],
    ['an object shaped like a Win32Error', { name: 'Win32Error', errno: 2, nativeCode: 'ERROR_FILE_NOT_FOUND', syscall: 'x' }],
    ['a symbol that is not the registered one', { [Symbol('filemapping.Win32Error')]: true }],
    ['the registered symbol set to something other than true', { [Symbol.for('filemapping.Win32Error')]: 1 }],
    ['null', null],
    ['undefined', undefined],
    ['a string', 'Win32Error'],
    ['a number', 2],
  ])('is false for %s', (_what, value) => {
    expect(isWin32Error(value)).toBe(false);
  });
});

describe('FileMappingValidationError', () => {
  it('is a TypeError that names the context and lists every issue', () => {
    const error = new FileMappingValidationError('FileMapping.create() options', ['size: bad', 'name: bad']);
    expect(error).toBeInstanceOf(TypeError);
    expect(error.name).toBe('FileMappingValidationError');
    expect(Object.hasOwn(error, 'name')).toBe(false);
    expect(error.issues).toEqual(['size: bad', 'name: bad']);
    expect(error.message).toBe('Invalid FileMapping.create() options:\n  ✖ size: bad\n  ✖ name: bad');
  });

  it('keeps the ZodError as cause and turns each zod issue into one line naming its path', () => {
    const result = z.strictObject({ size: z.number(), name: z.string() }).safeParse({ size: 'x', name: 1 });
    expect(result.success).toBe(false);
    if (result.success) return;
    const error = validationErrorFromZod('options', result.error);
    expect(error.cause).toBe(result.error);
    expect(error.issues).toHaveLength(2);
    expect(error.issues[0]).toMatch(/^size: /);
    expect(error.issues[1]).toMatch(/^name: /);
  });
});

describe('ObjectClosedError', () => {
  it('says what was tried on what', () => {
    const error = new ObjectClosedError('view', 'flush a view of section "Local\\x"');
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('ObjectClosedError');
    expect(Object.hasOwn(error, 'name')).toBe(false);
    expect(error.message).toBe('Cannot flush a view of section "Local\\x": the view is closed');
  });
});

describe('PlatformNotSupportedError', () => {
  it('says which OSes have a backend, names the platform, and that importing works', () => {
    const error = new PlatformNotSupportedError('darwin');
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('PlatformNotSupportedError');
    expect(Object.hasOwn(error, 'name')).toBe(false);
    expect(error).toMatchObject({ platform: 'darwin', option: undefined, code: 'ERR_FEATURE_UNAVAILABLE_ON_PLATFORM' });
    expect(error.message).toMatch(/^filemapping has no backend for darwin/);
    expect(error.message).toContain('Windows and Linux');
    expect(error.message).toContain('Importing the package works everywhere');
  });

  it('names an option that does not exist on this OS, and why', () => {
    const error = new PlatformNotSupportedError('linux', { option: 'security', reason: 'an SDDL security descriptor is a Windows thing' });
    expect(error).toMatchObject({ platform: 'linux', option: 'security' });
    expect(error.message).toBe('security is not available on linux: an SDDL security descriptor is a Windows thing');
  });
});
