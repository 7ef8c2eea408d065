// Benchmark 2 of issue #5: latency. A 64-byte message ping-ponged ROUNDS times (default 100,000, after 1,000
// untimed) between two Windows processes: a Channel each way (synchronous send/receive) in node.exe, a named pipe
// through node:net, child_process IPC ('advanced'), and a C pair (mingw-w64: a section and two auto-reset events,
// scripts/bench/pingpong.c). The round trips are split into SLICES runs per method (default 4), the methods taking
// turns, so that a machine whose load changes during the run weighs on all of them alike; median and p99 of all the
// round trips of a method, pooled.
// Usage: node scripts/bench/latency.mjs [ROUNDS] [METHOD,METHOD...] [SLICES]
import { join } from 'node:path';
import { BENCH, buildC, lastJson, markdownTable, quantile, report, runExe, runNode, uniqueName } from './common.mjs';

const rounds = Number(process.argv[2] ?? 100_000);
const slices = Number(process.argv[4] ?? 4);
/**
 * The pipe and IPC take about 1 to 2 ms a round trip under Wine: 100,000 of each would be 3 to 7 minutes. They run
 * a fifth of the rounds (their median is far from the target's threshold either way); the table says how many.
 */
const SLOW = new Set(['pipe', 'ipc']);
const perSlice = (method) => Math.ceil((SLOW.has(method) ? Math.ceil(rounds / 5) : rounds) / slices);
const warmup = Math.min(1000, perSlice('c'));
const ALL_METHODS = [
  ['c', 'C pair: section + two events, set for every message (mingw-w64)'],
  ['c-waiting', "C pair, setting an event only for a waiting side (the Channel's protocol)"],
  ['channel', 'Channel, one each way'],
  ['pipe', 'named pipe, node:net'],
  ['ipc', "child_process IPC, 'advanced'"],
];
const only = process.argv[3]?.split(',');
const METHODS = ALL_METHODS.filter(([method]) => !only || only.includes(method));
const pingpong = buildC(join(BENCH, 'pingpong.c'));

async function pair(method) {
  const name = uniqueName(`latency-${method}`);
  const args = [name, perSlice(method), warmup];
  if (method === 'ipc') return lastJson(await runNode('latency-peer.mjs', ['ipc', 'ping', ...args]), 'ipc ping');
  const side = (role) =>
    method.startsWith('c')
      ? runExe(pingpong, [role, ...args, method === 'c-waiting' ? 'waiting' : 'always'])
      : runNode('latency-peer.mjs', [method, role, ...args]);
  const [ping, pong] = await Promise.all([side('ping'), side('pong')]);
  if (pong.code !== 0) throw new Error(`${method} pong failed (exit ${pong.code}):\n${pong.stderr}`);
  return lastJson(ping, `${method} ping`);
}

// The floor under every method here: what one SetEvent and one WaitForSingleObject on a signalled event cost in one
// process, nothing waiting (under Wine: two round trips to wineserver). A round trip of the C pair makes two of each.
const calls = lastJson(await runExe(pingpong, ['calls', 20000]), 'pingpong.exe calls');
const pooled = Object.fromEntries(METHODS.map(([method]) => [method, []]));
for (let slice = 0; slice < slices; slice++) {
  for (const [method] of METHODS) {
    const { samplesNs } = await pair(method);
    for (const ns of samplesNs) pooled[method].push(ns);
    console.error(`slice ${slice + 1}/${slices}, ${method}: median ${(quantile(samplesNs, 0.5) / 1000).toFixed(1)} µs`);
  }
}
const results = Object.fromEntries(
  Object.entries(pooled).map(([method, ns]) => [
    method,
    { rounds: ns.length, medianNs: quantile(ns, 0.5), p99Ns: quantile(ns, 0.99), meanNs: ns.reduce((a, b) => a + b, 0) / ns.length, minNs: ns.reduce((a, b) => Math.min(a, b)) },
  ]),
);

const us = (ns) => (ns / 1000).toFixed(1);
const rows = METHODS.map(([method, label]) => {
  const r = results[method];
  const toC = results.c ? `${(r.medianNs / results.c.medianNs).toFixed(2)}x` : '';
  return [label, String(r.rounds), us(r.medianNs), us(r.p99Ns), us(r.meanNs), us(r.minNs), toC];
});
const tables = [markdownTable(['round trip of 64 bytes', 'round trips', 'median µs', 'p99 µs', 'mean µs', 'min µs', 'median / C pair'], rows)];
const ratioRow = (label, slower, faster, wanted, met) => {
  if (!results[slower] || !results[faster]) return [];
  const ratio = results[slower].medianNs / results[faster].medianNs;
  return [[label, `${ratio.toFixed(2)}x`, wanted, met(ratio) ? 'met' : 'missed']];
};
const targets = [
  ...ratioRow('Channel / C pair', 'channel', 'c', 'within 2x', (r) => r <= 2),
  ...ratioRow("Channel / C pair with the Channel's protocol", 'channel', 'c-waiting', 'within 2x', (r) => r <= 2),
  ...ratioRow('named pipe / Channel', 'pipe', 'channel', 'at least 3x', (r) => r >= 3),
];
if (targets.length) tables.push(markdownTable(['target (medians)', 'measured', 'wanted', ''], targets, ['l', 'r', 'r', 'l']));
tables.push(
  markdownTable(
    ['in one process, nothing waiting', 'µs'],
    [['SetEvent + WaitForSingleObject on a signalled event (C)', us(calls.setAndWaitNs)]],
  ),
);
report('latency', {
  title: `Latency: 64-byte ping-pong between two processes, in ${slices} runs per method taking turns (each after ${warmup} untimed round trips)`,
  notes: [
    'A round trip of the first C pair is two SetEvent calls and two waits that block, each a wake-up of the other ' +
      "process. The second, like a Channel, sets an event only when the other side said it waits, and looks before it waits: an answer already there costs no kernel call.",
  ],
  tables,
  data: { slices, warmup, results, calls },
});
