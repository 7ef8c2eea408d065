// Security descriptors in SDDL and inheritable handles, in Windows node.exe.
import { beforeAll, describe, expect, it } from 'vitest';
import { runtime, scenario, uniqueName, versions } from './harness.js';

type Report = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- parsed JSON

const denied = (syscall: string) => ({ error: expect.objectContaining({ name: 'Win32Error', nativeCode: 'ERROR_ACCESS_DENIED', syscall }) });

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

  // Windows applies an OWNER RIGHTS (OW) ACE to the object's owner; Wine (8, and 10.0 still) does not know that SID's
  // meaning and denies, so this case is only asserted on Windows.
  it.skipIf(!runtime.native)('grants the owner what an OWNER RIGHTS ACE says', () => {
    expect(report.ownerOnly).toEqual({ opened: true });
  });

  it('refuses SDDL Windows cannot parse, naming the function', () => {
    expect(report.badSddl.error).toMatchObject({ name: 'Win32Error', syscall: 'ConvertStringSecurityDescriptorToSecurityDescriptorW' });
    expect(report.badSddl.error.message).toContain('not SDDL');
  });

  describe('the owner check of open()', () => {
    const refused = (owner: string) => ({
      error: expect.objectContaining({ name: 'UnexpectedOwnerError', message: expect.stringContaining(`it is owned by ${owner}`) }),
    });

    it('reports the owner an SDDL O: names, for a section and a mutex', () => {
      const user = report.owners.userSid as string;
      expect(user).toMatch(/^S-1-5-/u);
      expect(report.owners.sddlOwner).toEqual({ sid: user, account: expect.stringMatching(/\\/u) });
      expect(report.owners.sddlMutexOwner).toEqual(report.owners.sddlOwner);
    });

    it("opens a section and a mutex owned by this process's user with expectedOwner 'current-user' or its SID", () => {
      const owner = report.owners.sddlOwner;
      expect(report.owners.currentUser).toEqual({ opened: true, owner });
      expect(report.owners.ownSid).toEqual({ opened: true, owner });
      expect(report.owners.mutexCurrentUser).toEqual({ opened: true, owner });
    });

    it("refuses them when the owner is not the one expected ('system', a made-up SID), saying who owns them", () => {
      const user = report.owners.userSid as string;
      expect(report.owners.system).toEqual(refused(user));
      expect(report.owners.system.error.message).toContain("expectedOwner is 'system' (S-1-5-18)");
      expect(report.owners.system.error.message).toContain('name squatting');
      expect(report.owners.madeUp).toEqual(refused(user));
      expect(report.owners.mutexSystem).toEqual(refused(user));
    });

    it('closes the handle of every refused open: the names vanish with their creators', () => {
      const notFound = { error: expect.objectContaining({ nativeCode: 'ERROR_FILE_NOT_FOUND' }) };
      expect(report.owners.namesAfterRefusals).toEqual([notFound, notFound, notFound]);
    });

    it('reads the owner only through a handle with READ_CONTROL, which open() asks for only with expectedOwner', () => {
      expect(report.owners.withoutReadControl).toEqual({ error: expect.objectContaining({ syscall: 'GetSecurityInfo', nativeCode: 'ERROR_ACCESS_DENIED' }) });
      expect(report.owners.readOnlyPlain).toEqual({ opened: true });
    });

    // Windows gives an object created without `security` its creator's token owner (the user, or
    // BUILTIN\Administrators when elevated). Wine (8, and 10.0 still) leaves such objects without an owner
    // (GetSecurityInfo returns a NULL owner SID), so there the check refuses them, as it refuses any object it cannot
    // show to be the expected one's.
    it.skipIf(!runtime.native)("gives a section created with the default security this user's owner, which 'current-user' accepts", () => {
      expect([report.owners.userSid, 'S-1-5-32-544']).toContain(report.owners.createdOwner.sid);
      expect(report.owners.defaultCurrentUser).toEqual({ opened: true, owner: report.owners.createdOwner });
      expect(report.owners.defaultSystem).toEqual(refused(report.owners.createdOwner.sid as string));
    });

    // An OWNER RIGHTS (OW) entry replaces the owner's implicit READ_CONTROL on Windows, so a DACL granting only
    // FILE_MAP_READ refuses the READ_CONTROL that expectedOwner asks for. Wine (8, and 10.0 still) keeps granting the
    // owner READ_CONTROL.
    it.skipIf(!runtime.native)('needs READ_CONTROL from the DACL when OWNER RIGHTS takes the implicit one away', () => {
      expect(report.owners.readOnlyChecked).toEqual(denied('OpenFileMappingW'));
    });
  });

  describe('a Channel', () => {
    it('applies its security to the section and both events, owned by the SDDL owner', () => {
      const owner = report.owners.sddlOwner;
      expect(report.channels.owners).toEqual([
        { opened: true, owner },
        { opened: true, owner },
        { opened: true, owner },
      ]);
    });

    it('is joined with expectedOwner when its owner is the one expected, and refused with UnexpectedOwnerError otherwise', () => {
      expect(report.channels.currentUser).toEqual({ message: 'through' });
      expect(report.channels.unchecked).toEqual({ message: 'through' });
      expect(report.channels.system.error).toMatchObject({ name: 'UnexpectedOwnerError', message: expect.stringContaining("expectedOwner is 'system'") });
    });

    it('refuses bad options before any native call, naming them', () => {
      expect(report.channels.badOwner.error).toMatchObject({ name: 'FileMappingValidationError', message: expect.stringContaining('expectedOwner') });
      expect(report.channels.badSecurity.error).toMatchObject({ name: 'FileMappingValidationError', message: expect.stringContaining('security') });
    });

    it('keeps out whom its DACL denies: the section and the events', () => {
      expect(report.channels.denied).toEqual(denied('OpenFileMappingW'));
      expect(report.channels.deniedEvent).toEqual(denied('OpenEventW'));
    });
  });

  it('passes an inheritable handle to a child process, and not one that is not', () => {
    expect(report.childStatus).toEqual([0, 0]);
    expect(report.inherited).toEqual({ text: 'inherited' });
    expect(report.notInherited).toEqual({ error: 6 }); // ERROR_INVALID_HANDLE in the child
  });
});
