// Makes the published declarations (dist/**/*.d.ts, *.d.cts) compile in a user's project as it is, with a plain `tsc`:
// - they import no package: a type from a dependency (zod's, say) makes the project's tsc check that dependency's own
//   declarations, which failed by the dozen without skipLibCheck (zod's locales need esModuleInterop); the build stops
//   here if one comes back (the types the inside gets from zod are written by hand, src/section/options.ts);
// - a class's `#private;` (TypeScript's mark of a class with #fields) becomes `private "#private ClassName";`:
//   TypeScript refuses the first below target ES2015 (TS18028), and tsc's default target is ES5. Both keep the class
//   nominal; the class's name in it keeps a subclass's apart from its base class's.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const DIST = new URL('../dist/', import.meta.url);
const problems = [];
for (const file of readdirSync(DIST, { recursive: true, encoding: 'utf8' }).filter((name) => /\.d\.c?ts$/u.test(name))) {
  const path = join(DIST.pathname, file);
  const text = readFileSync(path, 'utf8');
  let owner = '';
  const rewritten = text
    .split('\n')
    .map((line) => {
      owner = /^(?:export )?(?:declare )?(?:abstract )?class (\w+)/u.exec(line)?.[1] ?? owner;
      return line.replace(/^(\s+)#private;$/u, `$1private "#private ${owner}";`);
    })
    .join('\n');
  // `import ... from 'x'` and `export ... from 'x'` statements, `import('x')` types, `/// <reference types="x" />`.
  const imports = /^(?:import|export)\b[^;]*?\bfrom\s+['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)|<reference types=['"]([^'"]+)['"]/gmu;
  for (const match of rewritten.matchAll(imports)) {
    const specifier = match[1] ?? match[2] ?? match[3] ?? '';
    if (!specifier.startsWith('.')) problems.push(`${file} imports '${specifier}'`);
  }
  if (rewritten !== text) writeFileSync(path, rewritten);
}
if (problems.length > 0) {
  console.error(`The declarations must import no package (a user's tsc would check its types too):\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
