// `npm run bench`: the four benchmarks of issue #5, one after the other (each is also runnable alone), then
// bench-results/summary.md with their tables. `--quick` runs each with small sizes (a smoke run, not figures).
// Usage: node scripts/bench/all.mjs [--quick]
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BENCH, RESULTS } from './common.mjs';

const quick = process.argv.includes('--quick');
const BENCHMARKS = [
  ['binding', quick ? ['2000', '1'] : []],
  ['bulk', quick ? ['64', '1'] : []],
  ['latency', quick ? ['2000'] : []],
  ['import', quick ? ['3'] : []],
];

const failed = [];
for (const [name, args] of BENCHMARKS) {
  console.log(`\n## ${name}: node scripts/bench/${name}.mjs ${args.join(' ')}\n`);
  rmSync(join(RESULTS, `${name}.md`), { force: true });
  const started = performance.now();
  const run = spawnSync(process.execPath, [join(BENCH, `${name}.mjs`), ...args], { stdio: 'inherit' });
  console.log(`(${name}: ${((performance.now() - started) / 1000).toFixed(0)} s)`);
  if (run.status !== 0) failed.push(name);
}

const sections = BENCHMARKS.map(([name]) => {
  const file = join(RESULTS, `${name}.md`);
  return existsSync(file) ? readFileSync(file, 'utf8') : `### ${name}\n\nFailed: no results.\n`;
});
writeFileSync(join(RESULTS, 'summary.md'), `# Benchmark results${quick ? ' (quick run: small sizes)' : ''}\n\n${sections.join('\n')}`);
console.log(`\nResults: ${join(RESULTS, 'summary.md')} and a .json per benchmark beside it.`);
if (failed.length) {
  console.error(`Failed: ${failed.join(', ')}`);
  process.exitCode = 1;
}
