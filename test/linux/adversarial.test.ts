// Sequences meant to break things end in success or a clear error of the package on Linux too, and the process
// survives: the same scenario as the Windows suite's. The mutex, event and channel steps need the objects Linux gets
// next (issue 14): until then they are refused with PlatformNotSupportedError, which is one of the package's errors.
import { describe, expect, it } from 'vitest';
import { onLinux, scenario, uniqueName, versions, VIEW_MODES } from './harness.js';

const version = versions[versions.length - 1] as string;

describe.runIf(onLinux).each(VIEW_MODES)(`adversarial sequences on Linux, Node ${version}, %s mode`, (mode, env) => {
  it('end in success or one of the package errors, and never bring the process down', async () => {
    const report = await scenario<{ results: Record<string, string>; survived: boolean; copyMode: boolean }>(version, 'adversarial.mjs', [uniqueName('adversarial')], env);
    expect(report.survived).toBe(true);
    expect(report.copyMode).toBe(mode === 'copy');
    for (const [step, outcome] of Object.entries(report.results)) expect(outcome, step).not.toMatch(/^UNEXPECTED/);
    expect(report.results).toMatchObject({
      'double close': 'ok',
      'double unmap': 'ok',
      'unmap one view while another is alive': 'ok',
      'read after unmap': 'ObjectClosedError',
      'map after close': 'ObjectClosedError',
      'offset past the end': 'FileMappingValidationError',
      'huge length': 'FileMappingValidationError',
      'huge size': 'FileMappingValidationError',
      'size NaN': 'FileMappingValidationError',
      'name with NUL': 'FileMappingValidationError',
      'name over the limit': 'FileMappingValidationError',
      'open a name nobody made': 'PosixError',
      'write through a read view': 'FileMappingValidationError',
      'accessor past the end': 'FileMappingValidationError',
      'flush past the end': 'FileMappingValidationError',
    });
  });
});
