/**
 * What the package uses of zod, and all the build bundles of it: dist/zod.cjs is built from this file with zod inlined
 * and tree-shaken (tsup.config.ts). zod 4's CommonJS build is about a hundred module files, which cost about 0.6 s to
 * read under Wine and 75 to 83 ms to load with Linux Node; this part of it is one file that loads in about 26 ms under
 * Wine and 17 ms with Linux Node (BENCHMARKS.md, import and first-call cost). A zod function used anywhere in src/ must
 * be listed here (the type of `zod()` is this module's, so TypeScript refuses one that is not).
 */
export { array, bigint, boolean, custom, enum, instanceof, NEVER, null, number, prettifyError, record, strictObject, string, tuple, union, unknown } from 'zod';
