// The expectedOwner check of open() and owner(), against a fake kernel32: the option is checked before any native
// call, READ_CONTROL is asked for only with it, a squatter's object is refused with its handle closed, and whatever
// the system allocates (descriptors, token memory, the token handle) is released on every path.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileMappingValidationError, UnexpectedOwnerError } from '../../src/errors.js';
import { Win32Error } from '../../src/win32/errors.js';
import { FileMapping } from '../../src/section/file-mapping.js';
import { canonicalSid, formatSid } from '../../src/core/owner.js';
import { NamedEvent, NamedSemaphore } from '../../src/sync/named-event.js';
import { NamedMutex } from '../../src/sync/named-mutex.js';
import {
  EVENT_MODIFY_STATE,
  FILE_MAP_READ,
  FILE_MAP_WRITE,
  MUTEX_MODIFY_STATE,
  READ_CONTROL,
  SEMAPHORE_MODIFY_STATE,
  SYNCHRONIZE,
} from '../../src/win32/constants.js';
import * as raw from '../../src/win32/index.js';
import { FakeKernel32, sidBytes, setKernel32ForTesting } from './fake-kernel32.js';

let k32: FakeKernel32;
beforeEach(() => {
  k32 = new FakeKernel32();
  setKernel32ForTesting(k32);
});
afterEach(() => setKernel32ForTesting(undefined));

const USER = 'S-1-5-21-1000-2000-3000-1001';
const ADMINISTRATORS = 'S-1-5-32-544';
const SYSTEM = 'S-1-5-18';

/** What `run` threw; fails the test if nothing was. */
function thrownBy(run: () => unknown): Error {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(Error);
    return error as Error;
  }
  throw new Error('nothing was thrown');
}

/** Runs `run`, and returns the handles the fake issued meanwhile that are still open. */
function handlesLeftOpenBy(run: () => unknown): bigint[] {
  const before = new Set(k32.issued.keys());
  try {
    run();
  } catch {
    // The caller asserts on the error separately.
  }
  return [...k32.issued.keys()].filter((handle) => !before.has(handle) && k32.handles.has(handle));
}

/** Nothing the system allocated for the check is left: descriptors, token memory. */
function expectNothingAllocated(): void {
  expect(k32.descriptors.size).toBe(0);
  expect(k32.localAllocations.size).toBe(0);
}

describe('SID strings', () => {
  it.each([
    [SYSTEM, SYSTEM],
    ['s-1-5-18', SYSTEM],
    ['S-1-5-018', SYSTEM],
    ['S-1-0x000000000005-18', SYSTEM],
    ['S-1-0x5-32-544', ADMINISTRATORS],
    ['S-1-1-0', 'S-1-1-0'],
    ['S-1-5', 'S-1-5'],
    ['S-1-4294967296-1', 'S-1-0x000100000000-1'],
    [`S-1-5-21-${'4294967295-'.repeat(13)}1`, `S-1-5-21-${'4294967295-'.repeat(13)}1`],
  ])('writes %s as %s, the form ConvertSidToStringSidW gives', (text, canonical) => {
    expect(canonicalSid(text)).toBe(canonical);
  });

  it.each([
    'S-1',
    'S-1-',
    'S-2-5-18',
    'S-1-5-18-',
    'S-1--18',
    'S-1-5-4294967296',
    'S-1-281474976710656-1',
    'S-1-0x1000000000000-1',
    `S-1-5-${'1-'.repeat(15)}1`,
    'SY',
    ' S-1-5-18',
    'S-1-5-18 ',
    'S-1-5-1.5',
  ])('refuses %s as a SID string', (text) => {
    expect(canonicalSid(text)).toBeUndefined();
  });

  it('reads a SID from its bytes', () => {
    expect(formatSid(sidBytes(USER))).toBe(USER);
    expect(formatSid(sidBytes('S-1-5-32-544'))).toBe(ADMINISTRATORS);
    expect(formatSid(Uint8Array.from([1, 1, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0]))).toBe('S-1-0x000100000000-1');
    expect(() => formatSid(Uint8Array.from([1, 2, 0, 0, 0, 0, 0, 5, 18, 0, 0, 0]))).toThrow(/not a SID/);
    expect(() => formatSid(Uint8Array.from([2, 0, 0, 0, 0, 0, 0, 5]))).toThrow(/not a SID/);
  });
});

type OpenCall = (options: Record<string, unknown>) => unknown;
const opens: Array<[string, OpenCall]> = [
  ['FileMapping.open()', (options) => FileMapping.open('Local\\x', options as never)],
  ['NamedMutex.open()', (options) => NamedMutex.open('Local\\x', options as never)],
  ['NamedEvent.open()', (options) => NamedEvent.open('Local\\x', options as never)],
  ['NamedSemaphore.open()', (options) => NamedSemaphore.open('Local\\x', options as never)],
];

