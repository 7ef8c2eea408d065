import { defineConfig } from 'tsup';

const entries = {
  index: 'src/index.ts',
  'win32/index': 'src/win32/index.ts',
  // The wait thread's script, loaded by new Worker() from beside the package's files.
  'win32/waiter-worker': 'src/win32/waiter-worker.ts',
  // The command-line tool, run by bin/filemapping.cjs.
  cli: 'src/cli.ts',
};

export default defineConfig({
  entry: entries,
  // One build, CommonJS, and ESM entry points that re-export it: require() and import() in one process (common in
  // Electron apps) then share one module instance, so instanceof, the kernel32 declarations and the finalizers are
  // not duplicated (the "dual package hazard"). scripts/esm-entries.mjs writes those ESM entry points.
  format: ['cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  splitting: true,
  // kernel32.ts loads koffi lazily with createRequire(import.meta.url); the CJS build needs the shim for it.
  shims: true,
  // koffi carries a native binary per platform: it must stay a runtime dependency, never be bundled.
  external: ['koffi'],
});
