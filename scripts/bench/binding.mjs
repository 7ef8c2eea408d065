// Benchmark 3 of issue #5: the overhead of the binding. map+unmap, and create+map+unmap+close of a 64 KiB section,
// in TypeScript (idiomatic and raw layers) against the same loops in C, run side by side in one run, several rounds
// alternating, and reported as ratios. Under Wine on Linux the kernel calls are Wine's, not Windows': the absolute
// figures say little about Windows, the ratios say what the binding adds.
// Usage: node scripts/bench/binding.mjs [ITERATIONS] [ROUNDS]
import { buildC, provision, ROOT } from '../windows-runtime.mjs';
import { join } from 'node:path';

const iterations = process.argv[2] ?? '20000';
const rounds = Number(process.argv[3] ?? 3);
const runtime = provision();
const version = runtime.versions[runtime.versions.length - 1];
const cExe = buildC(join(ROOT, 'scripts', 'bench', 'binding.c'));
const parse = (result, what) => {
  if (result.code !== 0) throw new Error(`${what} failed (${result.code}): ${result.stderr}`);
  return JSON.parse(result.stdout.trim().split('\n').pop());
};
const { runWindows } = await import('../windows-runtime.mjs');

const samples = [];
for (let round = 0; round < rounds; round++) {
  const c = parse(await runWindows(cExe, [iterations]), 'binding.exe');
  const ts = parse(await runtime.runNode(version, join(ROOT, 'scripts', 'bench', 'binding-ts.mjs'), [iterations]), 'binding-ts.mjs');
  samples.push({ c, ts });
}
const median = (values) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
const m = (pick) => median(samples.map(pick));
const rows = [
  ['map+unmap', m((s) => s.ts.mapUnmapNs), m((s) => s.c.mapUnmapNs), 1.2],
  ['map+unmap, raw layer', m((s) => s.ts.rawMapUnmapNs), m((s) => s.c.mapUnmapNs), 1.2],
  ['create+map+unmap+close', m((s) => s.ts.createMapUnmapCloseNs), m((s) => s.c.createMapUnmapCloseNs), 1.3],
];
console.log(`Binding overhead, Windows node ${version} vs C (mingw-w64), ${iterations} iterations, median of ${rounds} rounds`);
console.log(runtime.native ? 'Native Windows.' : 'Under Wine: kernel calls are Wine\'s, not Windows\'.');
console.log('| operation | TypeScript ns/op | C ns/op | ratio | target |');
console.log('| --- | ---: | ---: | ---: | ---: |');
for (const [name, ts, c, target] of rows) {
  console.log(`| ${name} | ${ts.toFixed(0)} | ${c.toFixed(0)} | ${(ts / c).toFixed(2)}x | ${target}x |`);
}
