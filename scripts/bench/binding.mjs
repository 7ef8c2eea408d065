// Benchmark 3 of issue #5: the overhead of the binding. map+unmap, and create+map+unmap+close of a 64 KiB section,
// in TypeScript (idiomatic and raw layers) against the same loops in C, run side by side in one run, several rounds
// alternating, and reported as ratios. Under Wine on Linux the kernel calls are Wine's, not Windows': the absolute
// figures say little about Windows, the ratios say what the binding adds.
// Usage: node scripts/bench/binding.mjs [ITERATIONS] [ROUNDS]
import { join } from 'node:path';
import { BENCH, buildC, lastJson, markdownTable, median, NODE_VERSION, report, runExe, runNode } from './common.mjs';

const iterations = process.argv[2] ?? '20000';
const rounds = Number(process.argv[3] ?? 5);
const cExe = buildC(join(BENCH, 'binding.c'));

const samples = [];
for (let round = 0; round < rounds; round++) {
  const c = lastJson(await runExe(cExe, [iterations]), 'binding.exe');
  const ts = lastJson(await runNode('binding-ts.mjs', [iterations]), 'binding-ts.mjs');
  samples.push({ c, ts });
}
const m = (pick) => median(samples.map(pick));
// The ratio is the median of each round's ratio (a C run and the TypeScript run right after it), so that a change of
// load between rounds moves both sides of a ratio alike.
const row = (name, ts, c, target) => [name, m((s) => s.ts[ts]), m((s) => s.c[c]), median(samples.map((s) => s.ts[ts] / s.c[c])), target];
const rows = [
  row('map+unmap', 'mapUnmapNs', 'mapUnmapNs', 1.2),
  row('map+unmap, raw layer', 'rawMapUnmapNs', 'mapUnmapNs', 1.2),
  row('create+map+unmap+close', 'createMapUnmapCloseNs', 'createMapUnmapCloseNs', 1.3),
  row('map, write one byte, unmap (not a target: mostly the page fault)', 'mapUnmapTouchedNs', 'mapUnmapTouchedNs', '-'),
];
report('binding', {
  title: `Binding overhead: Windows node ${NODE_VERSION} vs C (mingw-w64), ${iterations} iterations, median of ${rounds} rounds`,
  tables: [
    markdownTable(
      ['operation', 'TypeScript ns/op', 'C ns/op', 'ratio', 'target'],
      rows.map(([name, ts, c, ratio, target]) => [name, ts.toFixed(0), c.toFixed(0), `${ratio.toFixed(2)}x`, target === '-' ? '' : `${target}x`]),
    ),
  ],
  data: { iterations: Number(iterations), rounds, samples },
});
