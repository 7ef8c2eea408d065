// A job queue between two processes over Channel: the producer sends COUNT jobs on the channel NAME; the worker
// takes them with `for await`, does each (counts the primes below a number) and sends the result back on a second
// channel, NAME-results (a channel carries messages one way: one writer, one reader). Each side prints what it did
// and exits 0.
//
// Coordination without sleeping, events or sentinels:
// - both sides call Channel.create() for both channels: a channel is set up under the mutex NAME-init, so either
//   side may start first and both get it whole;
// - a channel lives while one of its ends is open, so a side that has sent everything drains it (drainAsync():
//   resolves once the other side has taken every message) before it closes;
// - a writer's close() is the end of its stream: the worker's `for await` ends after the last job, and the
//   producer's receiveAsync() gives null after the last result (a timeout gives undefined).
// Every wait is bounded, so a missing peer ends this example with an error instead of hanging it:
// - sends, drains and the producer's receives pass `timeoutMs`, and a timeout is a result (false, undefined);
// - the worker's `for await` has no timeout of its own: an idle timer closes the jobs channel, which ends the loop;
// - a peer that dies without closing its end is reported by the waiting side as a ChannelPeerExitedError.
//
// Messages are JSON strings: jobs { id, below }; results { id, below, primes, pid }.
//
// Run (Windows or Linux, after `npm run build`), in two consoles or both at once:
//   node examples/job-queue.mjs producer NAME [COUNT]      COUNT defaults to 5
//   node examples/job-queue.mjs worker NAME
// or `npm run demo -- jobs`, which starts both (add `--wine` on Linux for Windows Node under Wine).
import { clearTimeout, setTimeout } from 'node:timers';
import { Channel, ChannelPeerExitedError } from 'filemapping';

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
  let jobs;
  let results;
  try {
    jobs = Channel.create(name);
    results = Channel.create(`${name}-results`);
    console.log(`producer: joined channels "${jobs.name}" and "${results.name}" (messages up to ${jobs.maxMessageLength} bytes)`);

    for (let id = 0; id < count; id++) {
      await send(jobs, { id, below: 1000 * (id + 1) });
    }
    console.log(`producer: sent ${count} jobs`);
    // Closing now could take the channel, and the jobs not yet taken, with it: wait until the worker has them all.
    if (!(await jobs.drainAsync({ timeoutMs: TIMEOUT_MS }))) {
      throw new Error(`the worker took no job for ${TIMEOUT_MS / 1000} s (start it with the same NAME)`);
    }
    jobs.close(); // the end of the jobs: the worker's loop ends after the last one
    console.log(`producer: the worker took every job; closed "${name}"`);

    // A channel is ordered, but a real worker pool would not be: match results to jobs by id.
    const pending = new Set(Array.from({ length: count }, (_, id) => id));
    for (;;) {
      const message = await results.receiveAsync({ timeoutMs: TIMEOUT_MS });
      if (message === undefined) throw new Error(`no result for ${TIMEOUT_MS / 1000} s`);
      if (message === null) break; // the worker closed its end after its last result
      const result = JSON.parse(message.toString('utf8'));
      pending.delete(result.id);
      console.log(`producer: job ${result.id}: ${result.primes} primes below ${result.below} (worker pid ${result.pid})`);
    }
    if (pending.size > 0) throw new Error(`the worker closed without the results of jobs ${[...pending].join(', ')}`);
    console.log(`producer: all ${count} results received`);
  } finally {
    results?.close();
    jobs?.close();
  }
}

async function worker() {
  let jobs;
  let results;
  try {
    jobs = Channel.create(name);
    results = Channel.create(`${name}-results`);
    console.log(`worker: joined channels "${jobs.name}" and "${results.name}"`);

    // The loop ends when the producer closes the jobs channel after its last job; the idle timer bounds the wait for
    // the next one (close() ends a `for await` too).
    let idle = false;
    const timer = setTimeout(() => {
      idle = true;
      jobs.close();
    }, TIMEOUT_MS);
    let done = 0;
    try {
      for await (const message of jobs) {
        timer.refresh();
        const job = JSON.parse(message.toString('utf8'));
        const primes = countPrimes(job.below);
        await send(results, { id: job.id, below: job.below, primes, pid: process.pid });
        console.log(`worker: job ${job.id}: ${primes} primes below ${job.below}, result sent`);
        done++;
      }
    } finally {
      clearTimeout(timer);
    }
    if (idle) throw new Error(`no job for ${TIMEOUT_MS / 1000} s, and the producer did not close: gave up after ${done} jobs`);
    console.log(`worker: the producer closed "${name}" after ${done} jobs`);
    if (!(await results.drainAsync({ timeoutMs: TIMEOUT_MS }))) {
      throw new Error(`the producer took no result for ${TIMEOUT_MS / 1000} s`);
    }
    console.log('worker: the producer took every result; closing');
  } finally {
    results?.close(); // the end of the results: the producer's receiveAsync() gives null after the last one
    jobs?.close();
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
