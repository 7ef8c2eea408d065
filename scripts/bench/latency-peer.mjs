// One side of the latency benchmark (scripts/bench/latency.mjs), run in the measured Node (platform.mjs): a 64-byte
// message ping-ponged ROUNDS times (after WARMUP untimed ones). The ping side times every round trip and prints them
// as one JSON line, in ns. The pong side answers each message with itself, byte 0 + 1, and the ping side checks that
// answer.
//   latency-peer.mjs channel ping|pong NAME ROUNDS WARMUP [SPIN_US]   SPIN_US: the Channels' spinMicroseconds
//   latency-peer.mjs socket ping|pong NAME ROUNDS WARMUP              node:net: Unix socket, or named pipe on Windows
//   latency-peer.mjs ipc ping NAME ROUNDS WARMUP                      (forks its own pong side)
import { fork } from 'node:child_process';
import { rmSync } from 'node:fs';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { Channel, NamedEvent } from '../../dist/index.js';
import { socketPath } from './peer-os.mjs';

const [method, role, name, roundsArg, warmupArg, spinArg] = process.argv.slice(2);
const rounds = Number(roundsArg);
const warmup = Number(warmupArg);
const spinMicroseconds = Number(spinArg ?? 0);
const MESSAGE = 64;
const TIMEOUT_MS = 120_000;

/** Round-trip times, in ns, and the checks every ping side makes. */
function clock() {
  const ns = new Float64Array(rounds);
  const message = Buffer.alloc(MESSAGE, 'x');
  let before = 0;
  return {
    /** The message of round i, its clock started. */
    start(i) {
      message[0] = i & 0xff;
      before = performance.now();
      return message;
    },
    /** The answer to round i arrived. */
    stop(i, answer) {
      const elapsed = (performance.now() - before) * 1e6;
      if (answer.length !== MESSAGE || answer[0] !== ((i + 1) & 0xff)) throw new Error(`round ${i}: wrong answer (${answer.length} bytes, first ${answer[0]})`);
      if (i >= warmup) ns[i - warmup] = elapsed;
    },
    /** Every round trip, in order: the driver pools several runs before it takes the median and p99. */
    result() {
      return { method, rounds, samplesNs: Array.from(ns, Math.round) };
    },
  };
}
const answer = (message) => {
  const reply = Buffer.from(message);
  reply[0] = (reply[0] + 1) & 0xff;
  return reply;
};

/** Two Channels, one each way, with the synchronous send() and receive(); each end spinning SPIN_US before it sleeps. */
function channel() {
  const there = Channel.create(`${name}-${role === 'ping' ? 'a' : 'b'}`, { capacity: 4096, spinMicroseconds });
  const back = Channel.create(`${name}-${role === 'ping' ? 'b' : 'a'}`, { capacity: 4096, spinMicroseconds });
  const here = NamedEvent.create(`${name}-here`);
  if (role === 'pong') {
    here.set();
    for (let i = 0; i < warmup + rounds; i++) {
      const message = back.receive({ timeoutMs: TIMEOUT_MS });
      if (!message) throw new Error(`round ${i}: no ping`);
      there.send(answer(message));
    }
    return undefined;
  }
  if (here.wait(TIMEOUT_MS) !== 'signaled') throw new Error('the pong side never came');
  const timing = clock();
  for (let i = 0; i < warmup + rounds; i++) {
    there.send(timing.start(i));
    const reply = back.receive({ timeoutMs: TIMEOUT_MS });
    if (!reply) throw new Error(`round ${i}: no pong`);
    timing.stop(i, reply);
  }
  return timing.result();
}

/** Collects a stream into 64-byte messages. */
function framer(onMessage) {
  let pending = Buffer.alloc(0);
  return (data) => {
    pending = pending.length ? Buffer.concat([pending, data]) : data;
    while (pending.length >= MESSAGE) {
      const message = pending.subarray(0, MESSAGE);
      pending = pending.subarray(MESSAGE);
      onMessage(message);
    }
  };
}

/** node:net (a Unix socket, or a named pipe on Windows): pong is the server. */
async function socket() {
  const path = socketPath(name);
  const listening = NamedEvent.create(`${name}-listening`);
  if (role === 'pong') {
    const server = net.createServer((socket) => {
      socket.on(
        'data',
        framer((message) => socket.write(answer(message))),
      );
      socket.on('end', () => server.close());
    });
    rmSync(path, { force: true });
    await new Promise((resolve, reject) => server.listen(path, resolve).once('error', reject));
    listening.set();
    await new Promise((resolve) => server.on('close', resolve));
    return undefined;
  }
  if ((await listening.waitAsync({ timeoutMs: TIMEOUT_MS })) !== 'signaled') throw new Error('the server never listened');
  const connection = net.connect(path);
  await new Promise((resolve, reject) => connection.once('connect', resolve).once('error', reject));
  const timing = clock();
  return new Promise((resolve, reject) => {
    let i = 0;
    connection.once('error', reject);
    connection.on(
      'data',
      framer((reply) => {
        timing.stop(i, reply);
        if (++i === warmup + rounds) connection.end(() => resolve(timing.result()));
        else connection.write(timing.start(i));
      }),
    );
    connection.write(timing.start(i));
  });
}

/** child_process IPC with serialization 'advanced' (as in the bulk benchmark): ping forks pong. */
function ipc() {
  if (role === 'pong') {
    process.on('message', (message) => process.send(answer(message)));
    process.send('here');
    return new Promise((resolve) => process.on('disconnect', resolve));
  }
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(import.meta.url), ['ipc', 'pong', name, roundsArg, warmupArg], { serialization: 'advanced' });
    const timing = clock();
    let i = 0;
    child.on('error', reject);
    child.on('message', (message) => {
      try {
        if (message !== 'here') {
          timing.stop(i, message);
          if (++i === warmup + rounds) {
            child.disconnect();
            child.once('exit', () => resolve(timing.result()));
            return;
          }
        }
        child.send(timing.start(i));
      } catch (error) {
        child.kill();
        reject(error);
      }
    });
  });
}

const methods = { channel, socket, ipc };
if (!methods[method] || !['ping', 'pong'].includes(role)) throw new Error(`usage: latency-peer.mjs channel|socket|ipc ping|pong NAME ROUNDS WARMUP [SPIN_US]`);
const result = await methods[method]();
if (result) console.log(JSON.stringify(result));
process.exit(0);
