// `npm run bench`: the four benchmarks of issue #5, one after the other (each is also runnable alone), then the
// charts (chart.mjs) and RESULTS/summary.md with every table. On Linux they run natively; `--wine` (or
// FILEMAPPING_BENCH_WINE=1) runs the Windows build under Wine instead (platform.mjs). `--quick` runs each with small
// sizes, a smoke run whose figures mean nothing, into bench-results/TARGET-quick so that it never overwrites a real
// run's results.
// Usage: node scripts/bench/all.mjs [--quick] [--wine]
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BENCH, RESULTS, ROOT, TARGET } from './platform.mjs';

const quick = process.argv.includes('--quick');
const results = process.env.FILEMAPPING_BENCH_RESULTS ?? (quick ? join(ROOT, 'bench-results', `${TARGET}-quick`) : RESULTS);
const env = { ...process.env, FILEMAPPING_BENCH_RESULTS: results, ...(TARGET === 'wine' ? { FILEMAPPING_BENCH_WINE: '1' } : {}) };
const BENCHMARKS = [
  ['binding', quick ? ['2000', '1'] : []],
  ['bulk', quick ? ['16', '1', '-', '2'] : []],
  ['latency', quick ? ['2000', '-', '1'] : []],
  ['import', quick ? ['2'] : []],
];

const failed = [];
for (const [name, benchmarkArgs] of BENCHMARKS) {
  console.log(`\n## ${name}: node scripts/bench/${name}.mjs ${benchmarkArgs.join(' ')}${TARGET === 'wine' ? ' --wine' : ''}\n`);
  rmSync(join(results, `${name}.md`), { force: true });
  rmSync(join(results, `${name}.json`), { force: true });
  const started = performance.now();
  const run = spawnSync(process.execPath, [join(BENCH, `${name}.mjs`), ...benchmarkArgs], { stdio: 'inherit', env });
  console.log(`(${name}: ${((performance.now() - started) / 1000).toFixed(0)} s)`);
  if (run.status !== 0) failed.push(name);
}
const chart = spawnSync(process.execPath, [join(BENCH, 'chart.mjs'), results], { stdio: 'inherit' });
if (chart.status !== 0) failed.push('chart');

const sections = BENCHMARKS.map(([name]) => {
  const file = join(results, `${name}.md`);
  return existsSync(file) ? readFileSync(file, 'utf8') : `### ${name}\n\nFailed: no results.\n`;
});
writeFileSync(join(results, 'summary.md'), `# Benchmark results (${TARGET})${quick ? ' (quick run: small sizes)' : ''}\n\n${sections.join('\n')}`);
console.log(`\nResults: ${join(results, 'summary.md')}, a .json per benchmark and the charts beside it.`);
if (failed.length) {
  console.error(`Failed: ${failed.join(', ')}`);
  process.exitCode = 1;
}
