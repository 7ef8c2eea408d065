// Sections and views natively on Linux, from the scenario files the Windows suite runs under Wine.
import { describe, expect, it } from 'vitest';
import { expectSections } from '../fixtures/expect-sections.js';
import { onLinux, scenario, uniqueName, versions, VIEW_MODES } from './harness.js';

type Report = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- parsed JSON

const matrix = versions.flatMap((version) => VIEW_MODES.map(([mode, env]) => [version, mode, env] as const));

// Off Linux there is no Linux Node to run: reported as skipped.
describe.runIf(onLinux).each(matrix)('sections and views on Linux, Node %s, %s mode', (version, mode, env) => {
  it('behaves as on Windows: the same results and the same portable error codes', async () => {
    const report = await scenario<Report>(version, 'sections.mjs', [uniqueName('sections')], env);
    expectSections(report, mode);
  });

  it('reads through a second view what the accessors wrote, and refuses writes through a read view', async () => {
    const report = await scenario<Report>(version, 'accessors.mjs', [uniqueName('accessors')], env);
    expect(report).toMatchObject({ copyMode: mode === 'copy', text: 'C string ✓', wide: 'wide', u64: String(2n ** 64n - 1n), f64: -0.5, tail: [9, 9, 9, 9, 9, 9] });
    expect(report.refusedWrite.error).toMatchObject({ name: 'FileMappingValidationError', message: expect.stringContaining("'read' access") });
    expect(report.fraction.error).toMatchObject({ name: 'FileMappingValidationError' });
  });
});
