// A worker thread that ends without closing what it opened leaks nothing: its heap goes without finalisers, so the
// package releases what it still held when the thread ends.
import { beforeAll, describe, expect, it } from 'vitest';
import { scenario, uniqueName, versions } from './harness.js';

type Report = Record<string, { whileRunning: unknown[]; exitCode: number; afterExit: unknown[] }>;

describe.each(versions)('a worker thread that ends without close(), Windows node %s', (version) => {
  let report: Report;
  beforeAll(async () => {
    report = await scenario<Report>(version, 'worker-exit.mjs', [uniqueName('worker-exit')]);
  });

  const gone = { error: expect.objectContaining({ name: 'Win32Error', nativeCode: 'ERROR_FILE_NOT_FOUND' }) };

  it.each([
    ['ends on its own', 'natural', 0],
    ['calls process.exit()', 'exit', 0],
    ['throws', 'throws', 1],
  ])('releases its section, view, mutex and channel when it %s', (_what, ending, exitCode) => {
    const result = report[ending]!;
    expect(result.whileRunning).toEqual([true, true, true, true]);
    expect(result.exitCode).toBe(exitCode);
    expect(result.afterExit).toEqual([gone, gone, gone, gone]);
  });
});

// The next locker of a mutex that a worker thread held when it ended gets 'abandoned', however the worker ended.
describe.each(versions)('a worker thread that ends holding a mutex, Windows node %s', (version) => {
  let report: Record<string, unknown>;
  beforeAll(async () => {
    report = await scenario<Record<string, unknown>>(version, 'worker-holder.mjs', [uniqueName('worker-holder')]);
  });

  it.each(['natural', 'exit', 'throws', 'terminate'])('leaves it abandoned for the next locker (ending: %s)', (ending) => {
    expect(report[ending]).toEqual({ locked: 'acquired', next: 'abandoned', after: 'acquired' });
  });
});
