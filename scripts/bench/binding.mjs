// Benchmark 3 of issue #5: the overhead of the binding. map+unmap, and create+map+unmap+close of a 64 KiB section,
// in TypeScript (idiomatic and raw layers) against the same loops in C (binding.linux.c or binding.windows.c), run
// side by side in one run, several rounds alternating, and reported as ratios. Under Wine the kernel calls are
// Wine's, not Windows': the absolute figures say little about Windows, the ratios say what the binding adds.
// Usage: node scripts/bench/binding.mjs [ITERATIONS=20000] [ROUNDS=5] [--wine]
import { args, buildC, lastJson, markdownTable, median, NAMES, NODE_VERSION, report, runExe, runNode, TARGET } from './common.mjs';

const iterations = args[0] ?? '20000';
const rounds = Number(args[1] ?? 5);
const cExe = buildC('binding');

const samples = [];
for (let round = 0; round < rounds; round++) {
  const c = lastJson(await runExe(cExe, [iterations]), 'C binding');
  const ts = lastJson(await runNode('binding-ts.mjs', [iterations]), 'binding-ts.mjs');
  samples.push({ c, ts });
}
// The ratio is the median of each round's ratio (a C run and the TypeScript run right after it), so that a change of
// load between rounds moves both sides of a ratio alike; the rounds' spread is shown beside it.
const ROWS = [
  ['map+unmap', 'mapUnmapNs', 'mapUnmapNs', 1.1],
  ['map+unmap, raw layer', 'rawMapUnmapNs', 'mapUnmapNs'],
  ['create+map+unmap+close', 'createMapUnmapCloseNs', 'createMapUnmapCloseNs'],
  ['map, write one byte, unmap (mostly the page fault)', 'mapUnmapTouchedNs', 'mapUnmapTouchedNs'],
];
const rows = ROWS.map(([label, ts, c, target]) => {
  const ratios = samples.map((s) => s.ts[ts] / s.c[c]);
  const ratio = median(ratios);
  return [
    label,
    median(samples.map((s) => s.ts[ts])).toFixed(0),
    median(samples.map((s) => s.c[c])).toFixed(0),
    `${ratio.toFixed(2)}x`,
    `${Math.min(...ratios).toFixed(2)} to ${Math.max(...ratios).toFixed(2)}`,
    target ? `at most ${target}x` : '',
    target ? (ratio <= target ? 'met' : 'missed') : '',
  ];
});
report('binding', {
  title: `Binding overhead: ${TARGET === 'linux' ? 'Linux' : 'Windows'} Node ${NODE_VERSION} vs C (${NAMES.compiler}), ${iterations} iterations, median of ${rounds} rounds`,
  tables: [
    markdownTable(['operation', 'TypeScript ns/op', 'C ns/op', 'ratio (median of rounds)', 'the rounds', 'target', ''], rows, [
      'l',
      'r',
      'r',
      'r',
      'r',
      'r',
      'l',
    ]),
  ],
  data: { iterations: Number(iterations), rounds, samples },
});
