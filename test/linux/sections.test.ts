// Sections and views natively on Linux, from the scenario files the Windows suite runs under Wine.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectMappedWithinBound } from '../fixtures/expect-move.js';
import { accessorsWritten, durablePattern, expectDurableCases, expectSections } from '../fixtures/expect-sections.js';
import { onLinux, runScenario, scenario, uniqueName, versions, VIEW_MODES } from './harness.js';

type Report = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- parsed JSON

const matrix = versions.flatMap((version) => VIEW_MODES.map(([mode, env]) => [version, mode, env] as const));

// Off Linux there is no Linux Node to run: reported as skipped.
describe.runIf(onLinux).each(matrix)('sections and views on Linux, Node %s, %s mode', (version, mode, env) => {
  it('behaves as on Windows: the same results and the same portable error codes', async ({ annotate }) => {
    const report = await scenario<Report>(version, 'sections.mjs', [uniqueName('sections')], env);
    expectSections(report, mode);
    await expectMappedWithinBound(report.moveView.attempts, annotate, `moveView, Node ${version}, ${mode}`);
    await expectMappedWithinBound(report.moveViewTaken.attempts, annotate, `moveViewTaken, Node ${version}, ${mode}`, 1);
  });

  it('reads through a second view what the accessors wrote, and refuses writes through a read view', async () => {
    const report = await scenario<Report>(version, 'accessors.mjs', [uniqueName('accessors')], env);
    expect(report).toMatchObject(accessorsWritten(mode));
    expect(report.refusedWrite.error).toMatchObject({ name: 'FileMappingValidationError', message: expect.stringContaining("'read' access") });
    expect(report.fraction.error).toMatchObject({ name: 'FileMappingValidationError' });
  });
});

describe.runIf(onLinux).each(versions)('durable flushes on Linux, Node %s', (version) => {
  it('puts what a durable flush wrote in the file before the process is killed, and refuses it where there is no file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'filemapping-durable-'));
    try {
      const file = join(dir, 'killed.bin');
      const killed = await runScenario(version, 'durable.mjs', ['kill', file]);
      // SIGKILL right after the flush: nothing unmapped or closed.
      expect(killed).toMatchObject({ signal: 'SIGKILL', stdout: '{"flushed":true}\n' });
      expect(readFileSync(file).equals(durablePattern())).toBe(true);
      expectDurableCases(await scenario<Report>(version, 'durable.mjs', ['cases', join(dir, 'cases.bin'), uniqueName('durable')]));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
