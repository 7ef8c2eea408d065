// Channel across real Windows processes (under Wine on Linux, natively on Windows).
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
import { runScenario, scenario, uniqueName, versions, VIEW_MODES } from './harness.js';

type Report = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- parsed JSON

/** Runs a sender and a receiver at once; `creator` says which side creates the channel. */
const exchange = exchanger(scenario, uniqueName);

/** The newest version: where what runs the same JavaScript in every version runs, and the others skip it (reported). */
const newest = versions[versions.length - 1];

describe.each(versions)('Channel between two processes, Windows node %s', (version) => {
  const carries100k = async (creator: 'sender' | 'receiver') => {
    const { sent, received } = await exchange(version, creator, 100_000, 65536);
    expect(sent.sent).toBe(100_000);
    expect(received).toMatchObject({ received: 100_000, mismatches: 0, bytes: sent.bytes, sha256: sent.sha256 });
    expect(received.peerError).toBeUndefined();
  };
  it('carries 100,000 messages of 1 byte to 64 KiB intact, the sender having created the channel', () => carries100k('sender'));
  // Which end creates the channel is the ring's set-up, the same JavaScript in every version, and the cases below that
  // let the receiver create run in each: 100,000 messages that way once (about 25 s under Wine per version).
  it.runIf(version === newest)('carries 100,000 messages of 1 byte to 64 KiB intact, the receiver having created the channel', () => carries100k('receiver'));

  it('makes a sender wait while the ring is full, and loses nothing (a 4 KiB ring, messages up to 4000 bytes)', async () => {
    const { sent, received } = await exchange(version, 'sender', 5000, 4000, 4096);
    expect(received).toMatchObject({ received: 5000, mismatches: 0, sha256: sent.sha256 });
  });

  it('delivers to a reader that joins after everything was sent', async () => {
    const name = uniqueName('late');
    const [sent, received] = await Promise.all([
      scenario<Sent>(version, PEER, [name, 'create', 'send-first', '50', '1000']),
      scenario<Received>(version, PEER, [name, 'open', 'receive', '50', '1000']),
    ]);
    expect(received).toMatchObject({ received: 50, mismatches: 0, sha256: sent.sha256 });
  });

  it('delivers what a killed writer had sent, then tells the reader it is gone instead of waiting forever', async () => {
    const name = uniqueName('killed');
    const [writer, reader] = await Promise.all([
      runScenario(version, PEER, [name, 'create', 'send-then-die', '20', '1000', '4096']),
      scenario<Received>(version, PEER, [name, 'open', 'receive', '1000', '1000']),
    ]);
    // The writer was killed after its sends (TerminateProcess: exit code 1): it reported nothing, and failed nowhere.
    expect(writer).toMatchObject({ code: 1, stdout: '', stderr: '' });
    // Every message it sent arrived intact, then the reader learnt that the writer was gone.
    expect(reader).toMatchObject({ received: 20, mismatches: 0 });
    expect(reader.peerError).toMatchObject({ name: 'ChannelPeerExitedError', message: expect.stringContaining('ended without closing it') });
  });
});

describe.each(versions)('Channel with a killed reader, Windows node %s', (version) => {
  it('tells a writer waiting for room that the reader was killed, instead of waiting forever', async () => {
    const name = uniqueName('killed-reader');
    const [writer, reader] = await Promise.all([
      scenario<Sent & { peerError?: { name: string; message: string } }>(version, PEER, [name, 'create', 'send', '1000', '1000', '4096']),
      runScenario(version, PEER, [name, 'open', 'receive-then-die', '1000', '1000', '4096']),
    ]);
    expect(reader).toMatchObject({ code: 1, stdout: '', stderr: '' });
    expect(writer.sent).toBeLessThan(1000);
    expect(writer.peerError).toMatchObject({ name: 'ChannelPeerExitedError', message: expect.stringContaining('The process reading') });
  });

  it('tells a writer that starts waiting after its reader was killed, at once, instead of at its timeout', async () => {
    expectLateWait(await scenario<Report>(version, 'channel-late-wait.mjs', [uniqueName('late')]), { status: 1, signal: null });
  });

  it('tells a side that began waiting before its peer joined that the peer died, sync and async, reader and writer', async () => {
    expectJoinerDeath(await scenario<Report>(version, 'channel-joiner.mjs', [uniqueName('joiner')]), { status: 1, signal: null });
  });

  it('tells a reader blocked in receive() that its writer died, though the writer is its child and not reaped yet', async () => {
    expectZombieDead(await scenario<Report>(version, 'channel-zombie.mjs', [uniqueName('zombie')]), false);
  });
});

