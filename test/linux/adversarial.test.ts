// Sequences meant to break things end in success or a clear error of the package on Linux too, and the process
// survives: the same scenario and the same expectations as the Windows suite's (test/fixtures/expect-adversarial.ts).
import { describe, it } from 'vitest';
import { expectAdversarial, type AdversarialReport } from '../fixtures/expect-adversarial.js';
import { onLinux, scenario, uniqueName, versions, VIEW_MODES } from './harness.js';

const matrix = versions.flatMap((version) => VIEW_MODES.map(([mode, env]) => [version, mode, env] as const));

// Off Linux there are no Linux Node builds: the matrix is empty and the suite is reported as skipped.
describe.runIf(onLinux).each(matrix)('adversarial sequences on Linux, Node %s, %s mode', (version, mode, env) => {
  it('end in success or one of the package errors, and never bring the process down', async () => {
    // 2^64 - 1 bytes is more than an off_t holds: refused before any call.
    expectAdversarial(
      await scenario<AdversarialReport>(version, 'adversarial.mjs', [uniqueName('adversarial')], env),
      mode,
      'PosixError',
      'FileMappingValidationError',
    );
  });
});
