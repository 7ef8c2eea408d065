// The scenarios of test/fixtures/scenarios/single.mjs, run in Windows node.exe (under Wine on Linux, natively on
// Windows), once per Node version; each test asserts on one case's report.
import { beforeAll, describe, expect, it } from 'vitest';
import { expectMappedWithinBound } from '../fixtures/expect-move.js';
import { runtime, scenario, uniqueName, versions, VIEW_MODES } from './harness.js';

type Report = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- parsed JSON

/** Wine implements GetProcessHandleCount as a stub that returns 0; Windows counts. */
const underWine = !runtime.native;

const win32Error = (nativeCode: string, syscall: string) => ({ error: expect.objectContaining({ name: 'Win32Error', nativeCode, syscall }) });
const validationError = (...fragments: string[]) => ({
  error: expect.objectContaining({
    name: 'FileMappingValidationError',
    message: expect.stringMatching(new RegExp(fragments.map((f) => f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('[\\s\\S]*'))),
  }),
});

const matrix = versions.flatMap((version) => VIEW_MODES.map(([mode, env]) => [version, mode, env] as const));

describe.each(matrix)('one process, Windows node %s, %s views', (version, mode, env) => {
  let report: Report;
  beforeAll(async () => {
    report = await scenario<Report>(version, 'single.mjs', [uniqueName('single')], env);
  });

  it('runs in the mode asked for', () => {
    expect(report.copyMode).toBe(mode === 'copy');
  });

  it('maps the same section twice: two addresses, one memory', () => {
    expect(report.twice).toEqual({ differentAddresses: true, bSeesA: 'seen through the other view', aSeesB: 0xdeadbeef });
  });

  it('moves a view to a chosen base address without copying (MapViewOfFileEx)', async ({ annotate }) => {
    expect(report.move).toMatchObject({ text: 'moved without copying' });
    await expectMappedWithinBound(report.move.attempts, annotate, `move, Windows node ${version}, ${mode}`);
    // After a retry the view is where mapAt() picked a range again, which may be the one the first view left.
    if (report.move.attempts === 1) expect(report.move).toMatchObject({ movedTo: true, changedAddress: true, oldRangeFree: true });
    expect(report.move.misaligned).toEqual(validationError('address', 'allocation granularity (65536 bytes'));
  });

  it('writes a file through a file-backed section, and flush leaves the bytes in the file', () => {
    const file = report.fileBacked;
    expect(file).toMatchObject({ fileSize: 8192, fileText: 'file-backed bytes', existingFile: '01AB456789' });
    expect(file.existing).toEqual({ size: '10', length: 10 });
  });

  it('keeps copy-on-write changes private to the view, and refuses a write view of a read-only section', () => {
    expect(file().copy.viewSees).toBe('ZZAB');
    expect(file().existingFile).toBe('01AB456789');
    expect(file().copy.writeRefused).toEqual(validationError("access: 'write' is not allowed on a 'readonly' section", "'read', 'copy'"));
    function file() {
      return report.fileBacked;
    }
  });

  it('leaves no stray file behind when create() does not back a section with the file it created', () => {
    expect(report.fileBacked.leftovers).toEqual({
      reopened: { alreadyExisted: true, file: null },
      strayExists: false,
      failedCode: 'ERROR_BAD_EXE_FORMAT',
      failedFileExists: false,
    });
  });

  it('flushes an empty range without asking Windows, and refuses a range outside the view', () => {
    expect(report.fileBacked.emptyFlush.flushed).toBe(true);
    expect(report.fileBacked.emptyFlush.outside).toEqual(validationError('within the view'));
  });

  it('says what to do when the backing file is missing or empty', () => {
    expect(report.fileBacked.missing).toEqual(win32Error('ERROR_FILE_NOT_FOUND', 'CreateFileW'));
    expect(report.fileBacked.missing.error.message).toContain('pass `size` to create it');
    expect(report.fileBacked.empty).toEqual(win32Error('ERROR_FILE_INVALID', 'CreateFileMappingW'));
    expect(report.fileBacked.empty.error.message).toContain('needs a size');
  });

  it('handles a 5 GiB section with a view past 4 GiB', () => {
    expect(report.large).toMatchObject({ size: '5368709120', seenAgain: 'past 4 GiB', highOffset: String(4 * 2 ** 30 + 65536) });
  });

  it('refuses a view longer than a Buffer can be instead of crashing, and maps it where Buffers are larger', () => {
    const { maxViewLength, whole } = report.large;
    if (BigInt(maxViewLength) < 5n * 2n ** 30n) {
      expect(whole).toEqual(validationError('longer than a Buffer can be', 'map it in parts'));
    } else {
      expect(whole).toEqual({ length: 5 * 2 ** 30 });
    }
  });

  it('tells whether create() made the section, and exclusive creation fails on a taken name', () => {
    expect(report.exclusive).toMatchObject({ first: false, second: true, isWin32: true });
    // The second create() opened the first section: its size is the first one's, not the one it asked for.
    expect(report.exclusive.secondSize).toBe('4096');
    expect(report.exclusive.third).toEqual(win32Error('ERROR_ALREADY_EXISTS', 'CreateFileMappingW'));
  });

  it('explains a name taken by another kind of kernel object', () => {
    expect(report.clash.create).toEqual(win32Error('ERROR_INVALID_HANDLE', 'CreateFileMappingW'));
    expect(report.clash.open).toEqual(win32Error('ERROR_INVALID_HANDLE', 'OpenFileMappingW'));
    expect(report.clash.create.error.message).toContain('another kind of kernel object');
    expect([report.clash.create.error.code, report.clash.open.error.code]).toEqual(['EINVAL', 'EINVAL']);
  });

  it('keeps Local\\ (the default) and Global\\ as separate namespaces', () => {
    expect(report.namespaces).toMatchObject({ localAlreadyExisted: false, plainAlreadyExisted: true, plainSize: '4096' });
    const { global } = report.namespaces;
    if ('error' in global) {
      // A user process without SeCreateGlobalPrivilege may not create Global\ sections on Windows.
      expect(global).toEqual(win32Error('ERROR_ACCESS_DENIED', 'CreateFileMappingW'));
    } else {
      expect(global).toEqual({ alreadyExisted: false, openedSize: '65536' });
    }
  });

  it('validates map options against the section before mapping, naming the granularity', () => {
    const v = report.validation;
    expect(v.offset).toEqual(validationError('offset: 4096 is not a multiple of the allocation granularity (65536 bytes'));
    expect(v.length).toEqual(validationError('length', 'past the end of the 1048576-byte section', 'at most 983040'));
    expect(v.protection).toEqual(validationError('protection', "'readonly', 'readwrite'"));
    expect(v.size).toEqual(validationError('size', 'non-negative'));
    expect(v.zero).toEqual(validationError('size', 'greater than 0'));
    expect(v.access).toEqual(validationError("access: 'write' is not allowed"));
    expect(v.openMissing).toEqual(win32Error('ERROR_FILE_NOT_FOUND', 'OpenFileMappingW'));
    expect(v.addressTooHigh).toEqual(validationError('address: a view at 0x800000000000', 'highest application address'));
    expect(v.imageWithCommit).toEqual(validationError("'image' takes no other attribute"));
    expect(v.flushUnknownKey).toEqual(validationError('Unrecognized key: "foo"'));
    expect(v.readonlyPastFile).toEqual(validationError('size: 4096 bytes is more than', "holds (100 bytes), and a 'readonly' section cannot grow its file"));
    expect(v.deniedRead.error).toMatchObject({
      nativeCode: 'ERROR_ACCESS_DENIED',
      message: expect.stringContaining('its security does not let this process read it'),
    });
    expect(v.deniedRead.error.message).not.toContain('access: "read"');
  });

  it('maps every access each protection allows', () => {
    const pairs = Object.entries(report.access).filter(([key]) => key.includes('/'));
    expect(pairs).toHaveLength(16);
    for (const [key, result] of pairs) expect(result, key).toMatchObject({ access: key.split('/')[1], length: 65536 });
    expect(report.access.copyOnWrite).toEqual({ shared: 'original', copy: 'private!' });
  });

  it('creates sections with the commit, reserve, no-cache and write-combine attributes', () => {
    for (const attribute of ['commit', 'reserve', 'no-cache', 'write-combine']) {
      expect(report.attributes[attribute], attribute).toEqual({ length: 1048576 });
    }
  });

  // Windows refuses large pages to a process without SeLockMemoryPrivilege, and grants them to one that has it. Wine
  // grants them without the check (Wine 10.0 too), which is the second outcome: the case accepts both, and runs there.
  it('reports a missing SeLockMemoryPrivilege for large pages', () => {
    const largePages = report.attributes['large-pages'];
    if ('error' in largePages) expect(largePages).toEqual(win32Error('ERROR_PRIVILEGE_NOT_HELD', 'CreateFileMappingW'));
    else expect(largePages).toEqual({ created: true });
  });

  it('keeps views valid after close, makes unmap and close idempotent, and refuses use after close', () => {
    const l = report.lifetime;
    expect(l.afterClose).toBe('still mapped');
    expect(l.closedError).toBe(true);
    for (const key of ['mapClosed', 'handleClosed', 'bufferUnmapped', 'flushUnmapped']) {
      expect(l[key].error, key).toMatchObject({ name: 'ObjectClosedError', message: expect.stringContaining('closed') });
    }
    // A closed mapping's views keep its name until the last one is unmapped.
    expect(l.nameWhileViewed).toBe('still mapped');
    expect(l.nameAfterUnmap).toBe(false);
  });

  it('keeps a named section and its name while only a view of it is kept, through garbage collection', () => {
    expect(report.viewKeepsName).toEqual({ alreadyExisted: true, seen: 'kept by the view', nameAfterUnmap: false });
  });

  it('detaches the Buffer on unmap where the runtime can (Node 22+), so a stale Buffer reads as empty', () => {
    if (mode === 'copy') expect(report.lifetime.staleLength).toBe('copy mode');
    else if (Number(version.split('.')[0]) >= 22) expect(report.lifetime.staleLength).toBe(0);
    else expect(report.lifetime.staleLength).toBe('not detachable');
  });

  it('gives an opened section the size VirtualQuery reports, rounded up to the page size', () => {
    expect(report.openedSize).toMatchObject({ createdSize: '10000', openedSize: '12288', viewLength: 12288 });
    expect(report.openedSize.pastEnd).toEqual(validationError('offset: 65536 is at or past the end of the 12288-byte section'));
    expect(report.openedSize.readOnlyWrite).toEqual(win32Error('ERROR_ACCESS_DENIED', 'MapViewOfFile'));
  });

  it('releases every handle and view across 2000 create/map/unmap/close cycles', () => {
    const h = report.handles;
    expect(h).toMatchObject({ cycles: 2000, namesLeft: 0, viewsLeft: 0 });
    // Wine's GetProcessHandleCount is a stub returning 0 (Wine 10.0 still); on Windows the count must stay flat.
    if (!underWine) expect(h.handlesAfter - h.handlesBefore).toBeLessThan(10);
  });

  it('releases forgotten mappings and views through the finalizer', () => {
    expect(report.finalizer).toEqual({ forgotten: 20, aliveAtStart: 20, mappedAtStart: 20, aliveAfterGc: 0, mappedAfterGc: 0 });
  });

  it('throws Win32Error and ObjectClosedError that are distinct classes, recognised across realms', () => {
    expect(report.errors).toMatchObject({ instance: true, closed: true });
    expect(report.errors.error).toEqual(win32Error('ERROR_FILE_NOT_FOUND', 'OpenFileMappingW'));
    expect(report.errors.error.error).toMatchObject({ errno: 2, message: expect.stringContaining('File not found') });
  });
});
