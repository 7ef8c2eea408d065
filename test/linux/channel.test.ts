// Channel natively on Linux, from the scenario files the Windows suite runs under Wine: between processes (futex
// wake-ups, backpressure, a peer killed on either side), in both view modes and across them, and within one process.
import { describe, expect, it } from 'vitest';
import { exchanger, PEER, type Received, type Sent } from '../fixtures/channel-exchange.js';
import {
  expectChannelCalls,
  expectChannelEnd,
  expectChannelInPlace,
  expectChannelSingle,
  expectInPlaceExchange,
  expectJoinerDeath,
  expectLateWait,
  expectZombieDead,
  IN_PLACE_EXCHANGES,
} from '../fixtures/expect-channel.js';
import { COPY, ZERO_COPY } from '../fixtures/scenario-runner.js';
import { onLinux, runScenario, scenario, uniqueName, versions, VIEW_MODES } from './harness.js';

type Report = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- parsed JSON

/** Runs a sender and a receiver at once; `creator` says which side creates the channel. */
const exchange = exchanger(scenario, uniqueName);

describe.runIf(onLinux).each(versions)('Channel between two processes on Linux, Node %s', (version) => {
  it('carries 100,000 messages of 1 byte to 64 KiB intact', async () => {
    const { sent, received } = await exchange(version, 'sender', 100_000, 65536);
    expect(received).toMatchObject({ received: 100_000, mismatches: 0, bytes: sent.bytes, sha256: sent.sha256 });
    expect(received.peerError).toBeUndefined();
  });

  it('makes a sender wait while the ring is full, and loses nothing (a 4 KiB ring, messages up to 4000 bytes)', async () => {
    const { sent, received } = await exchange(version, 'sender', 5000, 4000, 4096);
    expect(received).toMatchObject({ received: 5000, mismatches: 0, sha256: sent.sha256 });
  });

  it('delivers what a killed writer had sent, then tells the reader it is gone instead of waiting forever', async () => {
    const name = uniqueName('killed');
    const [writer, reader] = await Promise.all([
      runScenario(version, PEER, [name, 'create', 'send-then-die', '20', '1000', '4096']),
      scenario<Received>(version, PEER, [name, 'open', 'receive', '1000', '1000']),
    ]);
    expect(writer.signal).toBe('SIGKILL');
    expect(reader).toMatchObject({ received: 20, mismatches: 0 });
    expect(reader.peerError).toMatchObject({ name: 'ChannelPeerExitedError', message: expect.stringContaining('ended without closing it') });
  });

  it('tells a writer waiting for room that the reader was killed, instead of waiting forever', async () => {
    const name = uniqueName('killed-reader');
    const [writer, reader] = await Promise.all([
      scenario<Sent & { peerError?: { name: string; message: string } }>(version, PEER, [name, 'create', 'send', '1000', '1000', '4096']),
      runScenario(version, PEER, [name, 'open', 'receive-then-die', '1000', '1000', '4096']),
    ]);
    expect(reader.signal).toBe('SIGKILL');
    expect(writer.sent).toBeLessThan(1000);
    expect(writer.peerError).toMatchObject({ name: 'ChannelPeerExitedError', message: expect.stringContaining('The process reading') });
  });

  it('tells a writer that starts waiting after its reader was killed, at once, instead of at its timeout', async () => {
    expectLateWait(await scenario<Report>(version, 'channel-late-wait.mjs', [uniqueName('late')]), { status: null, signal: 'SIGKILL' });
  });

  it('tells a side that began waiting before its peer joined that the peer died, sync and async, reader and writer', async () => {
    expectJoinerDeath(await scenario<Report>(version, 'channel-joiner.mjs', [uniqueName('joiner')]), { status: null, signal: 'SIGKILL' });
  });

  it('tells a reader blocked in receive() that its writer died, though the writer is its child and not reaped yet', async () => {
    expectZombieDead(await scenario<Report>(version, 'channel-zombie.mjs', [uniqueName('zombie')]), true);
  });

  it.each([
    ['copy', 'zero-copy', COPY, ZERO_COPY],
    ['zero-copy', 'copy', ZERO_COPY, COPY],
  ] as const)('carries 20,000 messages from a %s-mode sender to a %s-mode receiver', async (s, r, sender, receiver) => {
    const { sent, received } = await exchange(version, 'sender', 20_000, 65536, undefined, { sender, receiver });
    expect([sent.copyMode, received.copyMode]).toEqual([s === 'copy', r === 'copy']);
    expect(received).toMatchObject({ received: 20_000, mismatches: 0, sha256: sent.sha256 });
  });

  it.each(IN_PLACE_EXCHANGES)(
    'carries 5,000 messages written and read in place through a 4 KiB ring, from a %s-mode writer to a %s-mode reader',
    async (s, r, sender, receiver) => expectInPlaceExchange(await exchange(version, 'sender', 5000, 4000, 4096, { sender, receiver, inPlace: true }), s, r),
  );

  it('fails an exclusive create when a squatter process holds one of its objects, naming the channel and the object', async () => {
    const name = uniqueName('squat');
    const [squatter, result] = await Promise.all([runScenario(version, 'squatter.mjs', [name]), scenario<Report>(version, 'channel-squat.mjs', [name])]);
    expect(squatter.code).toBe(0);
    expect(result.exclusive.refused.error).toMatchObject({ name: 'PosixError', code: 'EEXIST' });
    expect(result.exclusive.refused.error.message).toContain(`creating channel "${name}" (exclusive): its event ${name}-data exists already`);
    expect(result.afterSquatter).toBe('created');
    // A segment too short for a channel's header (before: an empty one gave "offset: 0 is at or past the end of the
    // 0-byte section", from map()).
    const noChannel = { error: expect.objectContaining({ name: 'FileMappingValidationError', message: expect.stringMatching(/holds no channel/u) }) };
    for (const size of ['0', '10', '63']) expect(result.shortSegments[size], `${size} bytes`).toEqual({ open: noChannel, create: noChannel });
    // There is no SDDL on Linux: the option is refused, naming it.
    expect(result.badSecurity.error).toMatchObject({
      name: 'PlatformNotSupportedError',
      message: expect.stringContaining('security is not available on linux'),
    });
  });

  it('lets two threads create the same channel at the same moment, 200 times, without a half-made header', async () => {
    const report = await scenario<{ failures: string[]; created: number }>(version, 'channel-race.mjs', [uniqueName('race'), '200']);
    expect(report.failures).toEqual([]);
    expect(report.created).toBeGreaterThanOrEqual(200);
  });
});

