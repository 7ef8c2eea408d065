// Sequences meant to break things end in success or a clear error of the package, and the process survives.
import { describe, expect, it } from 'vitest';
import { scenario, uniqueName, versions, VIEW_MODES } from './harness.js';

const matrix = versions.flatMap((version) => VIEW_MODES.map(([mode, env]) => [version, mode, env] as const));

describe.each(matrix)('adversarial sequences, Windows node %s, %s mode', (version, mode, env) => {
  it('end in success or one of the package errors, and never bring the process down', async () => {
    const report = await scenario<{ results: Record<string, string>; survived: boolean; copyMode: boolean }>(
      version,
      'adversarial.mjs',
      [uniqueName('adversarial')],
      env,
    );
    expect(report.survived).toBe(true);
    expect(report.copyMode).toBe(mode === 'copy');
    const { results } = report;
    expect(Object.keys(results).length).toBeGreaterThanOrEqual(25);
    for (const [step, outcome] of Object.entries(results)) expect(outcome, step).not.toMatch(/^UNEXPECTED/);
    expect(results).toMatchObject({
      'double close': 'ok',
      'double unmap': 'ok',
      'unmap one view while another is alive': 'ok',
      'read after unmap': 'ObjectClosedError',
      'map after close': 'ObjectClosedError',
      'offset past the end': 'FileMappingValidationError',
      'huge length': 'FileMappingValidationError',
      'size NaN': 'FileMappingValidationError',
      'size -0': 'FileMappingValidationError',
      'size 1.5': 'FileMappingValidationError',
      'name with NUL': 'FileMappingValidationError',
      'name over the limit': 'FileMappingValidationError',
      'open a name nobody made': 'Win32Error',
      'write through a read view': 'FileMappingValidationError',
      'accessor past the end': 'FileMappingValidationError',
      'channel over a section that is not one': 'FileMappingValidationError',
    });
  });
});
