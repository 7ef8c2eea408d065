// Benchmark 1 of issue #5: bulk transfer between two processes, the receiver checking every message's checksum.
// (1) TOTAL MiB (default 1 GiB) in 1 MiB messages by every method (bulk-shared-memory.mjs, bulk-streams.mjs), the
// methods taking turns, ROUNDS times (median), with the single-process limits (Buffer.copy, the checksum alone)
// measured in the same run; GB/s (10^9 bytes/s) and ratios to (a). (2) The size sweep: throughput against message
// size, 64 B to 4 MiB in powers of 4, for the Channel (copying and zero-copy), node:net and an anonymous pipe, about
// SWEEP MiB per point (fewer for small messages: at most 400 per MiB), the methods taking turns at each size.
// Usage: node scripts/bench/bulk.mjs [TOTAL_MIB=1024] [ROUNDS=2] [METHOD,METHOD...|-] [SWEEP_MIB=256] [--wine]
import { args, fmt, lastJson, markdownTable, median, NAMES, report, runNode, targetRow, uniqueName } from './common.mjs';
import { CHUNK } from './bulk-data.mjs';

const totalMiB = Number(args[0] ?? 1024);
const rounds = Number(args[1] ?? 2);
const only = args[2] && args[2] !== '-' ? args[2].split(',') : undefined;
const sweepMiB = Number(args[3] ?? 256);
const ALL_METHODS = [
  ['section', '(a) section, in place (zero copy); slot numbers over two Channels'],
  ...NAMES.extraBulk,
  ['channel', '(b) Channel, send() / receive() (a copy in, a new Buffer out)'],
  ['channel-zero-copy', '(b) Channel zero-copy, claim() / receiveInPlace()'],
  ['channel-into', '(b) Channel, claim() / receiveInto() (one copy out, into one buffer)'],
  ['socket', `(c) ${NAMES.socket}`],
  ['pipe', '(c) anonymous pipe (child stdout)'],
  ['ipc', "(d) child_process IPC, 'advanced'"],
  ['file', '(e) temporary file (write all, then read)'],
];
const METHODS = ALL_METHODS.filter(([method]) => !only || only.includes(method));
const SWEEP_LABELS = { channel: 'Channel copy', 'channel-zero-copy': 'Channel zero-copy', socket: NAMES.socket, pipe: 'anonymous pipe' };
const SWEEP_METHODS = Object.keys(SWEEP_LABELS);
const SWEEP_SIZES = [64, 256, 1024, 4096, 16384, 65536, 262144, 1 << 20, 4 << 20];

/** One transfer of `count` messages of `size` bytes; the receiver's result, with the sender's profile if it has one. */
async function transfer(method, count, size) {
  const name = uniqueName(`bulk-${method}`);
  const receiving = runNode('bulk-peer.mjs', [method, 'receive', name, count, size]);
  // The ipc and pipe receivers start their sender themselves.
  if (method === 'ipc' || method === 'pipe') return lastJson(await receiving, `${method} receiver`);
  const [received, sent] = await Promise.all([receiving, runNode('bulk-peer.mjs', [method, 'send', name, count, size])]);
  const result = lastJson(received, `${method} receiver`);
  // Only the section's senders print something: where their time went.
  const sender = sent.code === 0 && !sent.stdout.trim() ? {} : lastJson(sent, `${method} sender`);
  return sender.profile ? { ...result, senderProfile: sender.profile } : result;
}

const chunks = totalMiB;
const samples = { local: [] };
for (let round = 0; round < rounds; round++) {
  samples.local.push(lastJson(await runNode('bulk-peer.mjs', ['local', '-', '-', chunks]), 'single-process limits'));
  for (const [method] of METHODS) {
    const result = await transfer(method, chunks, CHUNK);
    (samples[method] ??= []).push(result);
    console.error(`round ${round + 1}/${rounds}: ${method} ${result.GBps.toFixed(3)} GB/s`);
  }
}

