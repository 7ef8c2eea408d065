/**
 * What the package uses of zod, and all the build bundles of it: dist/zod.cjs is built from this file with zod inlined
 * and tree-shaken (tsup.config.ts). zod 4's CommonJS build is about a hundred module files, which cost about 0.6 s to
 * read under Wine and about 70 ms to evaluate natively; this part of it is one file that loads in about 25 ms under
 * Wine and 17 ms on Linux Node (BENCHMARKS.md, import and first-call cost). A zod function used anywhere in src/ must
 * be listed here (the type of `zod()` is this module's, so TypeScript refuses one that is not).
 */
export {
  array,
  bigint,
  boolean,
  custom,
  enum,
  instanceof,
  NEVER,
  null,
  number,
  prettifyError,
  record,
  strictObject,
  string,
  tuple,
  union,
  unknown,
  ZodError,
} from 'zod';
