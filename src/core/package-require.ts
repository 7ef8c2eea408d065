/**
 * How the package loads what it loads on first use (zod's copy, koffi).
 *
 * The built package (CommonJS) calls the module's plain `require` with a literal path (`require('./zod.cjs')`,
 * `require('koffi')`), which a bundler sees and follows, or keeps external as told: the package never computes a path
 * of its own at run time, so it works bundled into one file. Run from source (the unit tests), it requires from this
 * file's URL.
 */
import { createRequire } from 'node:module';

/** True in the built package (tsup.config.ts); undefined in source. */
declare const FILEMAPPING_BUILT: boolean | undefined;

/** True when this is the built package, not its source. */
export const built = typeof FILEMAPPING_BUILT === 'boolean';

let made: NodeJS.Require | undefined;

/** The require() of the source files (never used by the built package). */
export function sourceRequire(): NodeJS.Require {
  return (made ??= createRequire(import.meta.url));
}
