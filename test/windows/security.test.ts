// Security descriptors in SDDL and inheritable handles, in Windows node.exe.
import { beforeAll, describe, expect, it } from 'vitest';
import { runtime, scenario, uniqueName, versions } from './harness.js';

type Report = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- parsed JSON

const denied = (syscall: string) => ({ error: expect.objectContaining({ name: 'Win32Error', code: 'ERROR_ACCESS_DENIED', syscall }) });

describe.each(versions)('security, Windows node %s', (version) => {
  let report: Report;
  beforeAll(async () => {
    report = await scenario<Report>(version, 'security.mjs', [uniqueName('security')]);
  });

  it('applies a DACL that denies everyone: nobody else opens the section or the mutex', () => {
    expect(report.denied).toEqual(denied('OpenFileMappingW'));
    expect(report.mutexDenied).toEqual(denied('OpenMutexW'));
  });

  it('lets readers open with FILE_MAP_READ a section whose DACL grants only reading, and refuses them writing', () => {
    expect(report.readersRead).toEqual({ opened: true });
    expect(report.readersWrite).toEqual(denied('OpenFileMappingW'));
  });

  // Windows applies an OWNER RIGHTS (OW) ACE to the object's owner; Wine does not know that SID's meaning and
  // denies, so this case is only asserted on Windows.
  it.skipIf(!runtime.native)('grants the owner what an OWNER RIGHTS ACE says', () => {
    expect(report.ownerOnly).toEqual({ opened: true });
  });

  it('refuses SDDL Windows cannot parse, naming the function', () => {
    expect(report.badSddl.error).toMatchObject({ name: 'Win32Error', syscall: 'ConvertStringSecurityDescriptorToSecurityDescriptorW' });
    expect(report.badSddl.error.message).toContain('not SDDL');
  });

  it('passes an inheritable handle to a child process, and not one that is not', () => {
    expect(report.childStatus).toEqual([0, 0]);
    expect(report.inherited).toEqual({ text: 'inherited' });
    expect(report.notInherited).toEqual({ error: 6 }); // ERROR_INVALID_HANDLE in the child
  });
});
