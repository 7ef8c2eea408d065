// Channel across real Windows processes (under Wine on Linux, natively on Windows).
import { beforeAll, describe, expect, it } from 'vitest';
import { exchange as exchangeOf, PEER, type Received, type Sent } from '../fixtures/channel-exchange.js';
import { COPY, ZERO_COPY } from '../fixtures/scenario-runner.js';
import { runScenario, scenario, uniqueName, versions, VIEW_MODES } from './harness.js';

type Report = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- parsed JSON

/** Runs a sender and a receiver at once; `creator` says which side creates the channel. */
const exchange = (
  version: string,
  creator: 'sender' | 'receiver',
  count: number,
  maxSize: number,
  capacity?: number,
  modes: { sender?: Record<string, string>; receiver?: Record<string, string> } = {},
) => exchangeOf(scenario, uniqueName('channel'), version, creator, count, maxSize, capacity, modes);

describe.each(versions)('Channel between two processes, Windows node %s', (version) => {
  it.each(['sender', 'receiver'] as const)(
    'carries 100,000 messages of 1 byte to 64 KiB intact, the %s having created the channel',
    async (creator) => {
      const { sent, received } = await exchange(version, creator, 100_000, 65536);
      expect(sent.sent).toBe(100_000);
      expect(received).toMatchObject({ received: 100_000, mismatches: 0, bytes: sent.bytes, sha256: sent.sha256 });
      expect(received.peerError).toBeUndefined();
    },
  );

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
});

// Electron's main process forbids external buffers, so its end of a channel is in copy mode, and its peer is often a
// plain Node process in zero-copy mode: both must share the ring word for word.
describe.each(versions)('Channel between processes in copy mode and in mixed modes, Windows node %s', (version) => {
  it.each([
    ['copy', 'copy', COPY, COPY],
    ['copy', 'zero-copy', COPY, ZERO_COPY],
    ['zero-copy', 'copy', ZERO_COPY, COPY],
  ] as const)('carries 20,000 messages of 1 byte to 64 KiB intact from a %s-mode sender to a %s-mode receiver', async (s, r, sender, receiver) => {
    const { sent, received } = await exchange(version, 'sender', 20_000, 65536, undefined, { sender, receiver });
    expect([sent.copyMode, received.copyMode]).toEqual([s === 'copy', r === 'copy']);
    expect(received).toMatchObject({ received: 20_000, mismatches: 0, bytes: sent.bytes, sha256: sent.sha256 });
  });

  it('makes a copy-mode sender wait while the ring is full, and loses nothing (a 4 KiB ring, messages up to 4000 bytes)', async () => {
    const { sent, received } = await exchange(version, 'receiver', 5000, 4000, 4096, { sender: COPY, receiver: COPY });
    expect(received).toMatchObject({ received: 5000, mismatches: 0, sha256: sent.sha256, copyMode: true });
  });
});