describe.each(opens)('%s expectedOwner option', (method, open) => {
  it.each<[unknown, RegExp]>([
    [42, /Expected 'current-user', 'system', 'administrators' or a SID string such as 'S-1-5-18'/],
    [null, /Expected 'current-user'/],
    ['', /got ''/],
    ['Current-User', /got 'Current-User'/],
    ['root', /'system', 'administrators'/],
    ['SY', /a SID string/],
    ['S-1-5-4294967296', /got 'S-1-5-4294967296'/],
    [`S-1-5-${'1-'.repeat(15)}1`, /a SID string/],
  ])('refuses %j before any native call, naming the option and the accepted values', (value, message) => {
    const error = thrownBy(() => open({ expectedOwner: value }));
    expect(error).toBeInstanceOf(FileMappingValidationError);
    expect(error.message).toContain(`Invalid ${method} options`);
    expect((error as FileMappingValidationError).issues.join('\n')).toMatch(/^expectedOwner: /mu);
    expect(error.message).toMatch(message);
    expect(k32.calls).toEqual([]);
  });

  it('refuses an unknown key', () => {
    expect(() => open({ owner: 'system' })).toThrow(/Unrecognized key/);
    expect(k32.calls).toEqual([]);
  });
});

describe('FileMapping.open() with expectedOwner', () => {
  let asked: number[];
  beforeEach(() => {
    FileMapping.create({ name: 'Local\\x', size: 4096 });
    asked = [];
    const open = k32.OpenFileMappingW;
    k32.OpenFileMappingW = (access, inherit, name) => {
      asked.push(access);
      return open(access, inherit, name);
    };
  });

  it('asks for READ_CONTROL only with expectedOwner', () => {
    FileMapping.open('Local\\x', { access: 'read' }).close();
    FileMapping.open('Local\\x', { access: 'read', expectedOwner: 'current-user' }).close();
    expect(asked).toEqual([FILE_MAP_READ, FILE_MAP_READ | READ_CONTROL]);
    expect(k32.count('GetSecurityInfo')).toBe(1);
  });

  it("opens a section owned by this process's user, and frees what reading the owner allocated", () => {
    const mapping = FileMapping.open('Local\\x', { expectedOwner: 'current-user' });
    expect(mapping.closed).toBe(false);
    expect(asked).toEqual([FILE_MAP_READ | FILE_MAP_WRITE | READ_CONTROL]);
    expectNothingAllocated();
    expect(mapping.owner()).toEqual({ sid: USER, account: undefined });
    expectNothingAllocated();
  });

  it("takes the token's default owner as the current user too (an elevated administrator's objects)", () => {
    k32.tokenOwner = ADMINISTRATORS;
    expect(() => FileMapping.open('Local\\x', { expectedOwner: 'current-user' }).close()).not.toThrow();
    k32.objectOwner = USER;
    expect(() => FileMapping.open('Local\\x', { expectedOwner: 'current-user' }).close()).not.toThrow();
    k32.objectOwner = SYSTEM;
    expect(() => FileMapping.open('Local\\x', { expectedOwner: 'current-user' })).toThrow(UnexpectedOwnerError);
  });

  it('reads the token once, and closes the token handle', () => {
    FileMapping.open('Local\\x', { expectedOwner: 'current-user' }).close();
    FileMapping.open('Local\\x', { expectedOwner: 'current-user' }).close();
    expect(k32.count('OpenProcessToken')).toBe(1);
    const tokens = [...k32.issued].filter(([, target]) => target === 'token').map(([handle]) => handle);
    expect(tokens).toHaveLength(1);
    expect(k32.closedHandles).toContain(tokens[0]);
    expect(k32.count('GetTokenInformation')).toBe(2); // TokenUser and TokenOwner
    expectNothingAllocated();
  });

  it.each([
    ['system', SYSTEM],
    ['administrators', ADMINISTRATORS],
    ['a SID string', 'S-1-5-21-7-8-9-500'],
  ])('accepts %s when that is the owner, without reading the token', (what, sid) => {
    k32.objectOwner = sid;
    const option = what === 'a SID string' ? sid : what;
    expect(FileMapping.open('Local\\x', { expectedOwner: option as never }).owner()?.sid).toBe(sid);
    expect(k32.count('OpenProcessToken')).toBe(0);
  });

  it('refuses a section owned by someone else: closes the handle and says who owns it, whom it expected, and why', () => {
    k32.objectOwner = SYSTEM;
    let error: Error | undefined;
    expect(handlesLeftOpenBy(() => (error = thrownBy(() => FileMapping.open('Local\\x', { expectedOwner: 'current-user' }))))).toEqual([]);
    expect(error).toBeInstanceOf(UnexpectedOwnerError);
    expect(error).toMatchObject({
      name: 'UnexpectedOwnerError',
      owner: { sid: SYSTEM, account: 'NT AUTHORITY\\SYSTEM' },
      expectedOwner: 'current-user',
      accepted: [USER],
      path: 'Local\\x',
    });
    expect(error?.message).toContain(
      `Refusing section "Local\\x": it is owned by ${SYSTEM} (NT AUTHORITY\\SYSTEM), but expectedOwner is 'current-user' (${USER})`,
    );
    expect(error?.message).toMatch(/name squatting[\s\S]*exclusive: true/);
    expectNothingAllocated();
  });

  it('names an owner the system cannot name by its SID alone, and a SID expected by itself', () => {
    k32.objectOwner = 'S-1-5-21-9-9-9-1234';
    const error = thrownBy(() => FileMapping.open('Local\\x', { expectedOwner: 'S-1-5-21-1-2-3-500' }));
    expect(error.message).toContain('it is owned by S-1-5-21-9-9-9-1234, but expectedOwner is S-1-5-21-1-2-3-500.');
  });

  it('refuses a section whose descriptor names no owner (as Wine leaves objects created without security)', () => {
    k32.objectOwner = null;
    expect(handlesLeftOpenBy(() => FileMapping.open('Local\\x', { expectedOwner: 'current-user' }))).toEqual([]);
    expect(thrownBy(() => FileMapping.open('Local\\x', { expectedOwner: 'current-user' })).message).toContain('owned by nobody');
    expectNothingAllocated();
  });

  it('closes the handle when the owner cannot be read', () => {
    k32.failNext('GetSecurityInfo', 5);
    let error: Error | undefined;
    expect(handlesLeftOpenBy(() => (error = thrownBy(() => FileMapping.open('Local\\x', { expectedOwner: 'system' }))))).toEqual([]);
    expect(error).toBeInstanceOf(Win32Error);
    expect(error).toMatchObject({ syscall: 'GetSecurityInfo', nativeCode: 'ERROR_ACCESS_DENIED' });
    expect(error?.message).toContain('reading the owner of section "Local\\x"');
  });

  it.each<[string, Parameters<FakeKernel32['failNext']>[0]]>([
    ['the token cannot be opened', 'OpenProcessToken'],
    ['the token cannot be read', 'GetTokenInformation'],
    ['no memory is left for the token', 'LocalAlloc'],
  ])('closes the section and the token when %s', (_what, failing) => {
    k32.failNext(failing, 5);
    expect(handlesLeftOpenBy(() => FileMapping.open('Local\\x', { expectedOwner: 'current-user' }))).toEqual([]);
    k32.failNext(failing, 5);
    expect(() => FileMapping.open('Local\\x', { expectedOwner: 'current-user' })).toThrow(expect.objectContaining({ syscall: failing }));
    expectNothingAllocated();
  });
});

