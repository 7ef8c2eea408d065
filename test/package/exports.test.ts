// The built package, loaded by name as users load it: on Linux here (import must not throw; creating needs
// Windows), and in Windows node.exe through the harness.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { scenario, uniqueName, versions } from '../windows/harness.js';

const require = createRequire(import.meta.url);

describe('the package on this platform', () => {
  it('imports and requires by name, with one set of classes for both, and its raw layers', async () => {
    const esm = await import('filemapping');
    const cjs = require('filemapping') as typeof esm;
    const win32 = await import('filemapping/win32');
    const posix = await import('filemapping/posix');
    expect(esm.FileMapping).toBe(cjs.FileMapping);
    expect(win32.FILE_MAP_ALL_ACCESS).toBe(0xf001f);
    expect(posix.O_CREAT).toBe(0x40);
    expect(posix.shm_open).toBe(esm.posix.shm_open);
  });

  // On Linux the package works natively: a section made through require() is opened through import().
  it.runIf(process.platform === 'linux')('creates a section through one entry point and opens it through the other, on Linux', async () => {
    const esm = await import('filemapping');
    const cjs = require('filemapping') as typeof esm;
    const name = `filemapping-test-exports-${process.pid}`;
    const made = cjs.FileMapping.create({ name, size: 4096 });
    const view = made.map();
    view.writeString('via require', 0);
    const opened = esm.FileMapping.open(name, { access: 'read' });
    const seen = opened.map();
    expect(seen.readString(0)).toBe('via require');
    for (const resource of [seen, opened, view, made]) resource[Symbol.dispose]();
  });

  // zod is most of what importing would cost (see BENCHMARKS.md, import cost): it loads on the first validation, and
  // the built package loads its own one-file copy of the part it uses (dist/zod.cjs), never zod's hundred files.
  it.each([['filemapping'], ['filemapping/win32']])(
    'loads neither zod nor koffi when %s is required, and only its one-file zod when options are checked',
    (entry) => {
      const probe = `
      const paths = (pattern) => Object.keys(require.cache).filter((path) => pattern.test(path));
      const loaded = () => ({
        bundledZod: paths(/[\\/]dist[\\/]zod\\.cjs$/).length,
        zod: paths(/[\\/]node_modules[\\/]zod[\\/]/).length,
        koffi: paths(/[\\/]node_modules[\\/]koffi[\\/]/).length,
      });
      const m = require(${JSON.stringify(entry)});
      const atImport = loaded();
      try { (m.FileMapping ? () => m.FileMapping.create({ size: -1 }) : () => m.CloseHandle(-1))(); } catch {}
      console.log(JSON.stringify({ atImport, afterCheck: loaded() }));`;
      const output = execFileSync(process.execPath, ['-e', probe], { cwd: process.cwd(), encoding: 'utf8' });
      expect(JSON.parse(output)).toEqual({
        atImport: { bundledZod: 0, zod: 0, koffi: 0 },
        afterCheck: { bundledZod: 1, zod: 0, koffi: 0 },
      });
    },
  );

  // src/zod.ts requires './zod.cjs' relative to the built file that carries it (tsup.config.ts): only files in dist/
  // itself may. The wait thread's script, in dist/win32/, would not find it.
  it('requires the bundled zod only from files beside it', () => {
    const dist = join(process.cwd(), 'dist');
    const requiring = readdirSync(dist, { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('.cjs') && readFileSync(join(dist, file), 'utf8').includes('"./zod.cjs"'))
      .map((file) => file.replaceAll('\\', '/'))
      .sort();
    expect(requiring).toEqual(['cli.cjs', 'index.cjs']);
  });

  // The build renamed classes that refer to themselves (_Win32Error), and uncaught errors printed that name.
  it('exports every class under its own name, and its errors print with it', async () => {
    const module = (await import('filemapping')) as Record<string, unknown>;
    const classes = Object.entries(module).filter(([name, value]) => typeof value === 'function' && /^[A-Z]/u.test(name) && 'prototype' in value);
    expect(classes.length).toBeGreaterThan(10);
    for (const [name, value] of classes) expect((value as { name: string }).name, name).toBe(name);
    const { FileMapping } = module as typeof import('filemapping');
    let printed = '';
    try {
      FileMapping.create({ size: -1 });
    } catch (error) {
      printed = inspect(error);
    }
    expect(printed).toMatch(/^FileMappingValidationError: Invalid FileMapping\.create\(\) options/u);
  });

  it('checks options before anything platform-specific', async () => {
    const { FileMapping, FileMappingValidationError } = await import('filemapping');
    expect(() => FileMapping.create({ size: -1 })).toThrow(FileMappingValidationError);
  });
});

describe.each(versions)('the package in Windows node %s', (version) => {
  it('works through require() and import() by name, with one set of classes across entry points', async () => {
    const result = await scenario<Record<string, unknown>>(version, 'package.cjs', [uniqueName('package')]);
    expect(result).toEqual({
      text: 'via require',
      sameWin32Error: true,
      rawError: { name: 'FileMappingValidationError', code: 'ERR_INVALID_ARG_VALUE', sameClass: true },
    });
  });
});
