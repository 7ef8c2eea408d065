import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts', 'win32/index': 'src/win32/index.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  // One chunk per shared module in both formats, so 'filemapping' and 'filemapping/win32' share one kernel32 and one
  // set of error classes (instanceof works across the two entry points).
  splitting: true,
  // kernel32.ts loads koffi lazily with createRequire(import.meta.url); the CJS build needs the shim for it.
  shims: true,
  target: 'node20',
  // koffi carries a native binary per platform: it must stay a runtime dependency, never be bundled.
  external: ['koffi'],
});
