/**
 * zod, loaded on the first validation instead of at import. zod 4 is about a hundred module files and builds its
 * schemas as it loads: measured, it was most of the package's import time (scripts/bench/import.mjs; BENCHMARKS.md).
 * So the schemas of each module are built by one function, on its first use, and the package's import loads no zod.
 */
import { createRequire } from 'node:module';
import type { z as Z } from 'zod';

let loaded: typeof Z | undefined;

/** zod's `z`, required on the first call. */
export function zod(): typeof Z {
  return (loaded ??= (createRequire(import.meta.url)('zod') as typeof import('zod')).z);
}

/** `make()`, called once, on the first call of the function returned. */
export function lazy<T>(make: () => T): () => T {
  let made: { value: T } | undefined;
  return () => (made ??= { value: make() }).value;
}
