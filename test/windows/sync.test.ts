// Named mutexes, semaphores and events against the real kernel32, in Windows node.exe.
import { beforeAll, describe, expect, it } from 'vitest';
import { error, EVENTS, expectMutexInProcess, MANY_WAITS, NUMBER_TIMEOUTS, POOL_HEALTH, SEMAPHORES } from '../fixtures/expect-sync.js';
import { runScenario, scenario, uniqueName, versions } from './harness.js';

type Report = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- parsed JSON

describe.each(versions)('synchronisation objects, Windows node %s', (version) => {
  let report: Report;
  beforeAll(async () => {
    report = await scenario<Report>(version, 'sync.mjs', [uniqueName('sync')]);
  });

  it('unlocks from the main thread a mutex locked by an async wait', () => {
    expect(report.mutexAsyncThenUnlock).toEqual({ locked: 'acquired', held: true, again: 'acquired', heldAfter: false });
  });

  it('excludes two locks of the same process, hands the mutex to the next waiter on unlock, and refuses a synchronous lock while this thread holds or awaits it', () => {
    expectMutexInProcess(report.mutexInProcess);
  });

  it('takes a number of milliseconds in the asynchronous waits, as in the synchronous ones', () => {
    expect(report.numberTimeouts).toEqual(NUMBER_TIMEOUTS);
  });

  it('tries the object once on a zero timeout: a free mutex is acquired every time', () => {
    expect(report.zeroTimeout).toEqual({ missed: 0, eventMissed: 0 });
  });

  // Under load (4 processes at once, each on a busy wait thread), each synchronous answer must be the request's own:
  // a late notify of the previous answer once woke the next request, which read that answer, and unlock() then
  // failed with ERROR_NOT_OWNER (in 10 of 12 processes of 20,000 rounds, before the fix).
  it('answers every synchronous request with its own answer, in 4 processes at once', async () => {
    const rounds = 20_000;
    const reports = await Promise.all(
      Array.from({ length: 4 }, () => scenario<Report>(version, 'sync-answers.mjs', [uniqueName('sync-answers'), String(rounds)])),
    );
    expect(reports).toEqual(Array.from({ length: 4 }, () => ({ rounds, acquired: rounds, missed: 0, error: null })));
  });

  // One wait thread waits on at most 63 handles. With 200 async waits pending, the old single thread tried a sliding
  // window of them: lock(1000) on a free mutex timed out, and a set event was noticed 24 to 30 s late.
  it('keeps every other wait prompt and correct while hundreds of async waits are pending', async () => {
    const many = await scenario<Report>(version, 'many-waits.mjs', [uniqueName('many'), '200']);
    expect(many).toEqual(MANY_WAITS);
  });

  // libuv's pool has 4 threads by default, and a wait on one of them would starve fs, dns and crypto: the package's
  // waits run on threads of its own, so with 8 waits pending a file is still read and a key derived.
  it('keeps libuv’s thread pool free while 8 asynchronous waits are pending', async () => {
    expect(await scenario<Record<string, unknown>>(version, 'pool-health.mjs', [uniqueName('pool')])).toEqual(POOL_HEALTH);
  });

  it('waits many times on one object without a MaxListenersExceededWarning', () => {
    expect(report.concurrentWaitsOneObject).toEqual({ signaled: 12, acquired: 12, warnings: [] });
  });

  it('cancels an async lock with an AbortSignal and leaves nothing locked', () => {
    expect(report.mutexAbort).toEqual({ aborted: error('AbortError'), after: 'acquired' });
  });

  it('always unlocks after withLock and withLockAsync, even when the function throws', () => {
    expect(report.withLock).toMatchObject({ value: 'ran', heldAfterThrow: false, asyncValue: 'ran async', relock: 'acquired' });
    expect(report.withLock.thrown).toEqual(error('Error', { message: 'inside' }));
    expect(report.withLock.asyncThrown).toEqual(error('Error', { message: 'inside async' }));
    expect(report.withLock.timeout).toEqual(error('LockTimeoutError'));
  });

  it('signals auto- and manual-reset events, and waits for them without blocking the event loop', () => {
    expect(report.events).toMatchObject(EVENTS);
    expect(report.events.abortResult).toEqual(error('Error', { message: 'stop waiting' }));
  });

  it('counts with semaphores, refuses a release past the maximum, and loses no count to a cancelled wait', () => {
    expect(report.semaphores).toMatchObject(SEMAPHORES);
    expect(report.semaphores.tooMany).toEqual(error('Win32Error', { code: 'EOVERFLOW', nativeCode: 'ERROR_TOO_MANY_POSTS', syscall: 'ReleaseSemaphore' }));
    expect(report.semaphores.aborted).toEqual(error('AbortError'));
    expect(report.semaphores.badOptions).toEqual(error('FileMappingValidationError', { message: expect.stringContaining('initialCount') }));
  });

  it('rejects the async waits in progress with ObjectClosedError when their object is closed, and goes on', () => {
    const closed = error('ObjectClosedError');
    expect(report.closeWhileWaiting).toEqual({ event: closed, lock: closed, semaphore: closed, after: 'signaled' });
  });

  it('creates or opens by name, and explains exclusive, missing and clashing names, closed objects and bad timeouts', () => {
    const n = report.names;
    expect(n).toMatchObject({ first: false, second: true, exclusive: 'created' });
    // Another kind's name: an exclusive create finds it taken (EEXIST), any other create or open is refused (EINVAL),
    // with the same codes as on Linux.
    expect(n.taken).toEqual(error('Win32Error', { code: 'EEXIST', nativeCode: 'ERROR_INVALID_HANDLE', syscall: 'CreateEventW' }));
    expect(n.missing).toEqual(error('Win32Error', { nativeCode: 'ERROR_FILE_NOT_FOUND', syscall: 'OpenSemaphoreW' }));
    expect(n.clash).toEqual(error('Win32Error', { code: 'EINVAL', nativeCode: 'ERROR_INVALID_HANDLE', syscall: 'CreateMutexW' }));
    expect(n.openClash).toEqual(error('Win32Error', { code: 'EINVAL', nativeCode: 'ERROR_INVALID_HANDLE', syscall: 'OpenEventW' }));
    expect(n.sectionClash).toEqual(error('Win32Error', { code: 'EINVAL', nativeCode: 'ERROR_INVALID_HANDLE', syscall: 'CreateFileMappingW' }));
    expect(n.sectionOpenClash).toEqual(error('Win32Error', { code: 'EINVAL', nativeCode: 'ERROR_INVALID_HANDLE', syscall: 'OpenFileMappingW' }));
    expect(n.afterClose).toEqual(error('ObjectClosedError'));
    expect(n.badTimeout).toEqual(error('FileMappingValidationError', { message: expect.stringContaining('timeoutMs') }));
  });

  it.each(['exit', 'kill', 'crash'])('reports an abandoned mutex to the next waiter when its holder ends by %s', async (mode) => {
    const name = uniqueName(`abandon-${mode}`);
    const [holder, next] = await Promise.all([
      runScenario(version, 'holder.mjs', [name, mode]),
      scenario<{ first: string; second: string }>(version, 'next-holder.mjs', [name, mode]),
    ]);
    // The holder never unlocked. process.exit(0) ends with 0 and abort() with a failure code; the exit code of a
    // process killed with TerminateProcess is whatever the killer chose, so it is not checked.
    if (mode === 'exit') expect(holder.code).toBe(0);
    if (mode === 'crash') expect(holder.code).not.toBe(0);
    expect(next).toEqual({ first: 'abandoned', second: 'acquired' });
  });
});
