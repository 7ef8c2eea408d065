// A job queue between two processes over Channel: the producer sends COUNT jobs and an 'end' message on the channel
// NAME; the worker takes them with `for await`, does each (counts the primes below a number) and sends the result
// back on a second channel, NAME-results (a channel carries messages one way: one writer, one reader). Each side
// prints what it did and exits 0.
//
// Coordination without sleeping: the producer creates both channels, then sets the manual-reset event NAME-ready;
// the worker waits for that event (either may start first: both create-or-open it) and then opens the channels.
// (Both sides could call Channel.create() instead, without the event: a channel is set up under the mutex
// NAME-init, so two processes creating the same new channel at the same moment both get it whole.)
// Every wait is bounded, so a missing peer ends this example with an error instead of hanging it:
// - sends and the producer's receives pass `timeoutMs`, and a timeout is a result (false, undefined), not an error;
// - the worker's `for await` has no timeout of its own: an idle timer closes the jobs channel, which ends the loop;
// - a peer that dies without closing its end is reported by the waiting side as a ChannelPeerExitedError.
//
// Messages are JSON strings: { type: 'job', id, below }, then { type: 'end' }; results { id, below, primes, pid }.
//
// Run (Windows or Linux, after `npm run build`), in two consoles or both at once:
//   node examples/job-queue.mjs producer NAME [COUNT]      COUNT defaults to 5
//   node examples/job-queue.mjs worker NAME
// or `npm run demo -- jobs`, which starts both (add `--wine` on Linux for Windows Node under Wine).
import { clearTimeout, setTimeout } from 'node:timers';
import { Channel, ChannelPeerExitedError, NamedEvent } from 'filemapping';

/** How long a side waits for the other: long enough to start the second one by hand in another console. */
const TIMEOUT_MS = 60_000;

const [role, name, countText = '5'] = process.argv.slice(2);
const count = Number(countText);

try {
  const badCount = role === 'producer' && !(Number.isSafeInteger(count) && count >= 1);
  if (!name || (role !== 'producer' && role !== 'worker') || badCount) {
    throw new Error('usage: node examples/job-queue.mjs producer NAME [COUNT] | node examples/job-queue.mjs worker NAME');
  }
  await (role === 'producer' ? producer() : worker());
} catch (error) {
  // A ChannelPeerExitedError says which process ended (its `role` and `pid`) and what was delivered.
  const what = error instanceof ChannelPeerExitedError ? 'the other side is gone: ' : '';
  const prefix = role === 'producer' || role === 'worker' ? role : 'job-queue';
  console.error(`${prefix}: ${what}${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}

async function producer() {
  const ready = NamedEvent.create(`${name}-ready`, { manualReset: true });
  let jobs;
  let results;
  try {
    jobs = Channel.create(name);
    results = Channel.create(`${name}-results`);
    ready.set();
    console.log(`producer: created channels "${jobs.name}" and "${results.name}" (messages up to ${jobs.maxMessageLength} bytes)`);

    for (let id = 0; id < count; id++) {
      await send(jobs, { type: 'job', id, below: 1000 * (id + 1) });
    }
    await send(jobs, { type: 'end' });
    console.log(`producer: sent ${count} jobs and 'end'`);

    // A channel is ordered, but a real worker pool would not be: match results to jobs by id.
    const pending = new Set(Array.from({ length: count }, (_, id) => id));
    while (pending.size > 0) {
      const message = await results.receiveAsync({ timeoutMs: TIMEOUT_MS });
      if (message === undefined) throw new Error(`no result for ${TIMEOUT_MS / 1000} s (start the worker with the same NAME)`);
      const result = JSON.parse(message.toString('utf8'));
      pending.delete(result.id);
      console.log(`producer: job ${result.id}: ${result.primes} primes below ${result.below} (worker pid ${result.pid})`);
    }
    console.log(`producer: all ${count} results received`);
  } finally {
    results?.close();
    jobs?.close();
    ready.close();
  }
}

async function worker() {
  const ready = NamedEvent.create(`${name}-ready`, { manualReset: true });
  let jobs;
  let results;
  try {
    if ((await ready.waitAsync({ timeoutMs: TIMEOUT_MS })) === 'timeout') {
      throw new Error(`the producer did not create the channels within ${TIMEOUT_MS / 1000} s (start it with the same NAME)`);
    }
    jobs = Channel.open(name);
    results = Channel.open(`${name}-results`);
    console.log(`worker: opened channels "${jobs.name}" and "${results.name}"`);

    // close() ends a `for await` over a channel: the idle timer bounds the wait for the next job.
    const idle = setTimeout(() => jobs.close(), TIMEOUT_MS);
    let done = 0;
    let ended = false;
    try {
      for await (const message of jobs) {
        idle.refresh();
        const job = JSON.parse(message.toString('utf8'));
        if (job.type === 'end') {
          ended = true;
          break;
        }
        const primes = countPrimes(job.below);
        await send(results, { id: job.id, below: job.below, primes, pid: process.pid });
        console.log(`worker: job ${job.id}: ${primes} primes below ${job.below}, result sent`);
        done++;
      }
    } finally {
      clearTimeout(idle);
    }
    if (!ended) throw new Error(`no job for ${TIMEOUT_MS / 1000} s, and no 'end': gave up after ${done} jobs`);
    console.log(`worker: got 'end' after ${done} jobs; closing`);
  } finally {
    // The results stay readable: the producer holds the section open until it has read them all.
    results?.close();
    jobs?.close();
    ready.close();
  }
}

/** Sends `value` as JSON; backpressure makes this wait while the ring is full, up to the timeout. */
async function send(channel, value) {
  if (!(await channel.sendAsync(JSON.stringify(value), { timeoutMs: TIMEOUT_MS }))) {
    throw new Error(`channel "${channel.name}" stayed full for ${TIMEOUT_MS / 1000} s: is the other side reading?`);
  }
}

/** The number of primes below `n` (a sieve): the "work". */
function countPrimes(n) {
  const composite = new Uint8Array(n);
  let primes = 0;
  for (let i = 2; i < n; i++) {
    if (composite[i]) continue;
    primes++;
    for (let j = i * i; j < n; j += i) composite[j] = 1;
  }
  return primes;
}
