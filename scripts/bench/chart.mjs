// The charts of a benchmark run, from its JSON: throughput against message size (bulk.json's size sweep) and the
// latency percentiles (latency.json), as SVG rendered headless by Vega-Lite and Vega (no canvas, no browser).
// Usage: node scripts/bench/chart.mjs [RESULTS_DIR=bench-results/linux] [OUT_DIR=RESULTS_DIR]
//   e.g. `node scripts/bench/chart.mjs bench-results/linux docs/benchmarks` for the committed copies.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as vega from 'vega';
import * as vegaLite from 'vega-lite';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const resultsDir = process.argv[2] ?? join(ROOT, 'bench-results', 'linux');
const outDir = process.argv[3] ?? resultsDir;
/** The SVGs are named after the target (linux, wine...), so that both can sit in docs/benchmarks/. */
const prefix = (env) => env.target ?? basename(resultsDir);

/** Short legend names: the tables carry the long ones. */
const names = (env) => ({
  channel: 'Channel send/receive (copies)',
  'channel-zero-copy': 'Channel claim/receiveInPlace (zero-copy)',
  'channel-into': 'Channel claim/receiveInto',
  socket: env.target === 'linux' ? 'node:net, Unix socket' : 'node:net, named pipe',
  pipe: 'anonymous pipe',
  ipc: 'child_process IPC',
  section: 'section in place',
  c: 'C, events every message',
  'c-waiting': "C, Channel's protocol (events)",
  'c-futex': "C, Channel's protocol (futex)",
  'c-spin': 'C, spinning',
});
const where = (env) =>
  env.target === 'wine'
    ? `Windows node.exe ${env.node} measured under Wine (${env.wine})`
    : `${env.target === 'linux' ? 'Linux' : 'Windows'} Node ${env.node}, natively`;
const sizeLabel = "datum.value >= 1048576 ? datum.value / 1048576 + ' MiB' : datum.value >= 1024 ? datum.value / 1024 + ' KiB' : datum.value + ' B'";

function bulkChart({ environment: env, sweep }) {
  const name = names(env);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: 'Throughput against message size, two processes, receiver checks every byte', subtitle: `${where(env)}, ${env.date.slice(0, 10)}` },
    width: 560,
    height: 340,
    data: { values: sweep.map((s) => ({ method: name[s.method] ?? s.method, size: s.size, GBps: s.GBps })) },
    mark: { type: 'line', point: true },
    encoding: {
      x: {
        field: 'size',
        type: 'quantitative',
        scale: { type: 'log', base: 2 },
        axis: { values: [...new Set(sweep.map((s) => s.size))], labelExpr: sizeLabel, title: 'message size' },
      },
      y: { field: 'GBps', type: 'quantitative', scale: { type: 'log' }, title: 'GB/s (10^9 bytes/s, log scale)' },
      color: { field: 'method', type: 'nominal', title: null, legend: { orient: 'bottom', columns: 2, labelLimit: 600 } },
    },
  };
}

function latencyChart({ environment: env, results, spinMicroseconds }) {
  const name = { ...names(env), channel: 'Channel, not spinning', 'channel-spin': `Channel, spinning up to ${spinMicroseconds} µs` };
  const percentiles = [
    ['medianNs', 'median'],
    ['p90Ns', 'p90'],
    ['p99Ns', 'p99'],
    ['p999Ns', 'p99.9'],
  ];
  const values = Object.entries(results).flatMap(([method, r]) =>
    percentiles.filter(([key]) => r[key] !== undefined).map(([key, label]) => ({ method: name[method] ?? method, percentile: label, us: r[key] / 1000 })),
  );
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: '64-byte round trip between two processes: percentiles', subtitle: `${where(env)}, ${env.date.slice(0, 10)}` },
    width: 520,
    height: { step: 26 },
    data: { values },
    mark: { type: 'point', filled: true, size: 70 },
    encoding: {
      y: { field: 'method', type: 'nominal', sort: { field: 'us', op: 'min' }, title: null, axis: { labelLimit: 600 } },
      x: { field: 'us', type: 'quantitative', scale: { type: 'log' }, title: 'round trip, µs (log scale)' },
      color: { field: 'percentile', type: 'ordinal', sort: percentiles.map(([, label]) => label), title: 'percentile', scale: { scheme: 'viridis' } },
      shape: { field: 'percentile', type: 'nominal', sort: percentiles.map(([, label]) => label) },
    },
  };
}

async function render(spec, file) {
  const view = new vega.View(vega.parse(vegaLite.compile(spec).spec), { renderer: 'none' });
  writeFileSync(file, await view.toSVG());
  view.finalize();
  console.log(`wrote ${file}`);
}

mkdirSync(outDir, { recursive: true });
const read = (name) => {
  const file = join(resultsDir, `${name}.json`);
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : undefined;
};
const bulk = read('bulk');
const latency = read('latency');
if (!bulk?.sweep?.length && !latency) throw new Error(`no bulk.json with a size sweep, nor latency.json, in ${resultsDir}`);
if (bulk?.sweep?.length) await render(bulkChart(bulk), join(outDir, `${prefix(bulk.environment)}-throughput-by-size.svg`));
if (latency) await render(latencyChart(latency), join(outDir, `${prefix(latency.environment)}-latency-percentiles.svg`));