describe('owner()', () => {
  it('reads the owner of a section this process created, with its account', () => {
    k32.objectOwner = ADMINISTRATORS;
    const mapping = FileMapping.create({ name: 'Local\\x', size: 4096 });
    expect(mapping.owner()).toEqual({ sid: ADMINISTRATORS, account: 'BUILTIN\\Administrators' });
    expectNothingAllocated();
  });

  it('is undefined for an object without an owner, and refused after close', () => {
    k32.objectOwner = null;
    const mutex = NamedMutex.create('Local\\m');
    expect(mutex.owner()).toBeUndefined();
    mutex.close();
    expect(() => mutex.owner()).toThrow(/Cannot read the owner of mutex "Local\\m": the mutex is closed/);
  });
});

describe.each([
  ['NamedMutex', 'OpenMutexW', MUTEX_MODIFY_STATE, (options: object) => NamedMutex.open('Local\\k', options)],
  ['NamedEvent', 'OpenEventW', EVENT_MODIFY_STATE, (options: object) => NamedEvent.open('Local\\k', options)],
  ['NamedSemaphore', 'OpenSemaphoreW', SEMAPHORE_MODIFY_STATE, (options: object) => NamedSemaphore.open('Local\\k', options)],
] as const)('%s.open() with expectedOwner', (_class, openFunction, modifyState, open) => {
  let asked: number[];
  beforeEach(() => {
    asked = [];
    // The fake opens no kernel object by name: this one hands out a new handle for any name.
    Object.assign(k32, {
      [openFunction]: (access: number): bigint | null => {
        asked.push(access);
        return k32.CreateEventW();
      },
    });
  });

  it('asks for SYNCHRONIZE, its state right, and READ_CONTROL only with expectedOwner', () => {
    open({}).close();
    open({ expectedOwner: 'current-user' }).close();
    expect(asked).toEqual([SYNCHRONIZE | modifyState, SYNCHRONIZE | modifyState | READ_CONTROL]);
  });

  it('refuses an object owned by someone else, with its handle closed', () => {
    k32.objectOwner = 'S-1-5-21-9-9-9-1234';
    let error: Error | undefined;
    expect(handlesLeftOpenBy(() => (error = thrownBy(() => open({ expectedOwner: 'system' }))))).toEqual([]);
    expect(error).toBeInstanceOf(UnexpectedOwnerError);
    expect(error?.message).toContain("is owned by S-1-5-21-9-9-9-1234, but expectedOwner is 'system' (S-1-5-18)");
    expectNothingAllocated();
  });

  it('opens one owned by the expected SID, and reports it with owner()', () => {
    k32.objectOwner = 'S-1-5-21-7-8-9-500';
    const object = open({ expectedOwner: 's-1-5-21-7-8-9-0500' as never });
    expect(object.owner()).toEqual({ sid: 'S-1-5-21-7-8-9-500', account: undefined });
    object.close();
  });
});