const sweep = [];
if (sweepMiB > 0) {
  for (const size of SWEEP_SIZES) {
    const count = Math.max(4, Math.min(Math.round((sweepMiB * 2 ** 20) / size), sweepMiB * 400));
    for (const method of SWEEP_METHODS) {
      const { GBps, seconds, unaligned } = await transfer(method, count, size);
      sweep.push({ method, size, count, GBps, seconds, messagesPerSecond: count / seconds, unaligned });
      console.error(`sweep ${size} B: ${method} ${GBps.toFixed(3)} GB/s, ${(count / seconds / 1e3).toFixed(0)}k messages/s`);
    }
  }
}

const gbps = (method) => (samples[method] ? median(samples[method].map((s) => s.GBps)) : NaN);
const limit = (key) => median(samples.local.map((s) => s[key]));
const zeroCopy = gbps('section');
const rows = METHODS.map(([method, label]) => [
  label,
  fmt(gbps(method)),
  `${fmt(gbps(method) / zeroCopy)}x`,
  fmt(median(samples[method].map((s) => s.seconds))),
]);
const limits = [
  ['Buffer.copy, 1 MiB chunks between two 256 MiB regions (beyond cache: the limit)', limit('copyMemoryGBps')],
  ['Buffer.copy, 1 MiB chunks into a 4 MiB ring (in cache, the footprint of (a))', limit('copyCachedGBps')],
  ['checksum alone (sum of 32-bit words, 4 MiB ring)', limit('checksumGBps')],
  ['copy, then checksum, one after the other in one thread', limit('copyThenChecksumGBps')],
  ["Buffer.from(ring.subarray(68, 68 + 1 MiB)): a Channel receive's copy out", limit('channelCopyOutGBps')],
  ['Buffer.allocUnsafeSlow(1 MiB) + Buffer.copy: the same copy, into fresh memory', limit('allocAndCopyGBps')],
];
const targets = [
  targetRow('Channel zero-copy / (a) section in place', gbps('channel-zero-copy') / zeroCopy, 'at least 0.5x', (r) => r >= 0.5),
  targetRow(`Channel zero-copy / ${NAMES.socket}`, gbps('channel-zero-copy') / gbps('socket'), 'at least 10x', (r) => r >= 10),
  targetRow('(a) / single-process Buffer.copy (beyond cache)', zeroCopy / limit('copyMemoryGBps'), 'at least 0.5x', (r) => r >= 0.5),
];
// Where (a)'s time goes, per chunk on each side: waiting for the peer, its own work (fill or checksum), signalling.
const perChunk = (method, side, key) => median(samples[method].map((s) => s[side][key])) / (chunks / 1e6);
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
  markdownTable(['target (medians)', 'measured', 'wanted', ''], targets, ['l', 'r', 'r', 'l']),
];
if (profileRows.length) tables.push(markdownTable(['µs per chunk', 'waiting', 'working', 'signalling'], profileRows));
if (sweep.length) {
  const at = (method, size) => sweep.find((s) => s.method === method && s.size === size);
  const sizeLabel = (size) => (size >= 1 << 20 ? `${size >> 20} MiB` : size >= 1024 ? `${size >> 10} KiB` : `${size} B`);
  tables.push(
    markdownTable(
      ['message size', 'messages', ...SWEEP_METHODS.map((m) => `${SWEEP_LABELS[m]} GB/s`), 'zero-copy / socket'],
      SWEEP_SIZES.map((size) => [
        sizeLabel(size),
        String(at(SWEEP_METHODS[0], size).count),
        ...SWEEP_METHODS.map((m) => fmt(at(m, size).GBps)),
        `${fmt(at('channel-zero-copy', size).GBps / at('socket', size).GBps)}x`,
      ]),
    ),
  );
}
report('bulk', {
  title: `Bulk transfer: ${totalMiB} MiB in 1 MiB messages, checksum checked by the receiver, median of ${rounds} round(s); then message sizes 64 B to 4 MiB`,
  tables,
  data: { totalMiB, rounds, sweepMiB, samples, sweep },
});