describe.each(versions.flatMap((version) => VIEW_MODES.map(([mode, env]) => [version, mode, env] as const)))(
  'Channel in one process, Windows node %s, %s mode',
  (version, mode, env) => {
    let report: Report;
    beforeAll(async () => {
      report = await scenario<Report>(version, 'channel-single.mjs', [uniqueName('channel-single')], env);
    });

    it('sends and receives strings, Buffers and empty messages, and times out as a result', () => {
      const copyMode = mode === 'copy';
      expect(report.roundTrip).toEqual({
        got: ['hello', [1, 2, 3], 0],
        empty: true,
        max: 4092,
        created: false,
        joined: true,
        copyMode: [copyMode, copyMode],
      });
    });

    it('never overwrites unread data: a full ring refuses until a message is read', () => {
      expect(report.backpressure).toEqual({ sent: 4, fullAgain: false, first: 0, afterOneRead: true, rest: [1, 2, 3, 99] });
    });

    it('refuses messages over the limit, other kinds of message, bad capacities, and use after close', () => {
      const r = report.refusals;
      expect(r.tooLong.error).toMatchObject({ name: 'FileMappingValidationError', message: expect.stringContaining('4093 bytes is longer than this channel carries (4092') });
      expect(r.notBytes.error).toMatchObject({ name: 'FileMappingValidationError' });
      expect(r.badCapacity.error).toMatchObject({ name: 'FileMappingValidationError', message: expect.stringContaining('power of two') });
      expect(r.missing.error).toMatchObject({ name: 'Win32Error', nativeCode: 'ERROR_FILE_NOT_FOUND' });
      expect(r.exclusive.error).toMatchObject({ name: 'Win32Error', nativeCode: 'ERROR_ALREADY_EXISTS', message: expect.stringContaining('join it with Channel.open()') });
      expect(r.closed.error).toMatchObject({ name: 'ObjectClosedError' });
    });

    it('frees the role of a worker thread that ended without close(), and not before it ended', () => {
      const r = report.workerRoles;
      expect(r.whileAlive.error.message).toMatch(/Cannot use channel .* as its writer: thread \d+ of this process is its writer/u);
      expect(r.exitCode).toBe(0);
      expect(r.afterExit).toBe(true);
      expect(r.received).toEqual(['from the worker', 'from main']);
    });

    it('iterates with for await until closed, a cancelled receive takes nothing, and close rejects a pending receive', () => {
      expect(report.iterate).toEqual({
        seen: ['one', 'two', 'three'],
        aborted: 'AbortError',
        after: 'after abort',
        iteration: 'ended',
        pendingReceive: 'ObjectClosedError',
      });
    });
  },
);

describe.each(versions)('Calls on one channel end, Windows node %s', (version) => {
  let report: Report;
  beforeAll(async () => {
    report = await scenario<Report>(version, 'channel-calls.mjs', [uniqueName('channel-calls')]);
  });

  // The waiting flag is shared by the calls of an end and the wake event resets itself: two pending calls once left
  // the second waiting while its message stayed in the ring.
  it('serves two pending receiveAsync() calls of one end in order, leaving no message behind', () => {
    expect(report.concurrentReceives).toEqual({ results: [{ value: 'a' }, { value: 'b' }], left: null });
  });

  it('serves two pending sendAsync() calls of one end in order as the reader makes room', () => {
    expect(report.concurrentSends).toEqual({ results: [{ value: true }, { value: true }], received: [1, 2, 3] });
  });

  it('refuses a synchronous call while an async one of its direction is pending, and serves the async one', () => {
    expect(report.syncWhilePending.refused.error.message).toMatch(/Cannot receive synchronously .* while a receiveAsync\(\) of this end is pending/u);
    expect(report.syncWhilePending.result).toEqual({ value: 'x' });
  });

  it('rejects sendAsync() and receiveAsync() given an aborted signal, having sent and taken nothing', () => {
    const aborted = { error: expect.objectContaining({ message: 'already aborted' }) };
    expect(report.abortedSignal).toEqual({ send: aborted, sentNothing: true, receive: aborted, afterReceive: 'kept' });
  });

  it("ends a pending next() as done when the iterator's return() is called, and the next message stays in the ring", () => {
    expect(report.iteratorReturn).toEqual({ returned: { done: true }, pending: { done: true }, afterwards: 'stays', nextAfterReturn: { done: true } });
  });

  it("takes names of up to 254 characters, and refuses longer ones with the channel's own limit", () => {
    const r = report.longNames;
    expect(r.longest).toBe('created');
    for (const refused of [r.tooLong, r.tooLongOpen]) {
      expect(refused.error).toMatchObject({ name: 'FileMappingValidationError', message: expect.stringContaining('at most 254 characters for a channel') });
      // About the name given, not about a part's name made from it (NAME-init was once too long).
      expect(refused.error.message).not.toContain('filemapping-test');
    }
  });

  it('keeps the reader role of an end when another end of the same thread closes', () => {
    expect(report.roleOfAnotherEnd.fromWorker).toMatch(/Cannot use channel .* as its reader: thread \d+ of this process is its reader/u);
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
