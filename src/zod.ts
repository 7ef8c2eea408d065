/**
 * zod, loaded on the first validation instead of at import. zod builds its schemas as it loads: measured, it was most
 * of the package's import time (scripts/bench/import.mjs; BENCHMARKS.md). So the schemas of each module are built by
 * one function, on its first use, and the package's import loads no zod.
 *
 * The built package loads its own copy of the part of zod it uses (src/zod-members.ts, bundled as dist/zod.cjs: one
 * file instead of zod's hundred); run from source (the unit tests, ts-node), it loads zod itself.
 */
import { createRequire } from 'node:module';
import type * as Members from './zod-members.js';

/** The path of the bundled zod, relative to the built file; set by the build (tsup.config.ts), absent in source. */
declare const FILEMAPPING_ZOD_BUNDLE: string | undefined;

/** The zod functions the package uses (src/zod-members.ts). */
export type Zod = typeof Members;

let loaded: Zod | undefined;

/** zod's functions, required on the first call: the bundled copy in the built package, zod itself in source. */
export function zod(): Zod {
  const path = typeof FILEMAPPING_ZOD_BUNDLE === 'string' ? FILEMAPPING_ZOD_BUNDLE : 'zod';
  return (loaded ??= createRequire(import.meta.url)(path) as Zod);
}

/** `make()`, called once, on the first call of the function returned. */
export function lazy<T>(make: () => T): () => T {
  let made: { value: T } | undefined;
  return () => (made ??= { value: make() }).value;
}
