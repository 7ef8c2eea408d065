// Image sections of a real DLL (built by mingw-w64), in both view modes.
import { describe, expect, it } from 'vitest';
import { imageDll, runtime, scenario, versions, VIEW_MODES } from './harness.js';

type Report = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- parsed JSON

// On a native Windows machine without gcc there is no DLL to build: reported as skipped (see imageDll()).
const dll = imageDll();

describe.each(versions.flatMap((version) => VIEW_MODES.map(([mode, env]) => [version, mode, env] as const)))(
  'image sections, Windows node %s, %s mode',
  (version, _mode, env) => {
    // A view of an image section maps SizeOfImage bytes. Its length once came from the file's size: with bytes appended
    // (as a signature appends them) readU8(length - 1) read past the image and the page fault killed the process; without
    // them the view was cut short.
    it.runIf(dll !== undefined).each(['asBuilt', 'withAppendedBytes'])(
      'gives %s DLL views as long as its image, and no accessor reaches past it',
      async (which) => {
        const report = await scenario<Report>(version, 'image.mjs', [runtime.toWindowsPath(dll as string)], env);
        const r = report[which];
        expect(r).toMatchObject({ first: 'MZ', last: expect.any(Number), shorter: 8192 });
        expect(r.length).toBe(r.image);
        expect(r.size).toBe(r.image);
        expect(r.pastEnd.error).toMatchObject({ name: 'FileMappingValidationError', message: expect.stringContaining('run past the end of the view') });
        if (which === 'withAppendedBytes') expect(r.file).toBeGreaterThan(r.image);
        else expect(r.file).toBeLessThan(r.image);
      },
    );
  },
);
