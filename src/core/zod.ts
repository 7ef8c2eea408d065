/**
 * zod, loaded on the first validation instead of at import. zod builds its schemas as it loads: measured, it was most
 * of the package's import time (scripts/bench/import.mjs; BENCHMARKS.md). So the schemas of each module are built by
 * one function, on its first use, and the package's import loads no zod.
 *
 * The built package loads its own copy of the part of zod it uses (src/zod-members.ts, bundled as dist/zod.cjs: one
 * file instead of zod's hundred) with a plain `require("./zod.cjs")`, which a bundler follows into an app's bundle; run
 * from source (the unit tests), it loads zod itself.
 */
import { built, sourceRequire } from './package-require.js';
import type * as Members from './zod-members.js';

/** The zod functions the package uses (src/zod-members.ts). */
export type Zod = typeof Members;

let loaded: Zod | undefined;

/** zod's functions, required on the first call: the bundled copy in the built package, zod itself in source. */
export function zod(): Zod {
  // A literal path, so that a bundler (esbuild, webpack, Vite) takes the file into the app's bundle.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a lazy require() a bundler follows
  loaded ??= built ? (require('./zod.cjs') as Zod) : (sourceRequire()('zod') as Zod);
  return loaded;
}

/** `make()`, called once, on the first call of the function returned. */
export function lazy<T>(make: () => T): () => T {
  let made: { value: T } | undefined;
  return () => (made ??= { value: make() }).value;
}