describe.runIf(onLinux).each(versions.flatMap((version) => VIEW_MODES.map(([mode, env]) => [version, mode, env] as const)))(
  'Channel in one process on Linux, Node %s, %s mode',
  (version, mode, env) => {
    it('sends, times out, backs pressure, refuses, frees a dead worker thread’s role, iterates and cancels as on Windows', async () => {
      expectChannelSingle(await scenario<Report>(version, 'channel-single.mjs', [uniqueName('channel-single')], env), mode, 'PosixError');
    });

    it('ends the reader’s stream after the last message when the writer closes, sync and async, until a new writer joins; drains', async () => {
      // The writer and reader processes it starts run in this mode too.
      expectChannelEnd(await scenario<Report>(version, 'channel-end.mjs', [uniqueName('end')], env), { status: null, signal: 'SIGKILL' });
    });

    it('serves calls of one end in order, refuses aborted signals and long names, and keeps roles per end', async () => {
      // Linux counts a name's bytes: 255 with the slash, so a channel name is at most 248 bytes.
      expectChannelCalls(await scenario<Report>(version, 'channel-calls.mjs', [uniqueName('channel-calls')], env), true);
    });

    it('receives into a buffer, reads in place until release, writes in place through claim and commit, and survives kills mid-message', async () => {
      // In place means the ring's own bytes, detached on release, in zero-copy mode where the runtime can detach
      // (Node 22 and later); elsewhere the same calls work on copies.
      const lends = mode === 'zero-copy' && Number(version.split('.')[0]) >= 22;
      expectChannelInPlace(await scenario<Report>(version, 'channel-in-place.mjs', [uniqueName('in-place')], env), mode, lends, {
        status: null,
        signal: 'SIGKILL',
      });
    });
  },
);
