// Benchmark 2 of issue #5: latency. A 64-byte message ping-ponged ROUNDS times (default 100,000, after 1,000
// untimed) between two processes: C pairs (pingpong.linux.c or pingpong.windows.c: the Channel's waiting protocol,
// and spinning), a Channel each way (synchronous send/receive) without and with spinning, node:net (a Unix socket,
// or a named pipe on Windows) and child_process IPC ('advanced'). The round trips are split into SLICES runs per
// method (default 4), the methods taking turns, so that a machine whose load changes during the run weighs on all
// of them alike; median and percentiles of all the round trips of a method, pooled.
// Usage: node scripts/bench/latency.mjs [ROUNDS=100000] [METHOD,METHOD...|-] [SLICES=4] [--wine]
import { args, buildC, lastJson, markdownTable, NAMES, quantile, report, runExe, runNode, TARGET, targetRow, uniqueName } from './common.mjs';

const rounds = Number(args[0] ?? 100_000);
const only = args[1] && args[1] !== '-' ? args[1].split(',') : undefined;
const slices = Number(args[2] ?? 4);
/**
 * How long a spinning Channel end polls before it sleeps: a round trip of the spinning pair takes a few µs natively,
 * so 100 µs covers the other side's answer with room for a preempted moment, and bounds what an idle end burns.
 */
const SPIN_US = 100;
/**
 * node:net and IPC take 1 to 2 ms a round trip under Wine: 100,000 of each would be 3 to 7 minutes there. Under Wine
 * they run a fifth of the rounds (their medians are far from any threshold either way); the table says how many.
 */
const SLOW = TARGET === 'wine' ? new Set(['socket', 'ipc']) : new Set();
const perSlice = (method) => Math.ceil((SLOW.has(method) ? Math.ceil(rounds / 5) : rounds) / slices);
const warmup = Math.min(1000, perSlice('c'));
const ALL_METHODS = [
  ...NAMES.cPairs,
  ['channel', 'Channel, one each way, not spinning'],
  ['channel-spin', `Channel, one each way, spinMicroseconds: ${SPIN_US}`],
  ['socket', NAMES.socket],
  ['ipc', "child_process IPC, 'advanced'"],
];
const METHODS = ALL_METHODS.filter(([method]) => !only || only.includes(method));
const pingpong = buildC('pingpong');
/** The C pairs' protocol argument: their method name without `c-`. */
const cMode = (method) => (method === 'c' ? 'always' : method.slice(2));

async function pair(method) {
  const name = uniqueName(`latency-${method}`);
  const common = [name, perSlice(method), warmup];
  if (method === 'ipc') return lastJson(await runNode('latency-peer.mjs', ['ipc', 'ping', ...common]), 'ipc ping');
  const side = (role) => {
    if (method === 'c' || method.startsWith('c-')) return runExe(pingpong, [role, ...common, cMode(method)]);
    if (method.startsWith('channel')) return runNode('latency-peer.mjs', ['channel', role, ...common, method === 'channel-spin' ? SPIN_US : 0]);
    return runNode('latency-peer.mjs', [method, role, ...common]);
  };
  const [ping, pong] = await Promise.all([side('ping'), side('pong')]);
  if (pong.code !== 0) throw new Error(`${method} pong failed (exit ${pong.code}):\n${pong.stderr}`);
  return lastJson(ping, `${method} ping`);
}

// The floor under the waiting methods: the kernel calls of one wake-up, in one process, nobody sleeping.
const calls = lastJson(await runExe(pingpong, ['calls', 20000]), 'pingpong calls');
const pooled = Object.fromEntries(METHODS.map(([method]) => [method, []]));
for (let slice = 0; slice < slices; slice++) {
  for (const [method] of METHODS) {
    const { samplesNs } = await pair(method);
    for (const ns of samplesNs) pooled[method].push(ns);
    console.error(`slice ${slice + 1}/${slices}, ${method}: median ${(quantile(samplesNs, 0.5) / 1000).toFixed(1)} µs`);
  }
}
const PERCENTILES = [0.5, 0.9, 0.99, 0.999];
const results = Object.fromEntries(
  Object.entries(pooled).map(([method, ns]) => [
    method,
    {
      rounds: ns.length,
      medianNs: quantile(ns, 0.5),
      p90Ns: quantile(ns, 0.9),
      p99Ns: quantile(ns, 0.99),
      p999Ns: quantile(ns, 0.999),
      meanNs: ns.reduce((a, b) => a + b, 0) / ns.length,
      minNs: ns.reduce((a, b) => Math.min(a, b)),
    },
  ]),
);

const us = (ns) => (ns === undefined ? '' : ns >= 100_000 ? (ns / 1000).toFixed(0) : (ns / 1000).toFixed(ns >= 10_000 ? 1 : 2));
const rows = METHODS.map(([method, label]) => {
  const r = results[method];
  return [label, String(r.rounds), us(r.medianNs), us(r.p90Ns), us(r.p99Ns), us(r.p999Ns), us(r.meanNs), us(r.minNs)];
});
const ratio = (slower, faster) => (results[slower] && results[faster] ? results[slower].medianNs / results[faster].medianNs : NaN);
const tables = [
  markdownTable(['round trip of 64 bytes', 'round trips', 'median µs', 'p90 µs', 'p99 µs', 'p99.9 µs', 'mean µs', 'min µs'], rows),
  markdownTable(
    ['target (medians)', 'measured', 'wanted', ''],
    [
      targetRow('Channel spinning / C pair spinning', ratio('channel-spin', 'c-spin'), 'at most 2x', (r) => r <= 2),
      targetRow(`${NAMES.socket} / Channel spinning`, ratio('socket', 'channel-spin'), 'at least 50x', (r) => r >= 50),
      targetRow("Channel not spinning / C pair with the Channel's protocol", ratio('channel', NAMES.cProtocol), 'at most 1.5x', (r) => r <= 1.5),
    ],
    ['l', 'r', 'r', 'l'],
  ),
  markdownTable(['in one process, nobody waiting', 'µs'], [[NAMES.cCalls, us(calls.callsNs)]]),
];
report('latency', {
  title: `Latency: 64-byte ping-pong between two processes, in ${slices} runs per method taking turns (each after ${warmup} untimed round trips)`,
  notes: [
    "The C pair with the Channel's protocol, like a Channel, wakes the other side only when that side said it sleeps, and looks before it " +
      'sleeps: an answer already there costs no system call. The spinning C pair never calls the kernel. ' +
      `A spinning Channel end polls up to ${SPIN_US} µs before it sleeps.`,
  ],
  tables,
  data: { slices, warmup, spinMicroseconds: SPIN_US, percentiles: PERCENTILES, results, calls },
});
