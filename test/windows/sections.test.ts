// Sections and views as a cross-platform program uses them (test/fixtures/scenarios/sections.mjs), in Windows
// node.exe: the same scenario and the same assertions as the Linux suite's (test/linux/sections.test.ts).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectMappedWithinBound } from '../fixtures/expect-move.js';
import { durablePattern, expectDurableCases, expectSections } from '../fixtures/expect-sections.js';
import { runScenario, runtime, scenario, uniqueName, versions, VIEW_MODES } from './harness.js';

type Report = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- parsed JSON

describe.each(versions.flatMap((version) => VIEW_MODES.map(([mode, env]) => [version, mode, env] as const)))(
  'sections and views on Windows, Windows node %s, %s mode',
  (version, mode, env) => {
    it('behaves as on Linux: the same results and the same portable error codes', async ({ annotate }) => {
      const report = await scenario<Report>(version, 'sections.mjs', [uniqueName('sections')], env);
      expectSections(report, mode);
      await expectMappedWithinBound(report.moveView.attempts, annotate, `moveView, Windows node ${version}, ${mode}`);
      await expectMappedWithinBound(report.moveViewTaken.attempts, annotate, `moveViewTaken, Windows node ${version}, ${mode}`, 1);
    });
  },
);

describe.each(versions)('durable flushes, Windows node %s', (version) => {
  it('puts what a durable flush wrote in the file before the process is killed, and refuses it where there is no file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'filemapping-durable-'));
    try {
      const file = join(dir, 'killed.bin');
      const killed = await runScenario(version, 'durable.mjs', ['kill', runtime.toWindowsPath(file)]);
      // TerminateProcess right after the flush: exit code 1, and nothing unmapped or closed.
      expect(killed).toMatchObject({ code: 1, stdout: '{"flushed":true}\n' });
      expect(readFileSync(file).equals(durablePattern())).toBe(true);
      expectDurableCases(await scenario<Report>(version, 'durable.mjs', ['cases', runtime.toWindowsPath(join(dir, 'cases.bin')), uniqueName('durable')]));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
