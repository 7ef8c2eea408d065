import { readFileSync } from 'node:fs';
import { buildSync } from 'esbuild';
import { defineConfig } from 'tsup';

// One file per entry, no shared chunks: under Wine every module file read costs about 12 ms, and splitting made
// importing the package read six (BENCHMARKS.md, import cost). The raw layer is part of index.cjs (its `win32`
// export); scripts/esm-entries.mjs writes dist/win32/index.cjs and index.js to re-export it, so `filemapping` and
// `filemapping/win32` share one module instance. The wait thread's script and the command-line tool run in a thread
// and a process of their own, so the copies of the shared code they carry are never mixed with the package's.
const entries = {
  index: 'src/index.ts',
  // The command-line tool, run by bin/filemapping.cjs.
  cli: 'src/cli.ts',
};

/**
 * The wait threads' code (one script per OS), each bundled into one CommonJS script that the package carries as a
 * string (FILEMAPPING_WAITER_SOURCE_WIN32, _POSIX) and starts with new Worker(source, { eval: true }): the package looks
 * up no file of its own at run time, so it works bundled into one file or packed in an asar archive. A thread loads
 * koffi from the path the main thread gives it; import.meta.url is only used by the source's require
 * (core/package-require.ts), which a thread never calls.
 */
function waiterSource(entry: string): string {
  const text = buildSync({
    entryPoints: [entry],
    bundle: true,
    write: false,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    // The main thread's require('koffi') and require('./zod.cjs'), in modules a thread shares but never calls there.
    external: ['koffi', './zod.cjs'],
    define: { 'import.meta.url': JSON.stringify('file:///filemapping-wait-thread') },
    logLevel: 'error',
  }).outputFiles[0]?.text;
  if (!text) throw new Error(`esbuild produced no wait thread script from ${entry}`);
  return text;
}

// The version `filemapping --version` prints, written into the build: the command reads no file of its own at run time.
const packageVersion = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version;

// zod's licence heads the copy of the part of it the package carries (dist/zod.cjs).
const zodPackage = JSON.parse(readFileSync('node_modules/zod/package.json', 'utf8')) as { version: string };
const zodLicence = readFileSync('node_modules/zod/LICENSE', 'utf8').trim();

export default defineConfig([
  {
    entry: entries,
    // One build, CommonJS, and ESM entry points that re-export it: require() and import() in one process (common in
    // Electron apps) then share one module instance, so instanceof, the kernel32 declarations and the finalizers are
    // not duplicated (the "dual package hazard"). scripts/esm-entries.mjs writes those ESM entry points.
    format: ['cjs'],
    // Declarations for the public entry points (the raw layers' too, though their code is in index.cjs).
    dts: { entry: { index: 'src/index.ts', 'win32/index': 'src/win32/index.ts', 'posix/index': 'src/posix/index.ts' } },
    sourcemap: true,
    // Not here: the two builds run side by side, and one cleaning dist could delete the other's output. The build
    // script empties dist first (package.json).
    clean: false,
    target: 'node20',
    splitting: false,
    shims: false,
    // koffi carries a native binary per platform: it must stay a runtime dependency, never be bundled. The bundled zod
    // below is its own file, required by src/zod.ts as "./zod.cjs" (a path a bundler of the app follows).
    external: ['koffi', './zod.cjs'],
    // FILEMAPPING_BUILT: the package's require() is the module's own (src/package-require.ts), and import.meta.url,
    // used only from source, is not needed: no shim computes it from __filename, which an ESM bundle lacks.
    define: {
      FILEMAPPING_BUILT: 'true',
      FILEMAPPING_VERSION: JSON.stringify(packageVersion),
      FILEMAPPING_WAITER_SOURCE_WIN32: JSON.stringify(waiterSource('src/win32/waiter-worker.ts')),
      FILEMAPPING_WAITER_SOURCE_POSIX: JSON.stringify(waiterSource('src/posix/waiter-worker.ts')),
      'import.meta.url': 'undefined',
    },
    // Classes keep their own names (Win32Error, not _Win32Error): esbuild renames a class that refers to itself.
    keepNames: true,
  },
  {
    // The part of zod the package uses (src/core/zod-members.ts), zod inlined and tree-shaken into one file: zod's own
    // CommonJS build is about a hundred files, about 0.6 s to read under Wine (BENCHMARKS.md, import and first-call
    // cost). No source map: it would point into node_modules/zod.
    entry: { zod: 'src/core/zod-members.ts' },
    format: ['cjs'],
    target: 'node20',
    clean: false,
    noExternal: ['zod'],
    banner: {
      js: `/*!\n * zod ${zodPackage.version}, the part filemapping uses (src/core/zod-members.ts).\n *\n${zodLicence.replace(/^/gm, ' * ').replace(/ +$/gm, '')}\n */`,
    },
  },
]);
