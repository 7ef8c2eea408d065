// Sections and views as a cross-platform program uses them (test/fixtures/scenarios/sections.mjs), in Windows
// node.exe: the same scenario and the same assertions as the Linux suite's (test/linux/sections.test.ts).
import { describe, it } from 'vitest';
import { expectSections } from '../fixtures/expect-sections.js';
import { scenario, uniqueName, versions, VIEW_MODES } from './harness.js';

type Report = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- parsed JSON

describe.each(versions.flatMap((version) => VIEW_MODES.map(([mode, env]) => [version, mode, env] as const)))(
  'sections and views on Windows, Windows node %s, %s mode',
  (version, mode, env) => {
    it('behaves as on Linux: the same results and the same portable error codes', async () => {
      expectSections(await scenario<Report>(version, 'sections.mjs', [uniqueName('sections')], env), mode);
    });
  },
);
