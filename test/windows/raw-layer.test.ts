// The raw layer (filemapping/win32) against the real kernel32, in Windows node.exe.
import { beforeAll, describe, expect, it } from 'vitest';
import { scenario, versions } from './harness.js';

type Report = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- parsed JSON

const refused = (message: RegExp) => ({ error: expect.objectContaining({ name: 'FileMappingValidationError', message: expect.stringMatching(message) }) });

describe.each(versions)('raw layer bounds, Windows node %s', (version) => {
  let report: Report;
  beforeAll(async () => {
    report = await scenario<Report>(version, 'raw-bounds.mjs');
  });

  // Before these checks, FormatMessageW given nSize 1024 and an 8-byte Buffer wrote 34 bytes over the next Buffer.
  it('refuses an nSize that lpBuffer cannot hold, and writes nothing past it', () => {
    expect(report.formatMessage).toEqual({
      refused: refused(/nSize \(argument 6\): 1024 characters is more than lpBuffer holds/u),
      neighbourUntouched: true,
      fitting: true,
    });
  });

  it('refuses character counts that the Name and domain Buffers of LookupAccountSidW cannot hold', () => {
    expect(report.lookupAccountSid).toEqual({ refused: refused(/cchName \(argument 4\): 256 characters is more than Name holds/u), neighbourUntouched: true });
  });

  it('refuses an nCount past the handles given, which once let a stale handle satisfy the wait', () => {
    expect(report.waitForMultipleObjects).toEqual({ refused: refused(/nCount \(argument 1\): 2 handles is more than lpHandles holds \(1\)/u), fitting: true });
  });

  it('refuses a SECURITY_ATTRIBUTES Buffer shorter than the structure', () => {
    expect(report.securityAttributes).toEqual({ refused: refused(/at least 24 bytes/u) });
    expect(report.tokenStillWorks).toEqual({ opened: true });
  });
});
