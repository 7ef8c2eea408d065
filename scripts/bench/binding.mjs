// Benchmark 3 of issue #5: the overhead of the binding. map+unmap, and create+map+unmap+close of a 64 KiB section,
// in TypeScript (idiomatic and raw layers) against the same loops in C, run side by side in one run, several rounds
// alternating, and reported as ratios. Under Wine on Linux the kernel calls are Wine's, not Windows': the absolute
// figures say little about Windows, the ratios say what the binding adds.
// Usage: node scripts/bench/binding.mjs [ITERATIONS] [ROUNDS]
import { join } from 'node:path';
import { BENCH, buildC, lastJson, markdownTable, median, NODE_VERSION, report, runExe, runNode } from './common.mjs';

const iterations = process.argv[2] ?? '20000';
const rounds = Number(process.argv[3] ?? 3);
const cExe = buildC(join(BENCH, 'binding.c'));

const samples = [];
for (let round = 0; round < rounds; round++) {
  const c = lastJson(await runExe(cExe, [iterations]), 'binding.exe');
  const ts = lastJson(await runNode('binding-ts.mjs', [iterations]), 'binding-ts.mjs');
  samples.push({ c, ts });
}
const m = (pick) => median(samples.map(pick));
const rows = [
  ['map+unmap', m((s) => s.ts.mapUnmapNs), m((s) => s.c.mapUnmapNs), 1.2],
  ['map+unmap, raw layer', m((s) => s.ts.rawMapUnmapNs), m((s) => s.c.mapUnmapNs), 1.2],
  ['create+map+unmap+close', m((s) => s.ts.createMapUnmapCloseNs), m((s) => s.c.createMapUnmapCloseNs), 1.3],
];
report('binding', {
  title: `Binding overhead: Windows node ${NODE_VERSION} vs C (mingw-w64), ${iterations} iterations, median of ${rounds} rounds`,
  tables: [
    markdownTable(
      ['operation', 'TypeScript ns/op', 'C ns/op', 'ratio', 'target'],
      rows.map(([name, ts, c, target]) => [name, ts.toFixed(0), c.toFixed(0), `${(ts / c).toFixed(2)}x`, `${target}x`]),
    ),
  ],
  data: { iterations: Number(iterations), rounds, samples },
});
