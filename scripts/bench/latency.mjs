// Benchmark 2 of issue #5: latency. A 64-byte message ping-ponged ROUNDS times (default 100,000, after 1,000
// untimed) between two Windows processes: a Channel each way (synchronous send/receive) in node.exe, a named pipe
// through node:net, child_process IPC ('advanced'), and a C pair (mingw-w64: a section and two auto-reset events,
// scripts/bench/pingpong.c). One after the other in one run; median and p99 of the round trips.
// Usage: node scripts/bench/latency.mjs [ROUNDS] [METHOD,METHOD...]
import { join } from 'node:path';
import { BENCH, buildC, lastJson, markdownTable, report, runExe, runNode, uniqueName } from './common.mjs';

const rounds = Number(process.argv[2] ?? 100_000);
const warmup = Math.min(1000, rounds);
const ALL_METHODS = [
  ['c', 'C pair: section + two events (mingw-w64)'],
  ['channel', 'Channel, one each way'],
  ['pipe', 'named pipe, node:net'],
  ['ipc', "child_process IPC, 'advanced'"],
];
const only = process.argv[3]?.split(',');
const METHODS = ALL_METHODS.filter(([method]) => !only || only.includes(method));
const pingpong = buildC(join(BENCH, 'pingpong.c'));

async function pair(method) {
  const name = uniqueName(`latency-${method}`);
  const args = [name, rounds, warmup];
  if (method === 'ipc') return lastJson(await runNode('latency-peer.mjs', ['ipc', 'ping', ...args]), 'ipc ping');
  const side = (role) => (method === 'c' ? runExe(pingpong, [role, ...args]) : runNode('latency-peer.mjs', [method, role, ...args]));
  const [ping, pong] = await Promise.all([side('ping'), side('pong')]);
  if (pong.code !== 0) throw new Error(`${method} pong failed (exit ${pong.code}):\n${pong.stderr}`);
  return lastJson(ping, `${method} ping`);
}

const results = {};
for (const [method] of METHODS) {
  results[method] = await pair(method);
  console.error(`${method}: median ${(results[method].medianNs / 1000).toFixed(1)} µs`);
}

const us = (ns) => (ns / 1000).toFixed(1);
const rows = METHODS.map(([method, label]) => {
  const r = results[method];
  const toC = results.c ? `${(r.medianNs / results.c.medianNs).toFixed(2)}x` : '';
  return [label, us(r.medianNs), us(r.p99Ns), us(r.meanNs), us(r.minNs), toC];
});
const tables = [markdownTable(['round trip of 64 bytes', 'median µs', 'p99 µs', 'mean µs', 'min µs', 'median / C pair'], rows)];
if (results.channel && results.c && results.pipe) {
  const toC = results.channel.medianNs / results.c.medianNs;
  const vsPipe = results.pipe.medianNs / results.channel.medianNs;
  tables.push(
    markdownTable(
      ['target (medians)', 'measured', 'wanted', ''],
      [
        ['Channel / C pair', `${toC.toFixed(2)}x`, 'within 2x', toC <= 2 ? 'met' : 'missed'],
        ['named pipe / Channel', `${vsPipe.toFixed(2)}x`, 'at least 3x', vsPipe >= 3 ? 'met' : 'missed'],
      ],
      ['l', 'r', 'r', 'l'],
    ),
  );
}
report('latency', {
  title: `Latency: 64-byte ping-pong between two processes, ${rounds} round trips (after ${warmup} untimed)`,
  tables,
  data: { rounds, warmup, results },
});
