// Writes the entry points of the package that tsup's CommonJS build leaves out (see tsup.config.ts):
// - dist/index.js, the ESM entry: re-exports dist/index.cjs by name, so that import() and require() share one module
//   instance; dist/index.module.js, the same for bundlers (a static import they follow);
// - dist/win32/index.cjs and dist/win32/index.js, the raw layer `filemapping/win32`: the `win32` export of
//   dist/index.cjs, so that the raw layer and the idiomatic one are the same instance too (and importing it reads two
//   files, not a second copy of the package).
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const write = (path, text) => {
  const url = new URL(`../dist/${path}`, import.meta.url);
  mkdirSync(new URL('.', url), { recursive: true });
  writeFileSync(url, text);
};
const names = (module) => Object.keys(module).filter((name) => name !== '__esModule' && name !== 'default');

const main = require('../dist/index.cjs');
// createRequire rather than `export ... from './index.cjs'`: importing CommonJS from ESM makes Node scan the whole
// file for its export names (cjs-module-lexer), which cost more than compiling it under Wine (BENCHMARKS.md).
write(
  'index.js',
  `import { createRequire } from 'node:module';\n\nconst main = createRequire(import.meta.url)('./index.cjs');\nexport const { ${names(main).join(', ')} } = main;\n`,
);
write('index.d.ts', `export * from './index.cjs';\n`);
// For bundlers (the "module" condition of package.json, which esbuild, webpack, Rollup and Vite honour and Node
// ignores): the same re-export through a static import, which a bundler follows into the app's bundle.
write('index.module.js', `import main from './index.cjs';\n\nexport const { ${names(main).join(', ')} } = main;\n`);

write(
  'win32/index.cjs',
  `'use strict';\n// filemapping/win32: the raw layer, part of the package's one build (see tsup.config.ts).\nmodule.exports = require('../index.cjs').win32;\n`,
);
write(
  'win32/index.js',
  `import { createRequire } from 'node:module';\n\nconst { win32 } = createRequire(import.meta.url)('../index.cjs');\nexport const { ${names(main.win32).join(', ')} } = win32;\n`,
);
write('win32/index.d.ts', `export * from './index.cjs';\n`);
write('win32/index.module.js', `import main from '../index.cjs';\n\nexport const { ${names(main.win32).join(', ')} } = main.win32;\n`);

// filemapping/posix: the raw layer for Linux, the `posix` export of dist/index.cjs, likewise.
write(
  'posix/index.cjs',
  `'use strict';\n// filemapping/posix: the raw layer for Linux, part of the package's one build (see tsup.config.ts).\nmodule.exports = require('../index.cjs').posix;\n`,
);
write(
  'posix/index.js',
  `import { createRequire } from 'node:module';\n\nconst { posix } = createRequire(import.meta.url)('../index.cjs');\nexport const { ${names(main.posix).join(', ')} } = posix;\n`,
);
write('posix/index.d.ts', `export * from './index.cjs';\n`);
write('posix/index.module.js', `import main from '../index.cjs';\n\nexport const { ${names(main.posix).join(', ')} } = main.posix;\n`);
