// Benchmark 4 of issue #5: import and first-call cost. Starts the measured Node (platform.mjs) RUNS times (default
// 10) in each of four ways, interleaved: `node -e ""`, a script that does nothing, a script that imports
// 'filemapping', and one that also creates, maps and closes a first section. Reports the median wall time of each
// process as the driver sees it (under Wine that includes starting the Wine process) and the times measured inside.
// Usage: node scripts/bench/import.mjs [RUNS=10] [--wine]
import { join } from 'node:path';
import { args, BENCH, lastJson, markdownTable, median, NODE_PATH, NODE_VERSION, report, runExe, targetPath } from './common.mjs';

const runs = Number(args[0] ?? 10);
const nodeExe = NODE_PATH;
const probe = targetPath(join(BENCH, 'import-probe.mjs'));
const WAYS = [
  ['bare', 'node -e ""', ['-e', '']],
  ['none', 'a script that does nothing', [probe, 'none']],
  ['import', "+ await import('filemapping')", [probe, 'import']],
  ['create', '+ first FileMapping.create(), map(), close()', [probe, 'create']],
];

const samples = Object.fromEntries(WAYS.map(([key]) => [key, []]));
await runExe(nodeExe, ['-e', '']); // one start to warm the file cache (and wineserver under Wine)
for (let run = 0; run < runs; run++) {
  for (const [key, , args] of WAYS) {
    const start = performance.now();
    const result = await runExe(nodeExe, args);
    const wallMs = performance.now() - start;
    samples[key].push({ wallMs, ...(key === 'bare' ? (result.code === 0 ? {} : lastJson(result, 'node -e')) : lastJson(result, `import-probe ${key}`)) });
  }
}

const med = (key, field) => median(samples[key].map((s) => s[field]));
const ms = (x) => (x === undefined || Number.isNaN(x) ? '' : x.toFixed(1));
const rows = WAYS.map(([key, label]) => [
  label,
  ms(med(key, 'wallMs')),
  ms(med(key, 'wallMs') - med('none', 'wallMs')),
  key === 'bare' ? '' : ms(med(key, 'startupMs')),
  key === 'import' || key === 'create' ? ms(med(key, 'importMs')) : '',
  key === 'create' ? ms(med(key, 'createMs')) : '',
]);
const added = med('import', 'importMs');
const addedWall = med('import', 'wallMs') - med('none', 'wallMs');
report('import', {
  title: `Import and first-call cost: median of ${runs} starts of each, interleaved`,
  notes: [
    `Node ${NODE_VERSION}. Wall: the whole process as the driver sees it (under Wine, starting the Wine process too). In process: ` +
      "performance.now() in that Node; startup is the time to reach the script's first line.",
  ],
  tables: [
    markdownTable(['node start', 'wall ms', 'wall ms minus empty script', 'startup ms', 'import ms', 'first create ms'], rows),
    markdownTable(
      ['target', 'measured', 'wanted', ''],
      [
        ['import, in process', `${ms(added)} ms`, 'at most 15 ms', added <= 15 ? 'met' : 'missed'],
        ['import adds to a node start (wall, medians; not a target)', `${ms(addedWall)} ms`, '', ''],
      ],
      ['l', 'r', 'r', 'l'],
    ),
  ],
  data: { runs, samples },
});
