// Sequences meant to break things end in success or a clear error of the package, and the process survives: the same
// scenario and the same expectations as the Linux suite's (test/fixtures/expect-adversarial.ts).
import { describe, it } from 'vitest';
import { expectAdversarial, type AdversarialReport } from '../fixtures/expect-adversarial.js';
import { scenario, uniqueName, versions, VIEW_MODES } from './harness.js';

const matrix = versions.flatMap((version) => VIEW_MODES.map(([mode, env]) => [version, mode, env] as const));

describe.each(matrix)('adversarial sequences, Windows node %s, %s mode', (version, mode, env) => {
  it('end in success or one of the package errors, and never bring the process down', async () => {
    expectAdversarial(await scenario<AdversarialReport>(version, 'adversarial.mjs', [uniqueName('adversarial')], env), mode, 'Win32Error');
  });
});