describe('the raw layer', () => {
  it('reads an owner and the token user as in C', () => {
    k32.objectOwner = SYSTEM;
    const handle = raw.CreateFileMappingW(raw.INVALID_HANDLE_VALUE, null, raw.PAGE_READWRITE, 0, 4096, 'Local\\raw');
    const owner: [bigint | null] = [null];
    const descriptor: [bigint | null] = [null];
    expect(raw.GetSecurityInfo(handle, raw.SE_KERNEL_OBJECT, raw.OWNER_SECURITY_INFORMATION, owner, null, null, null, descriptor)).toBe(raw.ERROR_SUCCESS);
    expect(raw.GetLengthSid(owner[0])).toBe(12);
    const name = Buffer.alloc(512);
    const domain = Buffer.alloc(512);
    const nameLength: [number] = [256];
    expect(raw.LookupAccountSidW(null, owner[0], name, nameLength, domain, [256], [0])).toBe(true);
    expect(name.toString('utf16le', 0, nameLength[0] * 2)).toBe('SYSTEM');
    raw.LocalFree(descriptor[0]);

    const token: [bigint | null] = [null];
    expect(raw.OpenProcessToken(raw.GetCurrentProcess(), raw.TOKEN_QUERY, token)).toBe(true);
    const memory = raw.LocalAlloc(raw.LMEM_FIXED, 16 + raw.SECURITY_MAX_SID_SIZE);
    const needed: [number] = [0];
    expect(raw.GetTokenInformation(token[0], raw.TokenUser, memory, 16 + raw.SECURITY_MAX_SID_SIZE, needed)).toBe(true);
    expect(needed[0]).toBe(16 + 8 + 4 * 5);
    raw.LocalFree(memory);
    raw.CloseHandle(token[0]);
    expectNothingAllocated();
  });

  it.each<[string, () => unknown, RegExp]>([
    [
      'an out parameter that is not an array',
      () => (raw.GetSecurityInfo as (...a: unknown[]) => unknown)(1n, 6, 1, 0n, null, null, null, null),
      /ppsidOwner \(argument 4\)/,
    ],
    ['a SecurityInfo above 2^32 - 1', () => raw.GetSecurityInfo(1n, 6, 2 ** 32, null, null, null, null, null), /SecurityInfo \(argument 3\)/],
    ['a NULL SID', () => raw.GetLengthSid(null), /pSid \(argument 1\): Expected a SID pointer/],
    ['a negative allocation', () => raw.LocalAlloc(raw.LMEM_FIXED, -1), /uBytes \(argument 2\)/],
    ['a token handle as a number', () => (raw.GetTokenInformation as (...a: unknown[]) => unknown)(4, 1, null, 0, [0]), /TokenHandle \(argument 1\)/],
    ['a name length that is not a DWORD', () => raw.LookupAccountSidW(null, 1n, Buffer.alloc(2), [-1], Buffer.alloc(2), [1], [0]), /cchName \(argument 4\)/],
  ])('refuses %s before calling kernel32', (_what, call, message) => {
    expect(call).toThrow(FileMappingValidationError);
    expect(call).toThrow(message);
    expect(k32.calls).toEqual([]);
  });
});
