// The view accessors in both modes, in Windows node.exe: zero copy, and copy mode forced with FILEMAPPING_COPY_MODE
// (as it is chosen by itself where external buffers are forbidden, in Electron).
import { describe, expect, it } from 'vitest';
import { accessorsWritten } from '../fixtures/expect-sections.js';
import { runScenario, uniqueName, versions } from './harness.js';

describe.each(versions)('view accessors, Windows node %s', (version) => {
  it.each([
    ['zero-copy', '0'],
    ['copy', '1'],
  ] as const)('read and write the shared memory in %s mode, and refuse writes through a read view and fractions', async (mode, env) => {
    const result = await runScenario(version, 'accessors.mjs', [uniqueName('accessors')], { FILEMAPPING_COPY_MODE: env });
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout.trim());
    expect(report).toMatchObject(accessorsWritten(mode));
    if (mode === 'copy') expect(report.buffer.error.message).toContain('copy mode');
    else expect(report.buffer).toBe(65536);
    expect(report.refusedWrite.error).toMatchObject({
      name: 'FileMappingValidationError',
      code: 'ERR_INVALID_ARG_VALUE',
      message: expect.stringContaining("'read' access"),
    });
    expect(report.pastEnd.error).toMatchObject({ name: 'FileMappingValidationError' });
    expect(report.fraction.error).toMatchObject({ name: 'FileMappingValidationError', issues: ['value: expected an integer from 0 to 255, got 1.5'] });
    expect(report.firstByte).toBe('C'.charCodeAt(0));
  });
});
