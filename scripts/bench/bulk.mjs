// Benchmark 1 of issue #5: bulk transfer. Moves TOTAL MiB (default 1 GiB) from one Windows node.exe process to
// another in 1 MiB chunks, the receiver checking every chunk's checksum, by (a) a section written and read in place,
// (b) a Channel, (c) a named pipe through node:net, (d) child_process IPC with serialization 'advanced', (e) a
// temporary file; and measures the single-process limits (Buffer.copy, the checksum alone) in the same run. All
// methods run one after the other in one run, ROUNDS times (median), and are reported as GB/s (10^9 bytes/s) and
// as ratios to (a). See bulk-peer.mjs for what each side does.
// Usage: node scripts/bench/bulk.mjs [TOTAL_MIB] [ROUNDS] [METHOD,METHOD...]
import { lastJson, markdownTable, median, report, runNode, uniqueName } from './common.mjs';

const totalMiB = Number(process.argv[2] ?? 1024);
const rounds = Number(process.argv[3] ?? 2);
const ALL_METHODS = [
  ['section', '(a) section, in place (zero copy); slot numbers over two Channels'],
  ['section-sem', '(a) the same with two semaphores (raw calls)'],
  ['channel', '(b) Channel'],
  ['pipe', '(c) named pipe, node:net'],
  ['ipc', "(d) child_process IPC, 'advanced'"],
  ['file', '(e) temporary file (write all, then read)'],
];
const only = process.argv[4]?.split(',');
const METHODS = ALL_METHODS.filter(([method]) => !only || only.includes(method));

async function transfer(method) {
  const name = uniqueName(`bulk-${method}`);
  if (method === 'ipc') return lastJson(await runNode('bulk-peer.mjs', ['ipc', 'receive', name, totalMiB]), 'ipc receiver');
  const [received, sent] = await Promise.all([
    runNode('bulk-peer.mjs', [method, 'receive', name, totalMiB]),
    runNode('bulk-peer.mjs', [method, 'send', name, totalMiB]),
  ]);
  const result = lastJson(received, `${method} receiver`);
  const sender = lastJson(sent, `${method} sender`);
  return sender.profile ? { ...result, senderProfile: sender.profile } : result;
}

const samples = { local: [] };
for (let round = 0; round < rounds; round++) {
  samples.local.push(lastJson(await runNode('bulk-peer.mjs', ['local', '-', '-', totalMiB]), 'single-process limits'));
  for (const [method] of METHODS) {
    const result = await transfer(method);
    (samples[method] ??= []).push(result);
    console.error(`round ${round + 1}/${rounds}: ${method} ${result.GBps.toFixed(3)} GB/s`);
  }
}

const gbps = (method) => (samples[method] ? median(samples[method].map((s) => s.GBps)) : NaN);
const limit = (key) => median(samples.local.map((s) => s[key]));
const zeroCopy = gbps('section');
const fmt = (x) => (Number.isNaN(x) ? 'not run' : x >= 10 ? x.toFixed(1) : x >= 1 ? x.toFixed(2) : x.toFixed(3));
const rows = METHODS.map(([method, label]) => [label, fmt(gbps(method)), `${fmt(gbps(method) / zeroCopy)}x`, fmt(median(samples[method].map((s) => s.seconds)))]);
const limits = [
  ['Buffer.copy, 1 MiB chunks between two 256 MiB regions (beyond cache: the limit)', limit('copyMemoryGBps')],
  ['Buffer.copy, 1 MiB chunks into a 4 MiB ring (in cache, the footprint of (a))', limit('copyCachedGBps')],
  ['checksum alone (sum of 32-bit words, 4 MiB ring)', limit('checksumGBps')],
  ['copy, then checksum, one after the other in one thread', limit('copyThenChecksumGBps')],
  ["Buffer.from(ring.subarray(68, 68 + 1 MiB)): a Channel receive's copy out", limit('channelCopyOutGBps')],
  ['Buffer.allocUnsafeSlow(1 MiB) + Buffer.copy: the same copy, into fresh memory', limit('allocAndCopyGBps')],
];
const pipeRatio = zeroCopy / gbps('pipe');
const limitRatio = zeroCopy / limit('copyMemoryGBps');
const cachedRatio = zeroCopy / limit('copyCachedGBps');
const verdict = (ok) => (ok ? 'met' : 'missed');
const targets = [
  ['(a) / named pipe', `${fmt(pipeRatio)}x`, 'at least 20x', Number.isNaN(pipeRatio) ? '' : verdict(pipeRatio >= 20)],
  ['(a) / single-process Buffer.copy (beyond cache)', `${fmt(limitRatio)}x`, 'at least 0.5x', verdict(limitRatio >= 0.5)],
  ['(a) / single-process Buffer.copy (in cache)', `${fmt(cachedRatio)}x`, 'at least 0.5x', verdict(cachedRatio >= 0.5)],
];
// Where (a)'s time goes, per chunk on each side: waiting for the peer, its own work (fill or checksum), signalling.
const perChunk = (method, side, key) => median(samples[method].map((s) => s[side][key])) / (totalMiB / 1e6);
const profileRows = ['section', 'section-sem']
  .filter((method) => samples[method])
  .flatMap((method) =>
    [
      ['senderProfile', 'sender (fills the slot)'],
      ['profile', 'receiver (checksums in place)'],
    ].map(([side, label]) => [
      `${method === 'section' ? '(a) Channels' : '(a) semaphores'}, ${label}`,
      ...['waitSeconds', 'workSeconds', 'signalSeconds'].map((key) => perChunk(method, side, key).toFixed(0)),
    ]),
  );
const tables = [
  markdownTable(['method', 'GB/s', 'ratio to (a)', 'seconds'], rows),
  markdownTable(
    ['single process, same machine', 'GB/s', 'ratio of (a) to it'],
    limits.map(([label, value]) => [label, fmt(value), `${fmt(zeroCopy / value)}x`]),
  ),
  markdownTable(['target', 'measured', 'wanted', ''], targets, ['l', 'r', 'r', 'l']),
];
if (profileRows.length) tables.push(markdownTable(['µs per chunk', 'waiting', 'working', 'signalling'], profileRows));
report('bulk', {
  title: `Bulk transfer: ${totalMiB} MiB in 1 MiB chunks, checksum checked by the receiver, median of ${rounds} round(s)`,
  tables,
  data: { totalMiB, rounds, samples },
});
