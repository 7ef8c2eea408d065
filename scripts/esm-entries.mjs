// Writes the ESM entry points of the package after tsup's CommonJS build: each re-exports its .cjs twin by name,
// so that import() and require() share one module instance (see tsup.config.ts).
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
for (const entry of ['index', 'win32/index']) {
  const names = Object.keys(require(`../dist/${entry}.cjs`)).filter((name) => name !== '__esModule');
  writeFileSync(new URL(`../dist/${entry}.js`, import.meta.url), `export { ${names.join(', ')} } from './index.cjs';\n`);
  writeFileSync(new URL(`../dist/${entry}.d.ts`, import.meta.url), `export * from './index.cjs';\n`);
}
