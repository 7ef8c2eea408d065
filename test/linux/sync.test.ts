// Named mutexes, events and semaphores natively on Linux, from the scenario files the Windows suite runs under Wine:
// the same results, the portable error codes, and a holder that dies reported as 'abandoned'.
import { describe, expect, it } from 'vitest';
import { error, EVENTS, expectMutexInProcess, MANY_WAITS, NUMBER_TIMEOUTS, POOL_HEALTH, SEMAPHORES } from '../fixtures/expect-sync.js';
import { onLinux, runScenario, scenario, uniqueName, versions } from './harness.js';

type Report = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- parsed JSON

describe.runIf(onLinux).each(versions)('synchronisation objects on Linux, Node %s', (version) => {
  it('behaves as on Windows: locks, handovers, a synchronous lock refused while this thread holds it, aborts, withLock, waits given milliseconds, events, semaphores, closes and names', async () => {
    const report = await scenario<Report>(version, 'sync.mjs', [uniqueName('sync')]);
    expect(report.mutexAsyncThenUnlock).toEqual({ locked: 'acquired', held: true, again: 'acquired', heldAfter: false });
    expectMutexInProcess(report.mutexInProcess);
    expect(report.numberTimeouts).toEqual(NUMBER_TIMEOUTS);
    expect(report.mutexAbort).toEqual({ aborted: error('AbortError'), after: 'acquired' });
    expect(report.withLock).toMatchObject({ value: 'ran', heldAfterThrow: false, asyncValue: 'ran async', relock: 'acquired' });
    expect(report.withLock.timeout).toEqual(error('LockTimeoutError'));
    expect(report.events).toMatchObject(EVENTS);
    expect(report.semaphores).toMatchObject(SEMAPHORES);
    expect(report.semaphores.tooMany).toEqual(error('PosixError', { code: 'EOVERFLOW' }));
    expect(report.concurrentWaitsOneObject).toEqual({ signaled: 12, acquired: 12, warnings: [] });
    expect(report.zeroTimeout).toEqual({ missed: 0, eventMissed: 0 });
    const closed = error('ObjectClosedError');
    expect(report.closeWhileWaiting).toEqual({ event: closed, lock: closed, semaphore: closed, after: 'signaled' });
    const n = report.names;
    expect(n).toMatchObject({ first: false, second: true, exclusive: 'created' });
    // Another kind's name: an exclusive create finds it taken (EEXIST), any other create or open is refused (EINVAL),
    // with the same codes as on Windows.
    expect(n.taken).toEqual(error('PosixError', { code: 'EEXIST' }));
    expect(n.missing).toEqual(error('PosixError', { code: 'ENOENT' }));
    const clash = (holds: string) =>
      error('PosixError', { code: 'EINVAL', message: expect.stringMatching(new RegExp(`the name holds ${holds}.*taken by another kind of object`, 'u')) });
    expect(n.clash).toEqual(clash('a section'));
    expect(n.openClash).toEqual(clash('a section'));
    expect(n.sectionClash).toEqual(clash('a mutex, an event or a semaphore'));
    expect(n.sectionOpenClash).toEqual(clash('a mutex, an event or a semaphore'));
    expect(n.afterClose).toEqual(closed);
  });

  it('keeps every other wait prompt and correct while hundreds of async waits are pending', async () => {
    expect(await scenario<Report>(version, 'many-waits.mjs', [uniqueName('many'), '200'])).toEqual(MANY_WAITS);
  });

  it('answers every synchronous request with its own answer, in 4 processes at once', async () => {
    const rounds = 20_000;
    const reports = await Promise.all(
      Array.from({ length: 4 }, () => scenario<Report>(version, 'sync-answers.mjs', [uniqueName('sync-answers'), String(rounds)])),
    );
    expect(reports).toEqual(Array.from({ length: 4 }, () => ({ rounds, acquired: rounds, missed: 0, error: null })));
  });

  it.each(['exit', 'kill', 'crash'])('reports an abandoned mutex to the next locker when its holder ends by %s', async (mode) => {
    const name = uniqueName(`abandon-${mode}`);
    const [holder, next] = await Promise.all([
      runScenario(version, 'holder.mjs', [name, mode]),
      scenario<{ first: string; second: string }>(version, 'next-holder.mjs', [name, mode]),
    ]);
    if (mode === 'exit') expect(holder.code).toBe(0);
    if (mode === 'kill') expect(holder.signal).toBe('SIGKILL');
    if (mode === 'crash') expect(holder.signal).toBe('SIGABRT');
    expect(next).toEqual({ first: 'abandoned', second: 'acquired' });
  });

  // The worker's handles are closed when it ends, before its wait thread (the mutex's holder) is gone: the page the
  // kernel marks the mutex abandoned through must stay mapped until then.
  it('reports an abandoned mutex to the next locker when a worker thread ends holding it, however it ends', async () => {
    const report = await scenario<Report>(version, 'worker-holder.mjs', [uniqueName('worker-holder')]);
    for (const ending of ['natural', 'exit', 'throws', 'terminate']) {
      expect(report[ending], ending).toEqual({ locked: 'acquired', next: 'abandoned', after: 'acquired' });
    }
  });

  // An async wait runs on a thread of the package's own, never on libuv's pool (4 threads), which fs, dns and crypto
  // need: with 8 waits pending, a file is still read.
  it('keeps libuv’s thread pool free while 8 asynchronous waits are pending', async () => {
    expect(await scenario<Report>(version, 'pool-health.mjs', [uniqueName('pool')])).toEqual(POOL_HEALTH);
  });

  it('releases what a worker thread left open when it ends, however it ends', async () => {
    const report = await scenario<Record<string, { whileRunning: unknown[]; exitCode: number; afterExit: unknown[] }>>(version, 'worker-exit.mjs', [
      uniqueName('worker-exit'),
    ]);
    const gone = error('PosixError', { code: 'ENOENT' });
    for (const [ending, exitCode] of [
      ['natural', 0],
      ['exit', 0],
      ['throws', 1],
    ] as const) {
      expect(report[ending], ending).toEqual({ whileRunning: [true, true, true, true], exitCode, afterExit: [gone, gone, gone, gone] });
    }
  });
});
