// The atomics of a view under the real kernel32 (Wine on Linux, native on Windows), in both view modes: copy mode
// runs the interlocked instructions the package writes into its own code page; zero-copy mode uses JavaScript's
// Atomics. Both must be atomic against each other and against C's Interlocked functions.
import { beforeAll, describe, expect, it } from 'vitest';
import { cPeer, runWindows, scenario, uniqueName, versions, VIEW_MODES } from './harness.js';
import { COPY, ZERO_COPY } from '../fixtures/scenario-runner.js';

type Report = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- parsed JSON
interface Count {
  last: boolean;
  total32?: number;
  total64?: number;
  copyMode?: boolean;
}

describe.each(versions.flatMap((version) => VIEW_MODES.map(([mode, env]) => [version, mode, env] as const)))(
  'View atomics in one process, Windows node %s, %s mode',
  (version, mode, env) => {
    let report: Report;
    beforeAll(async () => {
      report = await scenario<Report>(version, 'atomics.mjs', ['single', uniqueName('atomics')], env);
    });

    it('loads, stores, exchanges, compare-exchanges and adds, wrapping like the C functions', () => {
      expect(report.values).toEqual({
        added: 41,
        failedSwap: 42,
        swapped: 42,
        exchanged: -5,
        beforeWrap: 2 ** 31 - 1,
        wrapped: -(2 ** 31),
        added64: String(2n ** 62n),
        wrapped64: String(-(2n ** 63n)),
        swapped64: String(-(2n ** 63n)),
        exchanged64: '123',
        plain: [-(2 ** 31), '-1'],
        last: 0,
        copyMode: mode === 'copy',
      });
    });

    it('refuses unaligned, out-of-range and non-integer arguments, and writes through a read-only view', () => {
      const r = report.refusals;
      const refused = (message: RegExp) => ({
        error: expect.objectContaining({ name: 'FileMappingValidationError', message: expect.stringMatching(message) }),
      });
      expect(r.unaligned).toMatchObject(refused(/multiple of 4/));
      expect(r.unaligned64).toMatchObject(refused(/multiple of 8/));
      expect(r.pastEnd).toMatchObject(refused(/offset/));
      expect(r.negative).toMatchObject(refused(/offset/));
      expect(r.fraction).toMatchObject(refused(/value: expected an integer/));
      expect(r.nan).toMatchObject(refused(/delta: expected an integer/));
      expect(r.tooBig).toMatchObject(refused(/2147483647/));
      expect(r.notBigint).toMatchObject(refused(/expected a bigint/));
      expect(r.tooBig64).toMatchObject(refused(/expected a bigint/));
      expect(r.readOnlyLoad).toBe(5);
      expect(r.readOnlyStore.error).toMatchObject({
        name: 'FileMappingValidationError',
        code: 'ERR_INVALID_ARG_VALUE',
        message: expect.stringContaining("'read' access"),
      });
      expect(r.unchanged).toBe(5);
      expect(r.unmapped.error).toMatchObject({ name: 'ObjectClosedError' });
    });
  },
);

const N = 200_000;
/** The report of the peer that finished last: the totals every peer's increments add up to. */
const totals = (reports: Count[]) => {
  expect(reports.filter((r) => r.last)).toHaveLength(1);
  return reports.find((r) => r.last);
};

describe.each(versions)('View atomics across processes, Windows node %s', (version) => {
  it(`loses no increment when a copy-mode and a zero-copy process each add 1 ${N} times to the same words`, async () => {
    const name = uniqueName('count');
    const reports = await Promise.all([
      scenario<Count>(version, 'atomics.mjs', ['count', name, String(N), '2'], COPY),
      scenario<Count>(version, 'atomics.mjs', ['count', name, String(N), '2'], ZERO_COPY),
    ]);
    expect(reports.map((r) => r.copyMode).sort()).toEqual([false, true]);
    expect(totals(reports)).toMatchObject({ total32: 2 * N, total64: 2 * N });
  });

  // On a native Windows machine without gcc there is no C peer: reported as skipped (see cPeer()).
  const peer = cPeer();
  it.runIf(peer !== undefined)(`loses no increment when a copy-mode process races a C process using InterlockedIncrement (${N} each)`, async () => {
    const name = uniqueName('count-c');
    const [ts, c] = await Promise.all([
      scenario<Count>(version, 'atomics.mjs', ['count', name, String(N), '2'], COPY),
      runWindows(peer as string, ['count', name, String(N), '2']),
    ]);
    expect(c.code).toBe(0);
    const fromC = JSON.parse(c.stdout.trim()) as Count;
    expect(totals([ts, fromC])).toMatchObject({ total32: 2 * N, total64: 2 * N });
  });
});