// Electron's main process forbids external buffers, so its end of a channel is in copy mode, and its peer is often a
// plain Node process in zero-copy mode: both must share the ring word for word.
// Copy mode is the same JavaScript in every version (what differs between versions is zero copy: Node 20 does not
// detach a Buffer, 22 and later do), so the cases with no zero-copy end run in the newest only; the mixed ones in each.
describe.each(versions)('Channel between processes in copy mode and in mixed modes, Windows node %s', (version) => {
  it.for([
    ['copy', 'copy', COPY, COPY],
    ['copy', 'zero-copy', COPY, ZERO_COPY],
    ['zero-copy', 'copy', ZERO_COPY, COPY],
  ] as const)('carries 20,000 messages of 1 byte to 64 KiB intact from a %s-mode sender to a %s-mode receiver', async ([s, r, sender, receiver], context) => {
    if (s === 'copy' && r === 'copy' && version !== newest) return context.skip('copy mode at both ends: run in the newest version only');
    const { sent, received } = await exchange(version, 'sender', 20_000, 65536, undefined, { sender, receiver });
    expect([sent.copyMode, received.copyMode]).toEqual([s === 'copy', r === 'copy']);
    expect(received).toMatchObject({ received: 20_000, mismatches: 0, bytes: sent.bytes, sha256: sent.sha256 });
  });

  it.runIf(version === newest)(
    'makes a copy-mode sender wait while the ring is full, and loses nothing (a 4 KiB ring, messages up to 4000 bytes)',
    async () => {
      const { sent, received } = await exchange(version, 'receiver', 5000, 4000, 4096, { sender: COPY, receiver: COPY });
      expect(received).toMatchObject({ received: 5000, mismatches: 0, sha256: sent.sha256, copyMode: true });
    },
  );

  it.each(IN_PLACE_EXCHANGES)(
    'carries 5,000 messages written and read in place through a 4 KiB ring, from a %s-mode writer to a %s-mode reader',
    async (s, r, sender, receiver) => expectInPlaceExchange(await exchange(version, 'receiver', 5000, 4000, 4096, { sender, receiver, inPlace: true }), s, r),
  );
});

describe.each(versions.flatMap((version) => VIEW_MODES.map(([mode, env]) => [version, mode, env] as const)))(
  'Channel in one process, Windows node %s, %s mode',
  (version, mode, env) => {
    it('sends, times out, backs pressure, refuses, frees a dead worker thread’s role, iterates and cancels', async () => {
      expectChannelSingle(await scenario<Report>(version, 'channel-single.mjs', [uniqueName('channel-single')], env), mode, 'Win32Error');
    });

    it('receives into a buffer, reads in place until release, writes in place through claim and commit, and survives kills mid-message', async () => {
      // In place means the ring's own bytes, detached on release, in zero-copy mode where the runtime can detach
      // (Node 22 and later); elsewhere the same calls work on copies.
      const lends = mode === 'zero-copy' && Number(version.split('.')[0]) >= 22;
      expectChannelInPlace(await scenario<Report>(version, 'channel-in-place.mjs', [uniqueName('in-place')], env), mode, lends, { status: 1, signal: null });
    });

    it('ends the reader’s stream after the last message when the writer closes, sync and async, until a new writer joins; drains', async () => {
      // The writer and reader processes it starts run in this mode too.
      expectChannelEnd(await scenario<Report>(version, 'channel-end.mjs', [uniqueName('end')], env), { status: 1, signal: null });
    });
  },
);

describe.each(versions)('Calls on one channel end, Windows node %s', (version) => {
  it('serves calls of one end in order, refuses aborted signals and long names, and keeps roles per end', async () => {
    // Windows counts characters: a channel name is at most 254.
    expectChannelCalls(await scenario<Report>(version, 'channel-calls.mjs', [uniqueName('channel-calls')]), false);
  });
});

describe.each(versions)('Channel name squatting, Windows node %s', (version) => {
  // A squatter that created NAME-data first took every wake-up: the exclusive create succeeded with alreadyExisted
  // false, and receiveAsync() timed out while the message sat in the ring.
  it('fails an exclusive create when a squatter process holds one of its objects, naming the channel and the object', async () => {
    const name = uniqueName('squat');
    const [squatter, result] = await Promise.all([runScenario(version, 'squatter.mjs', [name]), scenario<Report>(version, 'channel-squat.mjs', [name])]);
    expect(squatter.code).toBe(0);
    expect(result.exclusive.refused.error).toMatchObject({ name: 'Win32Error', nativeCode: 'ERROR_ALREADY_EXISTS' });
    expect(result.exclusive.refused.error.message).toContain(`creating channel "${name}" (exclusive): its event ${name}-data exists already`);
    expect(result.exclusive.refused.error.message).toContain('join it with Channel.open()');
    expect(result.afterSquatter).toBe('created');
    // A refused security option is the channel's, not its set-up mutex's.
    expect(result.badSecurity.error.message).toContain(`reading the security option of channel "${name}-sddl"`);
    expect(result.badSecurity.error.message).not.toContain('-init');
  });
});

describe.each(versions)('Channel set-up races, Windows node %s', (version) => {
  it('lets two threads create the same channel at the same moment, 200 times, without a half-made header', async () => {
    const report = await scenario<{ rounds: number; failures: string[]; created: number }>(version, 'channel-race.mjs', [uniqueName('race'), '200']);
    expect(report.failures).toEqual([]);
    // Each round one thread created the channel and the other joined it (or both made it one after the other).
    expect(report.created).toBeGreaterThanOrEqual(200);
  });
});
